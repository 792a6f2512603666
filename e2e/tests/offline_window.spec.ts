// Revocation that holds while the device is offline, with short settings so
// the bounds pass within the test: the studio revokes a link while a phone
// that saved the gallery is offline with unsent choices. Every URL the phone
// held stops working by the bound the studio was given; on reconnect the
// customer is told and shown those choices. And the offline window: once it
// runs out, the phone hides the gallery until it reaches the studio again.
import { Page } from '@playwright/test';
import { test, expect, deviceHolds, startStudio, Studio } from './fixtures';
import { GalleryPage } from './gallery.page';
import { readManifest } from './manifest';

const SAMPLE_COUNT = 12;

/** Every URL the device keeps for its saved galleries: photo URLs (with
 * their fallbacks) and the manifest mirror's. */
async function heldUrls(page: Page): Promise<{ photos: string[]; mirrors: string[] }> {
  const saved: string[] = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok, err) => {
      const r = indexedDB.open('proofline');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => err(r.error);
    });
    const saved: string[] = await new Promise((ok, err) => {
      const r = db.transaction('galleries').objectStore('galleries').getAll();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => err(r.error);
    });
    db.close();
    return saved;
  });
  const photos: string[] = [];
  const mirrors: string[] = [];
  for (const json of saved) {
    const kept = JSON.parse(JSON.parse(json).manifest);
    expect(kept.version, 'the device keeps the compact form').toBe(2);
    const manifest = readManifest(kept);
    if (manifest.mirror) mirrors.push(manifest.mirror);
    for (const image of manifest.images) {
      for (const r of [image.renditions.thumb, image.renditions.proof]) {
        photos.push(r.url, ...(r.fallbacks ?? []).map((f) => f.url));
      }
    }
  }
  return { photos, mirrors };
}

async function statuses(urls: string[]): Promise<number[]> {
  return Promise.all(urls.map(async (u) => (await fetch(u)).status));
}

/** A new link for the studio's gallery, as `proofline link create` prints it. */
function createLink(studio: Studio, label: string): { id: string; url: string } {
  const out = studio.cli(['link', 'create', studio.gallery, '--label', label]);
  const m = out.match(/^Share link (\S+)[^:]*: \S+(#\/g\/\S+)$/m);
  if (!m) throw new Error(`link create printed no link:\n${out}`);
  return { id: m[1], url: `${studio.origin}/${m[2]}` };
}

test('a link revoked while the phone is offline stops every URL it held by the stated bound, and the phone shows what was not sent', async ({ page, context }) => {
  test.setTimeout(120_000);
  // URLs live 20 s from their 5-second window; the gallery's offline window is 1 hour.
  const studio = await startStudio({
    serveArgs: ['--signing-window-secs', '5', '--url-validity-secs', '20', '--mirror-validity-secs', '25'],
    publishArgs: ['--offline-window', '1h'],
  });
  try {
    const link = createLink(studio, 'Grandma');
    const gallery = new GalleryPage(page);
    await gallery.open(link.url);
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await expect(page.getByText(/^Available offline until ([A-Za-z]+ )?\d\d:\d\d\.$/)).toBeVisible();
    await expect.poll(async () => (await heldUrls(page)).mirrors.length).toBe(1);
    const held = await heldUrls(page);
    expect(held.photos.length).toBeGreaterThanOrEqual(2 * SAMPLE_COUNT);
    // They work now (the mirror once its upload has landed).
    expect(new Set(await statuses(held.photos))).toEqual(new Set([200]));
    await expect.poll(async () => statuses(held.mirrors)).toEqual([200]);

    // Offline, the customer makes two choices.
    await context.setOffline(true);
    const photos = page.getByRole('list', { name: 'Photos' });
    const names = await gallery.tiles.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^Open /, '')));
    await photos.getByRole('button', { name: `Select ${names[0]}`, exact: true }).click();
    await photos.getByRole('button', { name: `Favourite ${names[1]}`, exact: true }).click();
    await expect(page.locator('.outbox')).toHaveText(/^2 choices saved on this device/);

    // Meanwhile the studio revokes the link from its page's API, and is told the bounds.
    const studioToken = studio.studioLink.split('/').pop()!;
    const revokedAt = Date.now() / 1000;
    const answer = await fetch(`${studio.origin}/api/studio/galleries/${studio.gallery}/links/${link.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${studioToken}` },
    });
    expect(answer.status).toBe(200);
    const { revocation, notice } = await answer.json();
    expect(notice).toBeUndefined();
    expect(revocation.photo_urls_until - revokedAt).toBeLessThanOrEqual(21);
    expect(revocation.offline_until - revokedAt).toBeGreaterThan(3_590);
    expect(revocation.offline_until - revokedAt).toBeLessThanOrEqual(3_601);

    // The offline copy's mirror is gone at once; every photo URL stops by its bound.
    expect(await statuses(held.mirrors)).toEqual([404]);
    const wait = revocation.photo_urls_until * 1000 + 1_000 - Date.now();
    await page.waitForTimeout(Math.max(wait, 0));
    expect(new Set(await statuses(held.photos))).toEqual(new Set([403]));

    // Back online, the customer is told, and shown the choices that were not sent.
    await context.setOffline(false);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Sample wedding” is no longer available');
    await expect(page.getByRole('alert')).toContainText('The studio has withdrawn this link');
    const unsent = page.getByRole('region', { name: '2 choices did not reach the studio' });
    await expect(unsent.getByRole('listitem')).toHaveCount(2);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

