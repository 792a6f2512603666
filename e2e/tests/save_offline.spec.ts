// "Save for offline" on a 200-photo gallery over a slow connection: the size
// is shown first, progress is visible, Cancel stops it, a reload resumes it,
// and afterwards every photo works with no network at all. On an iPhone's
// Safari the customer is told that Safari deletes saved photos after 7 days
// without a visit, and how the home screen keeps them: the link is copied,
// and the home screen's app (no address bar) opens it from a pasted link.
import { test, expect, startStudio } from './fixtures';
import { GalleryPage, expectDecoded } from './gallery.page';

test('saving a 200-photo gallery for offline: progress, cancel, resume, then everything offline', async ({ page, context }) => {
  test.setTimeout(240_000);
  const samples = process.env.PROOFLINE_SAMPLES_200;
  if (!samples) throw new Error('PROOFLINE_SAMPLES_200 is not set: run through `cargo xtask test`');
  const studio = await startStudio({ samples });
  try {
    // A phone-like connection, so the save takes long enough to watch.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: 1_000_000,
      uploadThroughput: 250_000,
    });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.waitForOfflineShell();
    const save = page.getByRole('button', { name: 'Save for offline' });
    const progressText = page.locator('.progress-text');

    // The size first, then progress; Cancel stops it.
    await save.click();
    await expect(page.getByText(/^Save 200 photos \(\d+(\.\d)? MB\) on this device\?/)).toBeVisible();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('progressbar', { name: 'Saving for offline' })).toBeVisible();
    await expect(progressText).toContainText(/Saving: \d+ of 200 photos · [\d.]+ (kB|MB) of [\d.]+ MB/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(save).toBeVisible();

    // Started again, then interrupted by a reload: it resumes by itself.
    await save.click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => Number((await progressText.textContent())?.match(/Saving: (\d+)/)?.[1] ?? 0)).toBeGreaterThan(10);
    await page.reload();
    await expect(progressText).toBeVisible();

    // The store dies mid-save: the page says the save is waiting, at once,
    // and the save carries on by itself when the store is back.
    await expect.poll(async () => Number((await progressText.textContent())?.match(/Saving: (\d+)/)?.[1] ?? 0)).toBeGreaterThan(30);
    await studio.killStore();
    const waiting = page.getByText(/^Waiting for the connection: the photos can't be reached right now\. Saving carries on by itself/);
    await expect(waiting).toBeVisible({ timeout: 5_000 });
    await page.waitForTimeout(2_000);
    await expect(waiting).toBeVisible();
    await studio.restartStore();
    // Within the store's cool-down (at most 30 s), the next download works.
    await expect(waiting).toHaveCount(0, { timeout: 45_000 });
    await expect(page.getByText('Saved for offline: 200 photos')).toBeVisible({ timeout: 180_000 });

    // Now no studio, no store, no network.
    await studio.killOrigin();
    await studio.killStore();
    // Lift the throttling first: its session's conditions would mask setOffline.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
    await cdp.detach();
    await context.setOffline(true);
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline");
    await gallery.expectAllThumbnailsRendered(200);
    await (await gallery.lastTile(200)).click();
    await gallery.expectLightboxShowing('200 of 200');
    await page.keyboard.press('ArrowLeft');
    await expectDecoded(gallery.lightbox.locator('img.proof'));
    await gallery.expectNoBrokenImages();
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

test("on an iPhone's Safari: the 7-day limit is said, the link copied, and the home screen's app opens it pasted", async ({ browser }) => {
  const studio = await startStudio();
  const iphone = { userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  try {
    const safari = await browser.newContext({ ...iphone, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await safari.newPage();
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    const saving = page.getByRole('region', { name: 'Save for offline' });
    const hint = saving.getByText(/Safari deletes saved photos after 7 days without a visit\. To keep them, copy this gallery's link, tap Share, then Add to Home Screen/);

    // Before saving: the limit and the way round it, with the link to copy.
    await page.getByRole('button', { name: 'Save for offline' }).click();
    await expect(hint).toBeVisible();
    await saving.getByRole('button', { name: 'Copy link' }).click();
    await expect(saving.getByRole('button', { name: 'Link copied' })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(studio.link);
    // After saving, said again.
    await saving.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(saving.getByText(/^Saved for offline: 12 photos/)).toBeVisible({ timeout: 60_000 });
    await expect(hint).toBeVisible();

    // The home screen's app starts at the site's root, with storage of its
    // own and no address bar: the link is pasted. Not a link: said.
    const app = await (await browser.newContext(iphone)).newPage();
    await app.goto(new URL('/', studio.origin).href);
    await expect(app.getByRole('heading', { level: 1 })).toHaveText('Your photo proofs');
    const box = app.getByLabel('Gallery link');
    await box.fill('the wedding photos');
    await app.getByRole('button', { name: 'Open gallery' }).click();
    await expect(app.getByRole('alert')).toHaveText('That is not a gallery link: paste the whole link your photographer sent you.');
    await box.fill(`  ${copied}\n`);
    await app.getByRole('button', { name: 'Open gallery' }).click();
    await expect(app.getByRole('heading', { level: 1 })).toHaveText('Sample wedding');
    await expect(new GalleryPage(app).tiles.first()).toBeVisible();
    // Back leads to the box again, as an app's back gesture would.
    await app.goBack();
    await expect(app.getByLabel('Gallery link')).toBeVisible();

    // A desktop browser is not told any of it.
    const desktop = await (await browser.newContext()).newPage();
    await new GalleryPage(desktop).open(studio.link);
    await desktop.getByRole('button', { name: 'Save for offline' }).click();
    await expect(desktop.getByRole('button', { name: 'Save', exact: true })).toBeVisible();
    await expect(desktop.getByText(/Safari deletes saved photos/)).toHaveCount(0);
    await expect(desktop.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});
