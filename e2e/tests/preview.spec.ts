// A first visit on a slow phone: while the app downloads, the page already
// shows the gallery's first photos (index.html's preview, drawn from the
// manifest request it starts at once), laid out where the app lays them
// out. The app's page takes its place, and reads those thumbnails from the
// HTTP cache instead of downloading them again. A revisit and a PIN link
// show no preview.
import { CDPSession, Page } from '@playwright/test';
import { test, expect, startStudio, createLink } from './fixtures';
import { GalleryPage } from './gallery.page';

/** Holds the app's wasm until the returned function is called. Through the
 * DevTools protocol, not `page.route`, which turns the HTTP cache off. */
async function holdWasm(cdp: CDPSession): Promise<() => Promise<void>> {
  const held: string[] = [];
  let released = false;
  cdp.on('Fetch.requestPaused', (e) => {
    if (released) void cdp.send('Fetch.continueRequest', { requestId: e.requestId });
    else held.push(e.requestId);
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*_bg.wasm', requestStage: 'Request' }] });
  return async () => {
    released = true;
    for (const id of held) await cdp.send('Fetch.continueRequest', { requestId: id });
    await cdp.send('Fetch.disable');
  };
}

/** Each thumbnail URL the page loaded, and how many of those loads went to
 * the store (rather than being answered from the HTTP cache). */
async function watchThumbnails(cdp: CDPSession): Promise<Map<string, { loads: number; fromStore: number }>> {
  const seen = new Map<string, { loads: number; fromStore: number }>();
  cdp.on('Network.responseReceived', (e) => {
    if (!e.response.url.includes('/thumb/')) return;
    const s = seen.get(e.response.url) ?? { loads: 0, fromStore: 0 };
    s.loads += 1;
    if (!e.response.fromDiskCache && !e.response.fromPrefetchCache && !e.response.fromServiceWorker) s.fromStore += 1;
    seen.set(e.response.url, s);
  });
  await cdp.send('Network.enable');
  return seen;
}

/** The boxes of the first `n` photos (in the grid's order), relative to
 * their grid's top left. */
const boxes = (page: Page, grid: string, photo: string, n: number) =>
  page.evaluate(
    ([grid, photo, n]) => {
      const g = document.querySelector(grid as string)!.getBoundingClientRect();
      const at = (e: Element) => Number(e.getAttribute('aria-posinset') ?? 0);
      const all = [...document.querySelectorAll(photo as string)].sort((a, b) => at(a) - at(b));
      return all.slice(0, n as number).map((e) => {
        const r = e.getBoundingClientRect();
        return [r.left - g.left, r.top - g.top, r.width, r.height].map(Math.round);
      });
    },
    [grid, photo, n],
  );

/** Where `selector`'s element starts, from the top of the page. */
const top = (page: Page, selector: string) =>
  page.evaluate((s) => Math.round(document.querySelector(s)!.getBoundingClientRect().top + scrollY), selector);

test('a first visit shows the first photos before the app has downloaded; the app takes their place and downloads none of them again', async ({ page }) => {
  const studio = await startStudio();
  try {
    const cdp = await page.context().newCDPSession(page);
    const thumbnails = await watchThumbnails(cdp);
    const release = await holdWasm(cdp);
    await page.goto(studio.link, { waitUntil: 'commit' });

    // The app has not started, and the first photos are on screen.
    const preview = page.locator('#preview');
    await expect(preview).toHaveAttribute('aria-hidden', 'true');
    await expect(preview.locator('.preview-title')).toHaveText('Sample wedding');
    await expect(preview.locator('.count')).toHaveText('Loading your gallery…');
    const photos = preview.locator('img');
    await expect.poll(() => photos.count()).toBeGreaterThanOrEqual(4);
    await expect
      .poll(() => photos.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await expect(page.locator('.grid')).toHaveCount(0);
    const shown = await page.evaluate(() => (window as unknown as { __prooflinePreview: string[] }).__prooflinePreview);
    expect(shown.length).toBe(await photos.count());
    const previewed = await boxes(page, '.preview-grid', '.preview-grid img', shown.length);
    // Its header holds the app header's place, controls as blank shapes.
    await expect(preview.getByText('Proof gallery by Proofline')).toBeVisible();
    const shapes = preview.locator('.preview-space button');
    await expect(shapes.first()).toHaveCSS('color', 'rgba(0, 0, 0, 0)');
    await page.keyboard.press('Tab');
    expect(await shapes.evaluateAll((b) => b.includes(document.activeElement!)), 'the shapes take no focus').toBe(false);
    const previewTop = await top(page, '.preview-grid');

    // The app's page replaces it, with the same photos in the same places.
    await release();
    const gallery = new GalleryPage(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sample wedding');
    await expect(preview).toHaveCount(0);
    await gallery.expectScreenShown(4, 'every tile on the first screen shows its thumbnail');
    expect(await boxes(page, '.grid', '.grid li', shown.length)).toEqual(previewed);
    expect(await top(page, '.grid'), 'the photos do not move when the app takes over').toBe(previewTop);

    // Each previewed thumbnail came from the store once: the app read it
    // from the HTTP cache.
    for (const url of shown) {
      await expect.poll(() => thumbnails.get(url)?.loads ?? 0, { message: url }).toBeGreaterThanOrEqual(2);
      expect(thumbnails.get(url)?.fromStore, url).toBe(1);
    }

    // A revisit opens from the device, with no preview.
    await page.reload();
    await gallery.expectScreenShown(4, 'every tile shows its thumbnail after the reload');
    expect(await page.evaluate(() => '__prooflinePreview' in window)).toBe(false);
    await expect(preview).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});

test('a PIN link shows no preview: its first screen waits for the PIN', async ({ page }) => {
  const studio = await startStudio();
  try {
    const link = createLink(studio, ['--pin', '2468']);
    await page.goto(link.url);
    await expect(page.getByRole('heading', { name: 'Enter your PIN' })).toBeVisible();
    expect(await page.evaluate(() => '__prooflinePreview' in window)).toBe(false);
    await expect(page.locator('#preview')).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});
