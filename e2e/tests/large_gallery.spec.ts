// A school studio publishes 10,000 photos. The customer opens the link,
// scrolls to the very end and back (the page never holds more than a
// screenful of tiles), opens the last photo, and the Back button returns them
// to exactly where they were in the grid.
import { test, expect, startStudio } from './fixtures';
import { GalleryPage, expectDecoded } from './gallery.page';

const COUNT = 10_000;
/** Elements in the whole document, whatever the gallery's size. */
const MAX_ELEMENTS = 1_500;

test('a 10,000-photo gallery scrolls end to end with a bounded DOM, and Back from the last photo restores the scroll position', async ({ page }) => {
  test.setTimeout(600_000);
  const samples = process.env.PROOFLINE_SAMPLES_10000;
  if (!samples) throw new Error('PROOFLINE_SAMPLES_10000 is not set: run the e2e tests through `cargo xtask test`');
  const studio = await startStudio({ samples });
  try {
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect(page.getByText('10,000 photos')).toBeVisible();
    await expect.poll(async () => (await gallery.tilesOnScreen()).filter((t) => t.decoded).length).toBeGreaterThan(4);
    // The first screen's 60 photos come first; the whole list follows.
    await expect(page.locator('.more-coming')).toHaveCount(0, { timeout: 30_000 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollHeight / window.innerHeight), { message: 'screens of photos laid out' })
      .toBeGreaterThan(100);

    // Scroll to the end and back a screen at a time, counting elements.
    const counts = await page.evaluate(async () => {
      const elements = () => document.getElementsByTagName('*').length;
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      let max = elements();
      const seen: number[] = [];
      for (const direction of [1, -1]) {
        for (;;) {
          const before = window.scrollY;
          window.scrollBy(0, direction * window.innerHeight * 3);
          await frame();
          max = Math.max(max, elements());
          if (window.scrollY === before) break;
        }
        seen.push(window.scrollY);
      }
      return { max, bottom: seen[0], top: seen[1], height: document.documentElement.scrollHeight };
    });
    expect(counts.top).toBe(0);
    expect(counts.height, 'the page is as tall as all 10,000 photos').toBeGreaterThan(100 * (page.viewportSize()?.height ?? 720));
    expect(counts.max, 'elements in the page while scrolling').toBeLessThan(MAX_ELEMENTS);

    // The scrubber: dragged to the middle of its track, it says where it is
    // and lands on the middle of the gallery.
    const track = page.locator('.scrubber');
    const box = (await track.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await expect(page.locator('.scrubber-label')).toHaveText(/^[\d,]+ of 10,000$/);
    await page.mouse.up();
    const middle = await topTile(page);
    expect(middle.position).toBeGreaterThan(4_000);
    expect(middle.position).toBeLessThan(6_000);

    // Turning the phone (here: a narrower window) keeps that photo at the top.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await page.locator(`#${middle.id}`).boundingBox())?.y ?? -1e9).toBeGreaterThan(-250);
    expect((await page.locator(`#${middle.id}`).boundingBox())!.y).toBeLessThan(250);
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(async () => (await page.locator(`#${middle.id}`).boundingBox())?.y ?? -1e9).toBeGreaterThan(-250);

    // The last photo, in the lightbox.
    const last = await gallery.lastTile(COUNT);
    await expectDecoded(last.locator('img'));
    const scrolled = await page.evaluate(() => window.scrollY);
    await last.click();
    await gallery.expectLightboxShowing(`${COUNT} of ${COUNT}`);
    expect(page.url()).toContain('/i/');

    await page.goBack();
    await expect(gallery.lightbox).toHaveCount(0);
    expect(page.url()).not.toContain('/i/');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await expect(last).toBeFocused();
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(MAX_ELEMENTS);
  } finally {
    await studio.stop();
  }
});

/** The tile at the top of the screen: its element id and 1-based position. */
async function topTile(page: import('@playwright/test').Page): Promise<{ id: string; position: number }> {
  return page.evaluate(() => {
    for (let y = 2; y < 40; y += 3) {
      const li = document.elementFromPoint(20, y)?.closest('li[aria-posinset]');
      const tile = li?.querySelector('.tile');
      if (li && tile) return { id: tile.id, position: Number(li.getAttribute('aria-posinset')) };
    }
    throw new Error('no tile at the top of the screen');
  });
}
