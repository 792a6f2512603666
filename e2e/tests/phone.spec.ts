// A customer on a phone: the grid fits a narrow screen, and the lightbox
// answers to fingers: swipe to the next photo, pinch and double-tap to zoom.
// Touches are real touch events sent through Chromium's input pipeline (CDP
// Input.dispatchTouchEvent), which the page receives as pointer events.
import { CDPSession, Page } from '@playwright/test';
import { test, expect, startStudio } from './fixtures';
import { GalleryPage, expectDecoded } from './gallery.page';

const SAMPLE_COUNT = 12;

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

type Finger = { x: number; y: number };

/** Moves fingers from `from` to `to` in steps, one frame apart. */
async function gesture(cdp: CDPSession, from: Finger[], to: Finger[], steps = 8, stepMs = 16) {
  const at = (k: number) => from.map((f, i) => ({ x: f.x + ((to[i].x - f.x) * k) / steps, y: f.y + ((to[i].y - f.y) * k) / steps, id: i }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let k = 1; k <= steps; k++) {
    await new Promise((r) => setTimeout(r, stepMs));
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(k) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

async function tap(cdp: CDPSession, x: number, y: number) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y, id: 0 }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** How many times wider the photo is drawn than at rest (its transform's scale). */
async function zoomOf(page: Page): Promise<number> {
  return page.locator('.lightbox img.proof').evaluate((img) => new DOMMatrixReadOnly(getComputedStyle(img).transform).a);
}

test('on a phone: swipe to the next photo, pinch and double-tap to zoom, swipe disabled while zoomed', async ({ page, studio }) => {
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'nothing wider than the phone').toBeLessThanOrEqual(390);

  await page.evaluate(() => window.scrollTo(0, 0));
  await gallery.tile('Ceremony 01').tap();
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  const cdp = await page.context().newCDPSession(page);
  const y = 420;

  // A flick to the left shows the next photo; a short drag snaps back.
  await gesture(cdp, [{ x: 300, y }], [{ x: 120, y }]);
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  await gesture(cdp, [{ x: 200, y }], [{ x: 170, y }], 10, 40);
  await page.waitForTimeout(400);
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  expect(await zoomOf(page)).toBe(1);
  // And to the right, the previous one.
  await gesture(cdp, [{ x: 100, y }], [{ x: 330, y }]);
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);

  // Pinch out: fingers 80 px apart spread to 240 px → three times the size.
  await gesture(cdp, [{ x: 155, y }, { x: 235, y }], [{ x: 75, y }, { x: 315, y }], 10);
  await expect.poll(() => zoomOf(page)).toBeCloseTo(3, 1);
  // Zoomed, a one-finger drag pans the photo instead of changing it.
  await gesture(cdp, [{ x: 300, y }], [{ x: 120, y }]);
  await page.waitForTimeout(400);
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  expect(await zoomOf(page)).toBeGreaterThan(2.9);

  // Double-tap: back to fit; double-tap again: zoomed in on that spot.
  await tap(cdp, 195, y);
  await page.waitForTimeout(80);
  await tap(cdp, 195, y);
  await expect.poll(() => zoomOf(page)).toBe(1);
  await tap(cdp, 195, y);
  await page.waitForTimeout(80);
  await tap(cdp, 195, y);
  await expect.poll(() => zoomOf(page)).toBeCloseTo(2.5, 1);
  await expectDecoded(gallery.lightbox.locator('img.proof'));

  // The close button still works, and the grid is where it was.
  await gallery.lightbox.getByRole('button', { name: 'Close' }).tap();
  await expect(gallery.lightbox).toHaveCount(0);
  await expect(gallery.tile('Ceremony 01')).toBeFocused();
});

test('at 390 px every tile shows its Favourite and Select whole and apart, stacked on a narrow portrait', async ({ page }) => {
  // 200 photos, every third a 2:3 portrait: rows of mixed shapes, as a
  // wedding's are.
  const samples = process.env.PROOFLINE_SAMPLES_200;
  if (!samples) throw new Error('PROOFLINE_SAMPLES_200 is not set: run through `cargo xtask test`');
  const studio = await startStudio({ samples });
  try {
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect(page.getByText('200 photos')).toBeVisible();
    const tiles = await page.locator('.grid > li').evaluateAll((lis) =>
      lis.map((li) => {
        const box = (e: Element) => {
          const b = e.getBoundingClientRect();
          return { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
        };
        const [favourite, select] = [...li.querySelectorAll('.tile-actions .choice')].map(box);
        return { tile: box(li), favourite, select };
      }),
    );
    expect(tiles.length).toBeGreaterThanOrEqual(12);
    let stacked = 0;
    for (const { tile, favourite, select } of tiles) {
      for (const b of [favourite, select]) {
        expect(b.left).toBeGreaterThanOrEqual(tile.left);
        expect(b.right).toBeLessThanOrEqual(tile.right);
        expect(b.top).toBeGreaterThanOrEqual(tile.top);
        expect(b.bottom).toBeLessThanOrEqual(tile.bottom);
      }
      const apart =
        favourite.right <= select.left || select.right <= favourite.left || favourite.bottom <= select.top || select.bottom <= favourite.top;
      expect(apart, JSON.stringify({ tile, favourite, select })).toBe(true);
      if (favourite.bottom <= select.top) stacked++;
    }
    // The sample's portraits are narrower than two buttons side by side here.
    expect(stacked, JSON.stringify(tiles.map((t) => [t.tile.right - t.tile.left, t.favourite, t.select]))).toBeGreaterThan(0);
    // And a stacked button still does what it says.
    const narrow = tiles.findIndex(({ favourite, select }) => favourite.bottom <= select.top);
    const button = page.locator('.grid > li').nth(narrow).getByRole('button', { name: /^Favourite / });
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  } finally {
    await studio.stop();
  }
});

test('on a phone the first screen comes first: its rows alone in the first frame, its photos asked for first, the rows below after', async ({ page }) => {
  const samples = process.env.PROOFLINE_SAMPLES_200;
  if (!samples) throw new Error('PROOFLINE_SAMPLES_200 is not set: run through `cargo xtask test`');
  const studio = await startStudio({ samples });
  try {
    // The grid's rows in the frame after the first one appeared, each with
    // its photo's id and its top.
    type Row = { id: string; top: number };
    await page.addInitScript(() => {
      const w = window as unknown as { firstFrame?: { id: string; top: number }[] };
      const seen = new MutationObserver(() => {
        if (!document.querySelector('.grid > li')) return;
        seen.disconnect();
        requestAnimationFrame(() => {
          w.firstFrame = [...document.querySelectorAll('.grid > li')].map((li) => {
            const top = li.getBoundingClientRect().top;
            return { id: li.querySelector('.tile')?.id.replace(/^tile-/, '') ?? '', top };
          });
        });
      });
      seen.observe(document, { childList: true, subtree: true });
    });
    // Photo ids of the thumbnails asked of the store, in order.
    const asked: string[] = [];
    page.on('request', (r) => {
      const m = r.url().match(/\/([0-9a-f]{16})\/thumb\//);
      if (m) asked.push(m[1]);
    });
    await page.goto(studio.link);
    await expect(page.getByText('200 photos')).toBeVisible();
    const first = await page.waitForFunction(() => (window as any).firstFrame).then((h) => h.jsonValue() as Promise<Row[]>);
    const height = page.viewportSize()!.height;
    expect(first.length).toBeGreaterThan(4);
    for (const row of first) expect(row.top, `${row.id} was made with the first screen`).toBeLessThan(height);
    // The rows around the screen follow, and only then their photos.
    await expect.poll(() => page.locator('.grid > li').evaluateAll((lis, h) => lis.filter((li) => li.getBoundingClientRect().top >= h).length, height)).toBeGreaterThan(0);
    await expect.poll(() => asked.length).toBeGreaterThan(first.length);
    const onScreen = new Set(first.map((r) => r.id));
    expect(asked.slice(0, first.length).every((id) => onScreen.has(id)), JSON.stringify({ asked: asked.slice(0, first.length), onScreen: [...onScreen] })).toBe(true);
  } finally {
    await studio.stop();
  }
});

test('opening a gallery on a phone moves nothing on screen: no layout shift from the loading screen to the photos', async ({ page, studio }) => {
  // Every layout shift the page records, from before the app starts.
  await page.addInitScript(() => {
    const w = window as unknown as { shifts: { value: number; nodes: string[] }[] };
    w.shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; sources: { node?: Node }[] }[]) {
        w.shifts.push({ value: e.value, nodes: e.sources.map((s) => s.node?.nodeName ?? '?') });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  const shifts = await page.evaluate(() => (window as unknown as { shifts: unknown[] }).shifts);
  expect(shifts).toEqual([]);
});
