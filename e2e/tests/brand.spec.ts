// The studio's own brand: a studio publishes with its name, colour, logo and
// a cover photo. Its customer sees them from the first moment (the loading
// screen, before the app has downloaded), on the gallery, the PIN page and
// the withdrawn page, and with the studio gone and the phone offline; the
// installed app is the studio's; "Proofline" is only in small print; a pale
// colour is darkened until it reads (axe). The studio changes all of it
// from its studio page, and a file that is not a logo, or too large, is
// refused in words.
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { Page } from '@playwright/test';
import { test, expect, startStudio, createLink, required } from './fixtures';
import { GalleryPage } from './gallery.page';

const LOGO = join(__dirname, '..', '..', 'public', 'icons', 'icon-512.png');

/** The studio's header: logo and name. */
const brandBar = (page: Page) => page.locator('header.brand-bar');

async function logoLoaded(page: Page) {
  await expect
    .poll(() => brandBar(page).locator('img.brand-logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
}

/** The page's --accent as #rrggbb. */
const accentOf = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());

async function axeClean(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), `axe on ${state}`).toEqual([]);
}

test("a studio's customer sees its name, colour, logo and cover everywhere, offline too", async ({ browser }) => {
  test.setTimeout(180_000);
  const studio = await startStudio({
    publishArgs: ['--studio-name', 'Lumen & Co', '--accent', '#f5d90a', '--logo', LOGO, '--cover', 'Café terrace.jpg'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();

    // Before the app has downloaded: the studio's header, title and colour.
    await page.route('**/*.wasm', () => {});
    await page.goto(studio.link);
    await expect(page.locator('header#brand .brand-name')).toHaveText('Lumen & Co');
    await logoLoaded(page);
    await expect(page).toHaveTitle('Lumen & Co');
    const light = await accentOf(page);
    expect(light, 'the pale yellow is darkened on the light page').not.toBe('#f5d90a');
    expect(light).toMatch(/^#[0-9a-f]{6}$/);
    await page.unroute('**/*.wasm');

    // The gallery: the same header (once, above the app), the cover, and
    // "Proofline" once, in small print.
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.waitForOfflineShell();
    await expect(brandBar(page)).toHaveCount(1);
    await expect(page.locator('#brand')).toHaveCount(1);
    await expect(brandBar(page).locator('.brand-name')).toHaveText('Lumen & Co');
    await logoLoaded(page);
    await expect
      .poll(() => page.locator('.cover img').evaluate((img: HTMLImageElement) => img.naturalWidth).catch(() => 0))
      .toBeGreaterThan(0);
    await expect(page.locator('.small-print')).toHaveText('Proof gallery by Proofline');
    const text = await page.locator('body').innerText();
    expect(text.split('Proofline').length - 1, 'Proofline only in the small print').toBe(1);
    // The accent reads, light and dark (a favourite's pressed button too).
    await page.getByRole('button', { name: /^Favourite/ }).first().click();
    await axeClean(page, 'gallery, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await accentOf(page), 'the yellow reads as it is on the dark page').toBe('#f5d90a');
    await axeClean(page, 'gallery, dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The installed app is the studio's: name, colour, icons.
    const manifest = await (await fetch(`${studio.origin}/manifest.webmanifest`)).json();
    expect(manifest.name).toBe('Lumen & Co');
    expect(manifest.theme_color).toBe(light);
    await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', light);
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512', '512x512']);
    for (const icon of manifest.icons) {
      const res = await fetch(`${studio.origin}/${icon.src}`);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toContain('immutable');
      const png = Buffer.from(await res.arrayBuffer());
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }

    // The studio gone and the phone offline: still the studio's.
    await studio.killOrigin();
    await context.setOffline(true);
    await page.reload();
    await expect(brandBar(page).locator('.brand-name')).toHaveText('Lumen & Co');
    await logoLoaded(page);
    await expect(gallery.tiles).toHaveCount(12);
    await context.setOffline(false);
    await studio.restartOrigin();

    // A PIN link's page and a withdrawn link's page carry it too.
    const pinLink = createLink(studio, ['--pin', '2468']);
    const other = await (await browser.newContext()).newPage();
    await other.goto(pinLink.url);
    await expect(other.getByRole('heading', { level: 1 })).toHaveText('Enter your PIN');
    await expect(brandBar(other).locator('.brand-name')).toHaveText('Lumen & Co');
    await axeClean(other, 'PIN page');
    const gone = createLink(studio, ['--label', 'Gone']);
    studio.cli(['link', 'revoke', gone.id]);
    await other.goto(gone.url);
    await expect(other.getByRole('alert')).toContainText('The studio has withdrawn this link');
    await expect(brandBar(other).locator('.brand-name')).toHaveText('Lumen & Co');
    await logoLoaded(other);
  } finally {
    await studio.stop();
  }
});

test('the studio sets its brand and cover from the studio page; a file that is not a logo, or too large, is refused', async ({ browser }) => {
  const studio = await startStudio();
  try {
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(studio.link);
    await expect(customer.locator('.tile').first()).toBeVisible();
    await new GalleryPage(customer).waitForOfflineShell();
    await expect(brandBar(customer)).toHaveCount(0);
    await expect(customer.locator('.cover')).toHaveCount(0);

    const page = await (await browser.newContext()).newPage();
    await page.goto(studio.studioLink);
    const panel = page.getByRole('region', { name: 'Brand' });
    await panel.getByLabel('Studio name (every gallery)').fill('Harbour Light');
    await panel.getByLabel('Colour (every gallery)').fill('#1e1b4b');
    await panel.getByLabel('Cover photo (this gallery)').selectOption('Ceremony 01.jpg');
    await panel.getByRole('button', { name: 'Save brand' }).click();
    await expect(panel.getByRole('status')).toHaveText('Brand saved.');

    // Not a logo: said in words, nothing changes.
    const samples = required('PROOFLINE_SAMPLES');
    await panel.getByLabel('Logo (PNG or JPEG, up to 5 MB)').setInputFiles({
      name: 'logo.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture'),
    });
    await expect(panel.getByRole('alert')).toHaveText('The logo must be a PNG or JPEG file.');
    // Too large: said before anything is sent.
    const logoPosts: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('/brand/logo')) logoPosts.push(r.url()); });
    await panel.getByLabel('Logo (PNG or JPEG, up to 5 MB)').setInputFiles({
      name: 'poster.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(6_000_000),
    });
    await expect(panel.getByRole('alert')).toHaveText('A logo can be up to 5.0 MB; this one is 6.0 MB.');
    expect(logoPosts).toEqual([]);
    await panel.getByLabel('Logo (PNG or JPEG, up to 5 MB)').setInputFiles(join(samples, 'Ceremony 01.jpg'));
    await expect(panel.getByRole('status')).toHaveText('Logo saved.');
    await expect(panel.getByRole('img', { name: "The studio's logo" })).toBeVisible();

    // The customer's next visit is the studio's.
    await customer.reload();
    await expect(brandBar(customer).locator('.brand-name')).toHaveText('Harbour Light');
    await logoLoaded(customer);
    await expect(customer).toHaveTitle('Harbour Light');
    await expect(customer.locator('.cover')).toBeVisible();
    expect(await accentOf(customer)).toBe('#1e1b4b');
    // The installed app's manifest, through the service worker that kept
    // the old one: the studio's new name.
    const installed = await customer.evaluate(() => fetch('manifest.webmanifest').then((r) => r.json()));
    expect(installed.name).toBe('Harbour Light');

    // Taken away again: no logo, no cover, the default colour.
    await panel.getByRole('button', { name: 'Remove logo' }).click();
    await expect(panel.getByRole('status')).toHaveText('Logo removed.');
    await panel.getByLabel('Cover photo (this gallery)').selectOption('');
    await panel.getByRole('button', { name: 'Default colour' }).click();
    await panel.getByRole('button', { name: 'Save brand' }).click();
    await expect(panel.getByRole('status')).toHaveText('Brand saved.');
    await customer.reload();
    await expect(brandBar(customer).locator('.brand-name')).toHaveText('Harbour Light');
    await expect(brandBar(customer).locator('img')).toHaveCount(0);
    await expect(customer.locator('.cover')).toHaveCount(0);
    expect(await accentOf(customer)).toBe('#0f766e');
  } finally {
    await studio.stop();
  }
});