test('when the offline window runs out the phone hides the gallery, keeps its choices, and shows it again once it reaches the studio', async ({ page, context }) => {
  test.setTimeout(120_000);
  const studio = await startStudio({ publishArgs: ['--offline-window', '1h'] });
  try {
    // The phone's clock is moved forward later; until then it runs as usual.
    await page.clock.install();
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await gallery.waitForOfflineShell();
    const until = /^Available offline until (today |\w{3} )?\d\d:\d\d\.$/;
    await expect(page.getByText(until)).toBeVisible();
    // Every thumbnail has landed in IndexedDB before the network goes.
    await expect.poll(async () => (await deviceHolds(page, '')).photos).toBeGreaterThanOrEqual(SAMPLE_COUNT);

    // Offline, a favourite, and a reload at once: the saved copy is shown.
    await context.setOffline(true);
    const photos = page.getByRole('list', { name: 'Photos' });
    const names = await gallery.tiles.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^Open /, '')));
    await photos.getByRole('button', { name: `Favourite ${names[0]}`, exact: true }).click();
    await expect(page.locator('.outbox')).toHaveText(/^1 choice saved on this device/);
    await page.reload();
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await expect(photos.getByRole('button', { name: `Favourite ${names[0]}`, exact: true })).toHaveAttribute('aria-pressed', 'true');

    // An hour and a minute later, still offline: the open page hides it,
    // and so does a reload.
    const over = page.getByText(/^This gallery was available offline until .*\d\d:\d\d\. Connect to the internet/);
    await page.clock.fastForward(61 * 60_000);
    await expect(over).toBeVisible({ timeout: 30_000 });
    await expect(gallery.tiles).toHaveCount(0);
    await page.reload();
    await expect(over).toBeVisible();
    await expect(gallery.tiles).toHaveCount(0);

    // Back online: the studio confirms the link, the gallery is back, and
    // the favourite made offline reaches the studio.
    await context.setOffline(false);
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await expect(page.locator('.outbox')).toHaveText(/^All choices received by the studio/);
    expect(studio.cli(['choices', studio.gallery])).toContain('1 favourite(s), 0 comment(s), 1 op(s) received');
    await expect(page.getByText(until)).toBeVisible();

    // A page the studio answered, left open offline past its new window,
    // hides the gallery too, without a reload.
    await context.setOffline(true);
    await page.clock.fastForward(61 * 60_000);
    await expect(over).toBeVisible({ timeout: 30_000 });
    await expect(gallery.tiles).toHaveCount(0);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});
