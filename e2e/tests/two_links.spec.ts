// Two share links of one gallery on one device (the couple's and the
// parents'): the device keeps each link's saved copy, queued choices and
// confirmed choices apart. A choice made offline under one link is sent with
// that link's token when it is opened, never with the other's; withdrawing
// one link forgets only its data, and the other still opens with its own
// choices and the photos saved on the device. A device updated from an older
// app, which kept all of it per gallery, loses nothing.
import { Page } from '@playwright/test';
import { test, expect, startStudio, createLink, deviceHolds, linkKeyOf, Studio } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';

/** The studio's own token for the gallery, from the page publish printed. */
function studioToken(studio: Studio): string {
  const token = studio.studioLink.split('#/studio/')[1]?.split('/')[1];
  if (!token) throw new Error(`no studio page link: ${studio.studioLink}`);
  return token;
}

interface LinkReport {
  id: string;
  state: { state: string };
  op_count: number;
  favourites: string[];
}

/** The studio's report on one link, from its API: favourites by file name,
 * without the extension (as the grid names the photos). */
async function atStudio(studio: Studio, id: string) {
  const res = await fetch(`${studio.origin}/api/studio/galleries/${studio.gallery}`, {
    headers: { Authorization: `Bearer ${studioToken(studio)}` },
  });
  expect(res.status).toBe(200);
  const report: { links: LinkReport[] } = await res.json();
  const link = report.links.find((l) => l.id === id);
  if (!link) throw new Error(`no link ${id} in the studio's report`);
  return { state: link.state.state, ops: link.op_count, favourites: link.favourites.map((f) => f.replace(/\.\w+$/, '')).sort() };
}

/** Opens a link and waits until its copy is saved on the device. */
async function openAndSave(gallery: GalleryPage, url: string) {
  await gallery.open(url);
  await gallery.expectAllThumbnailsRendered(12);
  await expect.poll(async () => (await deviceHolds(gallery.page, linkKeyOf(url))).galleries).toBe(1);
}

async function favourited(page: Page, name: string, on: boolean) {
  await expect(choice(page, 'Favourite', name)).toHaveAttribute('aria-pressed', String(on));
}

