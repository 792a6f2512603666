// Choosing photos: every choice is kept on the device first and reaches the
// studio exactly once, through outages, reloads, a closed browser and two
// phones; the studio's selection rules are explained to the customer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Page } from '@playwright/test';
import { test, expect, startStudio, launchPhone, Studio } from './fixtures';
import { GalleryPage, choice, expectDecoded, photoNames } from './gallery.page';

interface Held {
  op_count: number;
  choices: {
    images: Record<string, { favourite?: { value: boolean }; selected?: { value: boolean } }>;
    comments: { image: string; text: string }[];
    submitted?: unknown;
  };
}

/** What the studio holds for the link, straight from its API. */
async function held(studio: Studio): Promise<Held> {
  const res = await fetch(`${studio.origin}/api/galleries/${studio.gallery}/choices`, {
    headers: { Authorization: `Bearer ${studio.token}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Photo names (alt texts) by image id, from the studio's manifest. */
async function namesById(studio: Studio): Promise<Record<string, string>> {
  const res = await fetch(`${studio.origin}/api/galleries/${studio.gallery}`, {
    headers: { Authorization: `Bearer ${studio.token}` },
  });
  const manifest = await res.json();
  return Object.fromEntries(manifest.images.map((i: { id: string; alt: string }) => [i.id, i.alt]));
}

function summary(h: Held, names: Record<string, string>) {
  const pick = (field: 'favourite' | 'selected') =>
    Object.entries(h.choices.images)
      .filter(([, c]) => c[field]?.value)
      .map(([id]) => names[id])
      .sort();
  return {
    favourites: pick('favourite'),
    selected: pick('selected'),
    comments: h.choices.comments.map((c) => `${names[c.image]}: ${c.text}`).sort(),
  };
}

async function comment(page: Page, gallery: GalleryPage, name: string, text: string) {
  await gallery.tile(name).click();
  await page.getByLabel('Comment (C)').fill(text);
  await page.getByRole('button', { name: 'Add comment' }).click();
  await expect(page.getByRole('list', { name: 'Comments' })).toContainText(text);
  await page.keyboard.press('Escape');
  await expect(gallery.lightbox).toHaveCount(0);
}

test('twenty choices made while the studio is down survive reloads and a closed browser, then reach the studio exactly once', async () => {
  test.setTimeout(180_000);
  const studio = await startStudio();
  const profile = mkdtempSync(join(tmpdir(), 'proofline-phone-'));
  try {
    let phone = await launchPhone(profile);
    let page = phone.pages()[0] ?? (await phone.newPage());
    let gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.waitForOfflineShell();
    const names = await photoNames(gallery);
    expect(names.length).toBe(12);

    await studio.killOrigin();
    for (const n of names.slice(0, 8)) await choice(page, 'Favourite', n).click();
    for (const n of names.slice(2, 8)) await choice(page, 'Select', n).click();
    for (const [i, n] of names.slice(6, 12).entries()) {
      await comment(page, gallery, n, `Note ${i + 1}: <b>not bold</b>`);
    }
    const outbox = page.locator('.outbox');
    await expect(outbox).toHaveText('20 choices waiting to be sent.');

    for (let i = 0; i < 2; i++) {
      await page.reload();
      await expect(outbox).toHaveText('20 choices waiting to be sent.');
      await expect(choice(page, 'Favourite', names[0])).toHaveAttribute('aria-pressed', 'true');
      await expect(choice(page, 'Select', names[7])).toHaveAttribute('aria-pressed', 'true');
    }
    await phone.close();

    phone = await launchPhone(profile);
    page = phone.pages()[0] ?? (await phone.newPage());
    gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect(page.locator('.outbox')).toHaveText('20 choices waiting to be sent.');
    await page.getByRole('button', { name: 'Commented' }).click();
    await expect(gallery.tiles.filter({ visible: true })).toHaveCount(6);
    await page.getByRole('button', { name: 'All' }).click();

    await studio.restartOrigin();
    await expect(page.locator('.outbox')).toContainText(/^All choices received by the studio at \d\d:\d\d · receipt [0-9A-F]{4}-[0-9A-F]{4}$/, { timeout: 45_000 });

    const h = await held(studio);
    expect(h.op_count).toBe(20);
    const s = summary(h, await namesById(studio));
    expect(s.favourites).toEqual(names.slice(0, 8).sort());
    expect(s.selected).toEqual(names.slice(2, 8).sort());
    expect(s.comments).toEqual(names.slice(6, 12).map((n, i) => `${n}: Note ${i + 1}: <b>not bold</b>`).sort());
    // Comments are shown as text, never as markup.
    await gallery.tile(names[6]).click();
    await expect(page.getByRole('list', { name: 'Comments' }).locator('b')).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Comments' })).toContainText('<b>not bold</b>');
    // What the studio pastes into its editing tool.
    const csv = studio.cli(['choices', studio.gallery, '--csv']).trim().split('\n');
    expect(csv[0]).toBe('file_name,link,favourite,verdict,comments');
    expect(csv.length).toBe(7);
    await phone.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
    await studio.stop();
  }
});

for (const first of ['A', 'B'] as const) {
  test(`two phones with conflicting offline choices converge with the studio (phone ${first} back online first)`, async ({ browser }) => {
    test.setTimeout(120_000);
    const studio = await startStudio();
    const [a, b] = [await browser.newContext(), await browser.newContext()];
    try {
      const [pa, pb] = [await a.newPage(), await b.newPage()];
      const [ga, gb] = [new GalleryPage(pa), new GalleryPage(pb)];
      await ga.open(studio.link);
      await gb.open(studio.link);
      const names = await photoNames(ga);
      await a.setOffline(true);
      await b.setOffline(true);

      await choice(pa, 'Select', names[0]).click();
      await choice(pa, 'Favourite', names[1]).click();
      await choice(pa, 'Select', names[2]).click();
      await comment(pa, ga, names[4], 'From phone A');
      // Later by more than the phones' clocks can disagree (their offsets
      // from the studio's clock are known to the second).
      await pb.waitForTimeout(2_500);
      await choice(pb, 'Select', names[0]).click();
      await choice(pb, 'Select', names[0]).click(); // B changed its mind later than A chose
      await choice(pb, 'Favourite', names[1]).click();
      await choice(pb, 'Select', names[3]).click();
      await comment(pb, gb, names[4], 'From phone B');
      await pa.waitForTimeout(2_500);
      await choice(pa, 'Favourite', names[1]).click(); // A's unfavourite is the latest
      await expect(pa.locator('.outbox')).toHaveText(/^5 choices saved on this device/);
      await expect(pb.locator('.outbox')).toHaveText(/^5 choices saved on this device/);

      const order = first === 'A' ? [a, b] : [b, a];
      const pages = first === 'A' ? [pa, pb] : [pb, pa];
      for (const [i, ctx] of order.entries()) {
        await ctx.setOffline(false);
        await expect(pages[i].locator('.outbox')).toContainText('All choices received by the studio', { timeout: 30_000 });
      }

      const expected = {
        favourites: [] as string[],
        selected: [names[2], names[3]].sort(),
        comments: [`${names[4]}: From phone A`, `${names[4]}: From phone B`].sort(),
      };
      expect(summary(await held(studio), await namesById(studio))).toEqual(expected);
      // Both phones show exactly that (the first one back learns of the other's by asking).
      for (const p of [pa, pb]) {
        for (const [i, n] of names.slice(0, 5).entries()) {
          await expect(choice(p, 'Select', n)).toHaveAttribute('aria-pressed', String(i === 2 || i === 3), { timeout: 30_000 });
          await expect(choice(p, 'Favourite', n)).toHaveAttribute('aria-pressed', 'false', { timeout: 30_000 });
        }
        await p.getByRole('button', { name: `Open ${names[4]}` }).click();
        const comments = p.getByRole('list', { name: 'Comments' });
        await expect(comments.getByRole('listitem')).toHaveCount(2);
        await expect(comments).toContainText('From phone A');
        await expect(comments).toContainText('From phone B');
        await p.keyboard.press('Escape');
      }
    } finally {
      await a.close();
      await b.close();
      await studio.stop();
    }
  });
}

/** Opens the link of a gallery published with `--min 2 --max 3`, which
 * says its rules with nothing selected yet; answers the photos' names and
 * the selection's status line. */
async function openWithRules(page: Page, studio: Studio) {
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  const names = await photoNames(gallery);
  const status = page.locator('.selection-status');
  await expect(status).toHaveText('0 selected · Choose 2 to 3 photos.');
  return { names, status };
}

test("the studio's rules: the maximum blocks, submit says what is missing, a lock refuses later choices", async ({ page }) => {
  const studio = await startStudio({ publishArgs: ['--min', '2', '--max', '3'] });
  try {
    const { names, status } = await openWithRules(page, studio);

    for (const n of names.slice(0, 3)) await choice(page, 'Select', n).click();
    await expect(status).toHaveText('3 selected · Choose 2 to 3 photos.');
    await choice(page, 'Select', names[3]).click();
    await expect(page.getByRole('alert').filter({ hasText: 'You have selected the most the studio allows (3). Unselect one to choose another.' })).toBeVisible();
    await expect(choice(page, 'Select', names[3])).toHaveAttribute('aria-pressed', 'false');

    await choice(page, 'Select', names[1]).click();
    await choice(page, 'Select', names[2]).click();
    await page.getByRole('button', { name: 'Submit selection' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Choose 1 more photo: the studio asks for at least 2 (you have 1).' })).toBeVisible();

    await choice(page, 'Select', names[5]).click();
    await page.getByRole('button', { name: 'Submit selection' }).click();
    await expect(page.getByText("Submit 2 photos to the studio? The selection can't be changed afterwards.")).toBeVisible();
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect(status).toContainText('2 selected · Selection submitted on');
    await expect(page.locator('.outbox')).toContainText('All choices received by the studio', { timeout: 20_000 });
    await expect(status).toHaveText(/Selection submitted on \w{3} \d+ \w{3}, \d\d:\d\d\. Studio's receipt: [0-9A-F]{4}-[0-9A-F]{4}\.$/);
    await choice(page, 'Select', names[6]).click();
    await expect(page.getByRole('alert').filter({ hasText: /^Your selection was submitted on .*; it can no longer change\./ })).toBeVisible();

    // The studio locks the gallery while the page is open: the next choice
    // is refused by the studio, and the customer is told, not ignored.
    studio.cli(['lock', studio.gallery]);
    await choice(page, 'Favourite', names[7]).click();
    await expect(page.getByRole('alert').filter({ hasText: /^The studio locked this gallery on .*; this change was not sent\./ })).toBeVisible({ timeout: 20_000 });
    await expect(choice(page, 'Favourite', names[7])).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByText('Not accepted by the studio (1)')).toBeVisible();
    const h = await held(studio);
    expect(h.op_count).toBe(7); // 3 + 2 unselects + 1 select + submit

    // The studio's page shows the link's selection and hands over the CSV.
    await page.goto(studio.studioLink);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sample wedding');
    await expect(page.getByText(/^12 photos · Choose 2 to 3 photos · locked on /)).toBeVisible();
    const link = page.getByRole('region', { name: /^Link \w+$/ });
    await expect(link.locator('.summary')).toHaveText(/^live · 2 selected · submitted \d+ \w+ \d{4} · 0 favourites · 0 comments$/);
    // The two selected photos are shown, not just named; each opens large.
    const photos = link.locator('.studio-photo');
    await expect(photos).toHaveCount(2);
    for (const photo of await photos.all()) {
      await expect(photo.locator('.marks')).toHaveText('Selected');
      await expectDecoded(photo.locator('img'));
      expect(await photo.getByRole('link', { name: /^Open .+ large$/ }).getAttribute('href')).toMatch(new RegExp(`^${studio.storeOrigin}/.*/proof/`));
    }
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download selection (CSV)' }).click();
    const csv = await (await download).createReadStream();
    let text = '';
    for await (const chunk of csv) text += chunk;
    const rows = text.trim().split('\n');
    expect(rows[0]).toBe('file_name,link,favourite,verdict,comments');
    expect(rows.length).toBe(3);
    for (const row of rows.slice(1)) expect(row).toMatch(/^"[^"]+\.(jpg|png)","",no,,""$/);
    // A wrong studio token shows nothing.
    await page.goto(studio.studioLink.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAA'));
    await expect(page.getByRole('heading', { name: "We can't show this studio page" })).toBeVisible();
    // The studio's page is an app of its own, under /studio/; a studio link
    // from before it moved opens it too.
    expect(new URL(studio.studioLink).pathname).toBe('/studio/');
    await page.goto(studio.studioLink.replace('/studio/#', '/#'));
    await expect(page).toHaveURL(studio.studioLink);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sample wedding');
  } finally {
    await studio.stop();
  }
});

test('taps faster than the device saves each count: the maximum holds, a double tap undoes, submit sees the last tap', async ({ page }) => {
  const studio = await startStudio({ publishArgs: ['--min', '2', '--max', '3'] });
  try {
    const { names, status } = await openWithRules(page, studio);
    // Taps in one task: none of them is saved on the device (IndexedDB
    // answers later) before the next one is checked.
    // A name is a tile's button's label, or a button's text.
    const tap = (names: string[]) =>
      page.evaluate((ns) => {
        const buttons = [...document.querySelectorAll('button')];
        for (const n of ns) buttons.find((b) => b.getAttribute('aria-label') === n || b.textContent === n)!.click();
      }, names);

    await tap(names.slice(0, 4).map((n) => `Select ${n}`));
    await expect(page.getByRole('alert').filter({ hasText: 'You have selected the most the studio allows (3). Unselect one to choose another.' })).toBeVisible();
    await expect(status).toHaveText('3 selected · Choose 2 to 3 photos.');
    await expect(choice(page, 'Select', names[3])).toHaveAttribute('aria-pressed', 'false');

    await tap([`Favourite ${names[5]}`, `Favourite ${names[5]}`]);
    await expect(page.locator('.outbox')).toContainText('All choices received by the studio', { timeout: 20_000 });
    await expect(choice(page, 'Favourite', names[5])).toHaveAttribute('aria-pressed', 'false');

    await tap([`Select ${names[1]}`, `Select ${names[2]}`, 'Submit selection']);
    await expect(page.getByRole('alert').filter({ hasText: 'Choose 1 more photo: the studio asks for at least 2 (you have 1).' })).toBeVisible();
    await expect(status).toHaveText('1 selected · Choose 2 to 3 photos.');
    await expect(page.locator('.outbox')).toContainText('All choices received by the studio', { timeout: 20_000 });
    const h = await held(studio);
    const ids = await namesById(studio);
    expect(summary(h, ids)).toEqual({ favourites: [], selected: [names[0]], comments: [] });
    expect(h.op_count).toBe(7); // 3 selects + 2 favourites + 2 unselects
  } finally {
    await studio.stop();
  }
});

test('two tabs of one gallery share their choices and the studio gets each once', async ({ context }) => {
  const studio = await startStudio();
  try {
    const [one, two] = [await context.newPage(), await context.newPage()];
    const [g1, g2] = [new GalleryPage(one), new GalleryPage(two)];
    await g1.open(studio.link);
    await g2.open(studio.link);
    const names = await photoNames(g1);
    await choice(one, 'Favourite', names[0]).click();
    await choice(two, 'Select', names[1]).click();
    // Each tab shows the other's choice without a reload.
    await expect(choice(two, 'Favourite', names[0])).toHaveAttribute('aria-pressed', 'true');
    await expect(choice(one, 'Select', names[1])).toHaveAttribute('aria-pressed', 'true');
    for (const p of [one, two]) {
      await expect(p.locator('.outbox')).toContainText('All choices received by the studio', { timeout: 20_000 });
    }
    expect((await held(studio)).op_count).toBe(2);
  } finally {
    await studio.stop();
  }
});
