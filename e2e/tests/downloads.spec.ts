// Downloads, set per link by the studio: a customer whose link may download
// takes one photo from the lightbox and their favourites (or everything) as
// a ZIP built on the phone, with progress and Cancel; after "Save for
// offline" the same ZIP is made with the studio and the store gone and the
// phone offline. A link without downloads offers none, and a full-size link
// gets the studio's original files.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Download, Page } from '@playwright/test';
import { test, expect, startStudio, createLink, required } from './fixtures';
import { GalleryPage, choice } from './gallery.page';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Each photo's download as the link's manifest names it: file name → sha256. */
async function offered(origin: string, link: string): Promise<Map<string, string>> {
  const [gallery, token] = link.split('#/g/')[1].split('/');
  const res = await fetch(`${origin}/api/galleries/${gallery}`, { headers: { Authorization: `Bearer ${token}` } });
  const manifest = await res.json();
  const out = new Map<string, string>();
  for (const image of manifest.images) {
    if (image.renditions.download) out.set(image.file_name, image.renditions.download.sha256);
  }
  return out;
}

/** What Python's zipfile reads of a downloaded archive (CRCs checked):
 * entry name → sha256 of its bytes. */
function zipEntries(path: string): Map<string, string> {
  const script = [
    'import sys, zipfile, hashlib, json',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None',
    'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))',
  ].join('\n');
  return new Map(Object.entries(JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }))));
}

async function saved(download: Download): Promise<string> {
  const path = await download.path();
  if (!path) throw new Error(`download ${download.suggestedFilename()} failed: ${await download.failure()}`);
  return path;
}

async function downloadZip(page: Page, button: RegExp): Promise<Download> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return download;
}

