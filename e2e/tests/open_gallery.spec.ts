// A customer opens the link the studio sent, sees every proof, and pages through
// them in the lightbox; every image comes straight from the object store.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, startStudio, required } from './fixtures';
import { GalleryPage } from './gallery.page';

const SAMPLE_COUNT = 12;

test('customer opens the share link and every thumbnail loads from the store', async ({ page, studio }) => {
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  // How long the browser may keep each of the app's files.
  const caching = new Map<string, string>();
  page.on('response', (r) => {
    if (r.url().startsWith(studio.origin) && !r.url().includes('/api/')) caching.set(new URL(r.url()).pathname, r.headers()['cache-control'] ?? '');
  });
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  await expect(page.getByRole('heading', { level: 1, name: 'Sample wedding' })).toBeVisible();
  await expect(page.getByText(`${SAMPLE_COUNT} photos`)).toBeVisible();
  await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
  // Files named by their content are kept for a year; the page is asked
  // about each time, so a new release arrives on the next visit.
  const hashed = [...caching.keys()].filter((p) => /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/.test(p));
  expect(hashed.length).toBeGreaterThanOrEqual(3);
  for (const p of hashed) expect(caching.get(p), p).toBe('public, max-age=31536000, immutable');
  expect(caching.get('/')).toBe('no-cache');
  // The customer downloads the customer's app only: the studio's pages are
  // an app of their own.
  expect(hashed.filter((p) => p.startsWith('/proofline-client-')).length).toBe(2);
  expect(requests.filter((u) => u.includes('proofline-studio') || u.includes('/studio/'))).toEqual([]);
  // The wasm came as the brotli copy made at build time: the bytes that
  // crossed the network are that file's, byte for byte in number.
  const wasm = hashed.find((p) => p.endsWith('_bg.wasm'))!;
  const sizes = await page.evaluate((path) => {
    const e = performance.getEntriesByType('resource').find((r) => new URL(r.name).pathname === path) as PerformanceResourceTiming;
    return { encoded: e.encodedBodySize, decoded: e.decodedBodySize };
  }, wasm);
  const dist = required('PROOFLINE_CLIENT_DIR');
  expect(sizes).toEqual({ encoded: statSync(join(dist, `${wasm}.br`)).size, decoded: statSync(join(dist, wasm)).size });

  // The lightbox opens on a click and moves with the arrow keys. The studio's
  // folder order is by name, so "Ceremony 01" is the third photo.
  await gallery.tile('Ceremony 01').click();
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  await expect(gallery.lightbox).toHaveAccessibleName(/^Ceremony 01/);
  await page.keyboard.press('ArrowRight');
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  await expect(gallery.lightbox).toHaveAccessibleName(/^Ceremony 02/);
  await page.keyboard.press('ArrowRight');
  await gallery.expectLightboxShowing(`5 of ${SAMPLE_COUNT}`);
  await page.keyboard.press('ArrowLeft');
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  await gallery.lightbox.getByRole('button', { name: 'Next photo' }).click();
  await gallery.expectLightboxShowing(`5 of ${SAMPLE_COUNT}`);

  // Escape closes it and gives focus back to the photo's tile.
  await page.keyboard.press('Escape');
  await expect(gallery.lightbox).toBeHidden();
  await expect(gallery.tile('Confetti 100%')).toBeFocused();

  // Every image byte came from the store, none through the origin; what the
  // page shows are data: URLs of verified bytes, never the store's URLs.
  const imageRequests = requests.filter((u) => /\/(thumb|proof)\//.test(u));
  expect(imageRequests.length).toBeGreaterThanOrEqual(SAMPLE_COUNT + 3);
  for (const url of imageRequests) {
    expect(url.startsWith(`${studio.storeOrigin}/`), url).toBe(true);
  }
  for (const src of await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src))) {
    expect(src.startsWith('data:image/jpeg;base64,'), src.slice(0, 80)).toBe(true);
  }
});

test('the back button closes the lightbox', async ({ page, studio }) => {
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  await gallery.tile('Ceremony 02').click();
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  await page.keyboard.press('ArrowRight');
  await gallery.expectLightboxShowing(`5 of ${SAMPLE_COUNT}`);
  await page.goBack();
  await expect(gallery.lightbox).toBeHidden();
  await expect(gallery.tile('Ceremony 01')).toBeVisible();
});

test('a wrong token shows a sentence, not a blank page', async ({ page, studio }) => {
  const wrong = studio.link.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAA');
  await page.goto(wrong);
  await expect(page.getByRole('heading', { name: "We can't show this gallery" })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('ask the studio for a new one');
});

test('a studio server that is down shows a sentence, not a blank page', async ({ page }) => {
  // Its own server, so killing it does not disturb the other tests.
  const own = await startStudio();
  try {
    await page.goto(`${own.origin}/#/`);
    await expect(page.getByRole('heading', { name: 'Your photo proofs' })).toBeVisible();
    // The origin dies for real; the app, already loaded, then follows the link.
    await own.stop();
    await page.evaluate((hash) => { location.hash = hash; }, new URL(own.link).hash);
    await expect(page.getByRole('status')).toContainText("couldn't reach the studio's server");
  } finally {
    await own.stop();
  }
});
