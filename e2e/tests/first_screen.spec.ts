// A large gallery on a first visit: the page asks the studio for its first
// screen (the first 60 photos, a few kilobytes) and shows those photos while
// the whole list comes, so the first thumbnails never wait for a long
// gallery's manifest. What needs every photo waits for the whole list, and
// only the whole list is kept on the device. Should the studio go down in
// between, the rest comes from the store's copy (the mirror).
import { BrowserContext, Route } from '@playwright/test';
import { test, expect, startStudio } from './fixtures';
import { GalleryPage } from './gallery.page';

const COUNT = 200;
const FIRST_SCREEN = 60;

/** Holds the page's requests for a whole manifest (not a first screen's)
 * until the returned function is called with what to do with them. On the
 * context: the service worker that takes the page over forwards them. */
async function holdWholeList(context: BrowserContext): Promise<(then: (route: Route) => Promise<void>) => void> {
  let release: (then: (route: Route) => Promise<void>) => void = () => {};
  const released = new Promise<(route: Route) => Promise<void>>((resolve) => (release = resolve));
  await context.route(/\/api\/galleries\/[^/?]+\?form=compact&?$/, async (route) => (await released)(route));
  return release;
}

function samples(): string {
  const dir = process.env.PROOFLINE_SAMPLES_200;
  if (!dir) throw new Error('PROOFLINE_SAMPLES_200 is not set: run through `cargo xtask test`');
  return dir;
}

test('a large gallery shows its first screen while the rest of its list comes, and the device keeps the whole list', async ({ page, context }) => {
  const studio = await startStudio({ samples: samples() });
  try {
    const release = await holdWholeList(context);
    const firstScreens: number[] = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('?form=compact&part=first')) firstScreens.push(JSON.parse(await r.text()).images.list.length);
    });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);

    // The first screen, whole, while the studio's whole list is held back.
    await expect(page.getByText(`${COUNT} photos`)).toBeVisible();
    await gallery.expectScreenShown(4, 'every tile on the first screen shows its thumbnail');
    expect(firstScreens).toEqual([FIRST_SCREEN]);
    const coming = page.getByRole('status').filter({ hasText: `Loading ${COUNT - FIRST_SCREEN} more photos…` });
    await expect(coming).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Save for offline' })).toBeDisabled();
    await gallery.lastTile(FIRST_SCREEN);
    await expect(page.locator(`.grid li[aria-posinset="${FIRST_SCREEN + 1}"]`)).toHaveCount(0);

    // The whole list arrives: every photo, and the page takes it in without
    // a blink: in every frame each tile on screen shows its thumbnail, and
    // the page stays where the customer scrolled it.
    await page.evaluate(() => window.scrollTo(0, 400));
    await gallery.expectScreenShown(4, 'the tiles scrolled to show their thumbnails');
    await page.evaluate(() => {
      const w = window as unknown as { frames: string[]; watching: boolean };
      [w.frames, w.watching] = [[], true];
      const frame = () => {
        const tiles = [...document.querySelectorAll('.tile')].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight;
        });
        const blank = tiles.filter((t) => {
          const img = t.querySelector('img');
          return !(img && img.complete && img.naturalWidth > 0);
        });
        w.frames.push(`${tiles.length - blank.length} of ${tiles.length} shown at ${scrollY}`);
        if (w.watching) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    release((route) => route.continue());
    await expect(coming).toHaveCount(0);
    await page.waitForTimeout(300);
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames: string[]; watching: boolean };
      w.watching = false;
      return w.frames;
    });
    expect(frames.length).toBeGreaterThan(5);
    for (const f of frames) expect(f, frames.join('\n')).toMatch(/^(\d+) of \1 shown at 400$/);
    expect(frames[0]).not.toMatch(/^0 of/);
    await expect(page.getByRole('button', { name: 'Save for offline' })).toBeEnabled();
    await expect(await gallery.lastTile(COUNT)).toBeVisible();
    await gallery.expectNoBrokenImages();

    // The device kept the whole list, not the first screen: offline, the
    // gallery opens with every photo.
    await gallery.waitForOfflineShell();
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByText(`${COUNT} photos`)).toBeVisible();
    await expect(await gallery.lastTile(COUNT)).toBeVisible();
    await expect(coming).toHaveCount(0);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

test('the studio gone after the first screen: the rest of the gallery comes from the store', async ({ page, context }) => {
  const studio = await startStudio({ samples: samples() });
  try {
    const release = await holdWholeList(context);
    let mirror = '';
    page.on('response', async (r) => {
      if (r.url().endsWith('?form=compact&part=first')) mirror = JSON.parse(await r.text()).mirror;
    });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect(page.getByText(`Loading ${COUNT - FIRST_SCREEN} more photos…`)).toHaveCount(1);
    // The origin writes the mirror just after its first answer.
    expect(mirror).toContain(studio.storeOrigin);
    await expect.poll(async () => (await fetch(mirror)).status, { message: 'the mirror is written' }).toBe(200);

    await studio.killOrigin();
    release((route) => route.continue());

    await expect(page.getByText(`Loading ${COUNT - FIRST_SCREEN} more photos…`)).toHaveCount(0);
    await expect(gallery.banner).toContainText("showing the studio's saved copy");
    await expect(await gallery.lastTile(COUNT)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save for offline' })).toBeEnabled();
  } finally {
    await studio.stop();
  }
});