test('a link with downloads: one photo, favourites as a ZIP, cancel, and everything offline', async ({ page, context, browser }) => {
  test.setTimeout(180_000);
  const studio = await startStudio({ publishArgs: ['--downloads', 'full'] });
  try {
    const bride = createLink(studio, ['--label', 'Bride', '--downloads', 'web']);
    const files = await offered(studio.origin, bride.url);
    expect(files.size, 'every photo offers a web-size download').toBe(12);

    // The first link (no downloads) offers nothing.
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.tile('Café terrace').click();
    await expect(gallery.lightbox).toBeVisible();
    await expect(gallery.lightbox.getByRole('button', { name: 'Download' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Download photos' })).toHaveCount(0);

    // The bride's link: one photo from the lightbox, named as published.
    await gallery.open(bride.url);
    await gallery.waitForOfflineShell();
    await gallery.tile('Café terrace').click();
    const [one] = await Promise.all([
      page.waitForEvent('download'),
      gallery.lightbox.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(one.suggestedFilename()).toBe('Café terrace.jpg');
    expect(sha256(readFileSync(await saved(one)))).toBe(files.get('Café terrace.jpg'));
    await page.keyboard.press('Escape');

    // Two favourites, as a ZIP of the studio's file names.
    await choice(page, 'Favourite', 'Café terrace').click();
    await choice(page, 'Favourite', 'Cake — cutting').click();
    const zip = await downloadZip(page, /^Download favourites \(2\)$/);
    expect(zip.suggestedFilename()).toBe('Sample wedding - favourites.zip');
    expect(zipEntries(await saved(zip))).toEqual(
      new Map([
        ['Café terrace.jpg', files.get('Café terrace.jpg')],
        // The web size of a PNG is a JPEG.
        ['Cake — cutting.jpg', files.get('Cake — cutting.png')],
      ]),
    );
    await expect(page.getByText(/^Saved Sample wedding - favourites\.zip: 2 photos \([\d.]+ (kB|MB)\)\.$/)).toBeVisible();

    // The studio sees how many photos the bride took away.
    const desk = await browser.newPage();
    await desk.goto(studio.studioLink);
    await expect
      .poll(async () => {
        await desk.reload();
        return desk.getByRole('region', { name: 'Bride' }).locator('.activity').textContent({ timeout: 5_000 });
      }, { timeout: 30_000 })
      .toContain('3 photos downloaded');
    await expect(desk.getByRole('region', { name: 'Bride' }).locator('.summary')).toContainText('downloads web size');
    await desk.close();

    // On a slow connection, Cancel stops the ZIP at once: no file comes.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 300, downloadThroughput: 40_000, uploadThroughput: 40_000 });
    let late = false;
    page.on('download', () => { late = true; });
    await page.getByRole('button', { name: /^Download all \(12\)$/ }).click();
    await expect(page.getByRole('progressbar', { name: 'Preparing the download' })).toBeVisible();
    await expect(page.locator('.download-photos .progress-text')).toContainText(/^Preparing \d+ of 12 photos/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('Download cancelled. Nothing was saved.')).toBeVisible();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
    await page.waitForTimeout(1_000);
    expect(late, 'no file after Cancel').toBe(false);

    // Saved for offline (the download files too), then no studio, no store,
    // no network: everything still downloads, from the phone.
    await page.getByRole('button', { name: 'Save for offline' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/^Saved for offline: 12 photos/)).toBeVisible({ timeout: 60_000 });
    await studio.killOrigin();
    await studio.killStore();
    await context.setOffline(true);
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline");
    const started = Date.now();
    const all = await downloadZip(page, /^Download all \(12\)$/);
    const seconds = (Date.now() - started) / 1000;
    const megabytes = statSync(await saved(all)).size / 1e6;
    const entries = zipEntries(await saved(all));
    expect(entries.size).toBe(12);
    for (const [name, hash] of files) {
      const entry = name.replace(/\.png$/, '.jpg');
      expect(entries.get(entry), entry).toBe(hash);
    }
    const speed = `${seconds.toFixed(2)} s, ${(12 / seconds).toFixed(1)} photos/s, ${(megabytes / seconds).toFixed(1)} MB/s (${megabytes.toFixed(1)} MB)`;
    test.info().annotations.push({ type: 'zip', description: `12 web-size photos from the device: ${speed}` });
    console.log(`ZIP of 12 web-size photos from the device: ${speed}`);
  } finally {
    await context.setOffline(false);
    await studio.stop();
  }
});

test("the studio page lets a link download full size: the studio's original files", async ({ page, browser }) => {
  const studio = await startStudio({ publishArgs: ['--downloads', 'full', '--full-size', 'original'] });
  try {
    const parents = createLink(studio, ['--label', 'Parents']);
    // The studio page: the parents' link downloads nothing, then full size.
    const desk = await browser.newPage();
    await desk.goto(studio.studioLink);
    const link = desk.getByRole('region', { name: 'Parents' });
    await expect(link.locator('.summary')).not.toContainText('download');
    await link.getByRole('combobox', { name: 'Downloads for Parents' }).selectOption('full');
    await expect(link.locator('.summary')).toContainText('downloads full size');
    await desk.close();

    const gallery = new GalleryPage(page);
    await gallery.open(parents.url);
    await gallery.tile('Cake — cutting').click();
    const [one] = await Promise.all([
      page.waitForEvent('download'),
      gallery.lightbox.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(one.suggestedFilename()).toBe('Cake — cutting.png');
    const original = readFileSync(join(required('PROOFLINE_SAMPLES'), 'Cake — cutting.png'));
    expect(readFileSync(await saved(one)).equals(original), 'the original, byte for byte').toBe(true);

    // Taken back by the studio: the next visit offers nothing.
    studio.cli(['link', 'downloads', parents.id, 'none']);
    await page.keyboard.press('Escape');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Download photos' })).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});

test('a download PIN: the gallery opens, downloads wait for the PIN, and the studio changes or removes it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const studio = await startStudio({ publishArgs: ['--downloads', 'full'] });
  try {
    const out = studio.cli(['link', 'create', studio.gallery, '--label', 'Bride', '--downloads', 'web', '--download-pin', '2468']);
    expect(out).toMatch(/^Download PIN: 2468$/m);
    const url = `${studio.origin}/${out.match(/(#\/g\/\S+)$/m)![1]}`;
    const files = await offered(studio.origin, url);
    expect(files.size, 'no download in the manifest without the pass').toBe(0);

    // The gallery opens without the PIN; nothing downloads yet.
    const gallery = new GalleryPage(page);
    await gallery.open(url);
    await expect(page.getByRole('region', { name: 'Download photos' })).toHaveCount(0);
    await gallery.tile('Café terrace').click();
    await expect(gallery.lightbox.getByRole('button', { name: 'Download' })).toHaveCount(0);
    await page.keyboard.press('Escape');

    // Folded under "Download photos": a wrong PIN is refused in words.
    await page.locator('summary', { hasText: 'Download photos' }).click();
    const pin = page.getByLabel('Download PIN');
    await pin.fill('1111');
    await page.getByRole('button', { name: 'Unlock downloads' }).click();
    await expect(page.getByRole('alert')).toHaveText(/That PIN is not right\. 4 more tries before it locks/);
    await expect(pin).toHaveValue('');

    // The right one unlocks the ZIP buttons and the lightbox's Download.
    await pin.fill('2468');
    await page.getByRole('button', { name: 'Unlock downloads' }).click();
    const region = page.getByRole('region', { name: 'Download photos' });
    await expect(region.getByRole('button', { name: 'Download all (12)' })).toBeVisible();
    await expect(page.locator('summary', { hasText: 'Download photos' })).toHaveCount(0);
    // The gallery was loaded again around the same outbox: choices still go.
    await choice(page, 'Favourite', 'Cake — cutting').click();
    await expect(region.getByRole('button', { name: 'Download favourites (1)' })).toBeVisible();
    await expect(page.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 30_000 });
    await gallery.tile('Café terrace').click();
    const [one] = await Promise.all([
      page.waitForEvent('download'),
      gallery.lightbox.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(one.suggestedFilename()).toBe('Café terrace.jpg');
    const web = (await (await fetch(`${studio.origin}/api/galleries/${studio.gallery}`, {
      headers: {
        Authorization: `Bearer ${url.split('/').pop()}`,
        'X-Proofline-Download-Pass': await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('proofline.dlpass.'))![1]),
      },
    })).json()).images.find((i: { file_name: string }) => i.file_name === 'Café terrace.jpg').renditions.download;
    expect(sha256(readFileSync(await saved(one)))).toBe(web.sha256);
    await page.keyboard.press('Escape');

    // The device keeps the pass: the next visit is unlocked at once.
    await page.reload();
    await expect(region.getByRole('button', { name: 'Download all (12)' })).toBeVisible();

    // The studio changes the PIN on its page: the old pass stops working.
    const desk = await browser.newPage();
    await desk.goto(studio.studioLink);
    const link = desk.getByRole('region', { name: 'Bride' });
    await expect(link.locator('.summary')).toContainText('downloads web size · download PIN');
    await link.getByRole('textbox', { name: 'Download PIN for Bride' }).fill('97');
    await link.getByRole('button', { name: 'Change PIN' }).click();
    await expect(link.getByRole('alert')).toContainText('The download PIN is not valid');
    await link.getByRole('textbox', { name: 'Download PIN for Bride' }).fill('9753');
    await link.getByRole('button', { name: 'Change PIN' }).click();
    await expect(link.getByRole('alert')).toHaveCount(0);
    await page.reload();
    await page.locator('summary', { hasText: 'Download photos' }).click();
    await page.getByLabel('Download PIN').fill('9753');
    await page.getByRole('button', { name: 'Unlock downloads' }).click();
    await expect(region.getByRole('button', { name: 'Download all (12)' })).toBeVisible();

    // Removed: downloads need no PIN on any device.
    await link.getByRole('button', { name: 'Remove PIN' }).click();
    await expect(link.locator('.summary')).not.toContainText('download PIN');
    expect((await offered(studio.origin, url)).size).toBe(12);
    await desk.close();
  } finally {
    await studio.stop();
  }
});