test("two links of one gallery on one device: choices go with their own link's token, and revoking one leaves the other", async ({ page, context }) => {
  test.setTimeout(180_000);
  const studio = await startStudio();
  try {
    const couple = createLink(studio, ['--label', 'Couple']);
    const parents = createLink(studio, ['--label', 'Parents']);
    const [coupleKey, parentsKey] = [linkKeyOf(couple.url), linkKeyOf(parents.url)];
    const gallery = new GalleryPage(page);
    await openAndSave(gallery, couple.url);
    await gallery.waitForOfflineShell();
    await openAndSave(gallery, parents.url);
    const names = await photoNames(gallery);

    // Offline, under the couple's link: a favourite waits on the device.
    await context.setOffline(true);
    await gallery.open(couple.url);
    await expect(gallery.banner).toContainText("You're offline");
    await choice(page, 'Favourite', names[0]).click();
    await expect(page.locator('.outbox')).toHaveText("1 choice saved on this device; they will be sent when you're back online.");
    await expect.poll(async () => (await deviceHolds(page, coupleKey)).outbox).toBe(1);

    // Still offline, the parents' link: the couple's favourite is not theirs.
    await gallery.open(parents.url);
    await expect(gallery.banner).toContainText("You're offline");
    await gallery.expectAllThumbnailsRendered(12);
    await favourited(page, names[0], false);
    expect((await deviceHolds(page, parentsKey)).outbox).toBe(0);

    // Back online on the parents' link; they favourite another photo. Only
    // theirs reaches the studio, under their link; the couple's waits.
    await context.setOffline(false);
    await expect(gallery.banner).toHaveCount(0);
    await choice(page, 'Favourite', names[1]).click();
    await expect.poll(async () => (await atStudio(studio, parents.id)).favourites).toEqual([names[1]]);
    await expect(page.locator('.outbox')).toHaveText(/^All choices received by the studio/);
    expect(await atStudio(studio, parents.id)).toEqual({ state: 'live', ops: 1, favourites: [names[1]] });
    expect(await atStudio(studio, couple.id)).toEqual({ state: 'live', ops: 0, favourites: [] });
    expect((await deviceHolds(page, coupleKey)).outbox).toBe(1);

    // The couple's link opened again: their favourite goes, with their token.
    await gallery.open(couple.url);
    await favourited(page, names[0], true);
    await favourited(page, names[1], false);
    await expect.poll(async () => (await atStudio(studio, couple.id)).favourites).toEqual([names[0]]);
    await expect.poll(async () => (await deviceHolds(page, coupleKey)).outbox).toBe(0);
    expect((await atStudio(studio, parents.id)).favourites).toEqual([names[1]]);

    // The studio withdraws the couple's link, from its API.
    const revoked = await fetch(`${studio.origin}/api/studio/galleries/${studio.gallery}/links/${couple.id}/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studioToken(studio)}` },
    });
    expect(revoked.status).toBe(200);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Sample wedding” is no longer available');
    await expect(page.getByRole('alert')).toContainText('The studio has withdrawn this link');
    await expect(page.getByText('Its photos stay on this device for your other link to this gallery.')).toBeVisible();
    expect(await deviceHolds(page, coupleKey)).toMatchObject({ galleries: 0, choices: 0, outbox: 0 });
    const left = await deviceHolds(page, parentsKey);
    expect(left).toMatchObject({ galleries: 1, choices: 1, outbox: 0 });
    expect(left.photos).toBeGreaterThanOrEqual(12);

    // The parents' link still opens with its own choices, from the device
    // alone: its saved copy and photos survived the couple's withdrawal.
    await context.setOffline(true);
    await gallery.open(parents.url);
    await expect(gallery.banner).toContainText("You're offline — showing the copy saved on this device");
    await gallery.expectAllThumbnailsRendered(12);
    await gallery.expectNoBrokenImages();
    await favourited(page, names[1], true);
    await favourited(page, names[0], false);
    await context.setOffline(false);
    await expect(gallery.banner).toHaveCount(0);
    await favourited(page, names[1], true);

    expect(await atStudio(studio, couple.id)).toMatchObject({ state: 'revoked', favourites: [names[0]] });
    expect(await atStudio(studio, parents.id)).toEqual({ state: 'live', ops: 1, favourites: [names[1]] });
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

test('what an older app kept per gallery is taken over by the link opened, and its queued choice is sent with that link', async ({ page, context }) => {
  test.setTimeout(120_000);
  const studio = await startStudio();
  try {
    const couple = createLink(studio, ['--label', 'Couple']);
    const key = linkKeyOf(couple.url);
    const gallery = new GalleryPage(page);
    await openAndSave(gallery, couple.url);
    await gallery.waitForOfflineShell();
    const names = await photoNames(gallery);
    await context.setOffline(true);
    await choice(page, 'Favourite', names[2]).click();
    await expect.poll(async () => (await deviceHolds(page, key)).outbox).toBe(1);

    // File everything as the older app did: under the bare gallery id.
    await page.evaluate(
      async ([key, gallery]) => {
        const db: IDBDatabase = await new Promise((ok, err) => {
          const r = indexedDB.open('proofline');
          r.onsuccess = () => ok(r.result);
          r.onerror = () => err(r.error);
        });
        const tx = db.transaction(['galleries', 'choices', 'outbox'], 'readwrite');
        const req = <T,>(r: IDBRequest<T>): Promise<T> => new Promise((ok) => (r.onsuccess = () => ok(r.result)));
        const galleries = tx.objectStore('galleries');
        galleries.put(await req(galleries.get(key)), gallery);
        galleries.delete(key);
        const outbox = tx.objectStore('outbox');
        const range = IDBKeyRange.bound(`${key}/`, `${key}/\uffff`);
        const ids = (await req(outbox.getAllKeys(range))) as string[];
        const ops = await req(outbox.getAll(range));
        ids.forEach((id, i) => outbox.put(ops[i], `${gallery}/${id.slice(key.length + 1)}`));
        outbox.delete(range);
        const choices = tx.objectStore('choices');
        const confirmed = await req(choices.get(key));
        if (confirmed !== undefined) choices.put(confirmed, gallery);
        choices.delete(key);
        await new Promise((ok) => (tx.oncomplete = ok));
        db.close();
      },
      [key, studio.gallery],
    );
    expect(await deviceHolds(page, key)).toMatchObject({ galleries: 0, outbox: 0 });
    expect(await deviceHolds(page, studio.gallery)).toMatchObject({ galleries: 1, outbox: 1 });

    // The updated app opens the link offline: the saved copy is found.
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline — showing the copy saved on this device");
    await gallery.expectAllThumbnailsRendered(12);
    await favourited(page, names[2], true);
    expect(await deviceHolds(page, studio.gallery)).toMatchObject({ galleries: 0, outbox: 0 });

    // Online, the queued favourite reaches the studio under this link.
    await context.setOffline(false);
    await expect.poll(async () => (await atStudio(studio, couple.id)).favourites).toEqual([names[2]]);
    await expect.poll(async () => (await deviceHolds(page, key)).outbox).toBe(0);
    expect((await deviceHolds(page, key)).galleries).toBe(1);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});
