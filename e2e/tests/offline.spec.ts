// A customer keeps reviewing through outages: the studio's server killed, the
// object store killed, no network at all. Every process here is real and is
// killed for real (SIGKILL); nothing is mocked.
import { Page, Request } from '@playwright/test';
import { test, expect, startStudio } from './fixtures';
import { GalleryPage, expectDecoded } from './gallery.page';
import { Manifest, readManifest } from './manifest';

const SAMPLE_COUNT = 12;

/** Image downloads from the store (thumb/proof objects; not the manifest mirror). */
function countImageDownloads(page: Page, storeOrigin: string): { urls: string[] } {
  const seen = { urls: [] as string[] };
  page.on('request', (req: Request) => {
    const url = req.url();
    if (url.startsWith(storeOrigin) && /\/(thumb|proof)\//.test(url)) seen.urls.push(url);
  });
  return seen;
}

/** Console errors, minus Chromium's own log line for each refused connection
 * (those are the outage we cause, not the app misbehaving). */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Opens the gallery online, lets every on-screen thumbnail and one proof
 * load, and waits until the service worker controls the page. */
async function visitOnline(gallery: GalleryPage, link: string): Promise<string[]> {
  await gallery.open(link);
  await gallery.waitForOfflineShell();
  await expect.poll(async () => (await gallery.renderedTileIds()).length).toBeGreaterThan(3);
  await gallery.tile('Ceremony 01').click();
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  await gallery.page.keyboard.press('Escape');
  await expect(gallery.lightbox).toBeHidden();
  // Let the last downloads land in IndexedDB.
  await gallery.page.waitForTimeout(300);
  return gallery.renderedTileIds();
}

async function expectTilesShown(gallery: GalleryPage, ids: string[]) {
  for (const id of ids) {
    const tile = gallery.page.locator(`#${id}`);
    await tile.scrollIntoViewIfNeeded();
    await expectDecoded(tile.locator('img'));
  }
}

test('with the studio server killed, a reload opens the saved gallery with every photo seen before', async ({ page }) => {
  const studio = await startStudio();
  try {
    const gallery = new GalleryPage(page);
    const seen = await visitOnline(gallery, studio.link);
    await studio.killOrigin();

    const downloads = countImageDownloads(page, studio.storeOrigin);
    await page.reload();
    await expect(gallery.banner).toContainText('Studio server unreachable');
    await expect(gallery.banner).toContainText('saved copy');
    await expectTilesShown(gallery, seen);
    expect(downloads.urls, 'photos already on the device are not downloaded again').toEqual([]);
    await gallery.tile('Ceremony 01').click();
    await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  } finally {
    await studio.stop();
  }
});

test('with the server and the store killed, and then with no network, the app and gallery still work', async ({ page, context }) => {
  const studio = await startStudio();
  try {
    const errors = collectErrors(page);
    const gallery = new GalleryPage(page);
    const seen = await visitOnline(gallery, studio.link);
    await studio.killOrigin();
    await studio.killStore();

    await page.reload();
    await expect(gallery.banner).toContainText('showing the copy saved on this device');
    await expectTilesShown(gallery, seen);
    await gallery.tile('Ceremony 01').click();
    await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
    await page.keyboard.press('Escape');

    await context.setOffline(true);
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline — showing the copy saved on this device");
    await expectTilesShown(gallery, seen);
    await gallery.tile('Ceremony 01').click();
    await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
    await page.keyboard.press('ArrowRight');
    await expect(gallery.lightbox).toHaveAccessibleName(/\(4 of 12\)$/);
    await gallery.expectNoBrokenImages();
    expect(errors).toEqual([]);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

test('a revisit in a new signing window downloads no photo it already has', async ({ page }) => {
  // Two-second windows: the second visit gets freshly signed URLs.
  const studio = await startStudio({ serveArgs: ['--signing-window-secs', '2', '--url-validity-secs', '600'] });
  try {
    const manifests: Manifest[] = [];
    page.on('response', async (r) => {
      if (/\/api\/galleries\/[^/?]+\?form=compact(&part=first|&)?$/.test(r.url())) manifests.push(readManifest(await r.text()));
    });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await page.waitForTimeout(2500);

    const downloads = countImageDownloads(page, studio.storeOrigin);
    await page.reload();
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    expect(manifests.length).toBeGreaterThanOrEqual(2);
    const [first, last] = [manifests[0], manifests[manifests.length - 1]];
    expect(last.images[0].renditions.thumb.url, 'URLs were re-signed').not.toEqual(first.images[0].renditions.thumb.url);
    expect(downloads.urls, 'zero thumbnails downloaded again').toEqual([]);
  } finally {
    await studio.stop();
  }
});

test('expired URLs with the origin down: saved photos show, others keep their placeholder, nothing breaks', async ({ page }) => {
  // URLs live 20 s (mirror 25 s); the device keeps what it saw.
  const studio = await startStudio({
    serveArgs: ['--signing-window-secs', '5', '--url-validity-secs', '20', '--mirror-validity-secs', '25'],
  });
  try {
    const errors = collectErrors(page);
    const gallery = new GalleryPage(page);
    const seen = await visitOnline(gallery, studio.link);
    await studio.killOrigin();
    await page.waitForTimeout(26_000);

    const downloads = countImageDownloads(page, studio.storeOrigin);
    await page.reload();
    await expect(gallery.banner).toContainText('showing the copy saved on this device');
    await expectTilesShown(gallery, seen);
    // Ceremony 01's proof was seen; the last photo's was not.
    await gallery.tile('Ceremony 01').click();
    await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
    await page.keyboard.press('Escape');
    await (await gallery.lastTile(SAMPLE_COUNT)).click();
    await expect(gallery.lightbox).toHaveAccessibleName(new RegExp(`\\(${SAMPLE_COUNT} of ${SAMPLE_COUNT}\\)$`));
    await expect(gallery.lightbox.getByText('Not available offline')).toBeVisible();
    await gallery.expectNoBrokenImages();
    expect(downloads.urls, 'expired URLs are not even tried').toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await studio.stop();
  }
});

test('a corrupted saved photo is detected, dropped and downloaded again', async ({ page }) => {
  const studio = await startStudio();
  try {
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await page.waitForTimeout(300);
    // Flip one byte of one saved photo, in IndexedDB itself.
    const key = await page.evaluate(async () => {
      const db: IDBDatabase = await new Promise((ok, err) => {
        const r = indexedDB.open('proofline');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => err(r.error);
      });
      const tx = db.transaction('entries', 'readwrite');
      const store = tx.objectStore('entries');
      const keys: IDBValidKey[] = await new Promise((ok) => {
        const r = store.getAllKeys();
        r.onsuccess = () => ok(r.result);
      });
      const key = keys[0] as string;
      const bytes: Uint8Array = await new Promise((ok) => {
        const r = store.get(key);
        r.onsuccess = () => ok(r.result);
      });
      const damaged = bytes.slice();
      damaged[damaged.length >> 1] ^= 0xff;
      store.put(damaged, key);
      await new Promise((ok) => (tx.oncomplete = ok));
      db.close();
      return key;
    });

    const downloads = countImageDownloads(page, studio.storeOrigin);
    await page.reload();
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await gallery.expectNoBrokenImages();
    expect(downloads.urls.length, `only the damaged photo is downloaded again: ${downloads.urls}`).toBe(1);
    // And the entry is whole again.
    const digest = await page.evaluate(async (key) => {
      const db: IDBDatabase = await new Promise((ok) => {
        const r = indexedDB.open('proofline');
        r.onsuccess = () => ok(r.result);
      });
      const bytes: Uint8Array = await new Promise((ok) => {
        const r = db.transaction('entries').objectStore('entries').get(key);
        r.onsuccess = () => ok(r.result);
      });
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
    }, key);
    expect(digest).toBe(key);
  } finally {
    await studio.stop();
  }
});
