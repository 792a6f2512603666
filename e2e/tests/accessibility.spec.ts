// An axe-core scan (WCAG 2.x A and AA rules) of every state a customer sees:
// the grid, the lightbox with its review panel, a filter with no photos, and
// the banners of an outage, the home page's link box; and the studio's page with a link's photos,
// comments, reply boxes, activity and reminders. Serious and critical
// findings fail the test.
import { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, startStudio, createLink } from './fixtures';
import { GalleryPage } from './gallery.page';

async function expectNoSeriousViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(serious, `axe on ${state}`).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`grid, lightbox and filters have no serious accessibility violations (${scheme} mode)`, async ({ page, studio }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(12);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectNoSeriousViolations(page, 'the grid');

    await gallery.tile('Ceremony 01').click();
    await gallery.expectLightboxShowing('3 of 12');
    await expectNoSeriousViolations(page, 'the lightbox');
    // Focus stays in the dialog: Tab from its last control wraps to its first.
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await gallery.lightbox.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(gallery.tile('Ceremony 01')).toBeFocused();

    await page.getByRole('button', { name: 'Favourites' }).click();
    await expectNoSeriousViolations(page, 'an empty filter');
  });
}

// The 12-photo gallery on a phone, at the top, at each of 16 screen heights
// (390 x 600-844): wherever a height cuts the grid, the selection bar lies
// over a different part of it.
async function atEachPhoneHeight(page: Page, link: string, each: (height: number) => Promise<void>) {
  await page.setViewportSize({ width: 390, height: 700 });
  const gallery = new GalleryPage(page);
  await gallery.open(link);
  await gallery.expectAllThumbnailsRendered(12);
  await expect(page.locator('.selection-bar')).toBeVisible();
  for (let height = 600; height <= 844; height += 16) {
    await page.setViewportSize({ width: 390, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    await each(height);
  }
}

// WCAG 2.4.11 (Focus Not Obscured): the selection bar stays on screen at
// the bottom, over the grid; a keyboard user tabbing through the photos
// must never have the focused control hidden under it.
test('tabbing through the grid on a phone never leaves the focus under the selection bar', async ({ page, studio }) => {
  test.setTimeout(120_000);
  // Some tile ends up whole on screen but under the bar at some height.
  await atEachPhoneHeight(page, studio.link, async (height) => {
    await page.locator('.grid .tile').first().focus();
    let checked = 0;
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const focused = document.activeElement;
        const bar = document.querySelector('.selection-bar');
        if (!focused || !bar || bar.contains(focused) || !focused.closest('.grid')) return null;
        const [r, b] = [focused.getBoundingClientRect(), bar.getBoundingClientRect()];
        return { label: focused.getAttribute('aria-label'), top: r.top, bottom: r.bottom, barTop: b.top };
      });
      if (!at) break;
      const where = JSON.stringify({ height, ...at });
      expect(at.bottom, where).toBeLessThanOrEqual(at.barTop + 0.5);
      expect(at.top, where).toBeGreaterThanOrEqual(-0.5);
      checked++;
    }
    // Every photo's tile and its two buttons, up to the bar.
    expect(checked).toBeGreaterThanOrEqual(12 * 3 - 1);
  });
});

// WCAG 2.5.8 (Target Size): the bar floats over the grid, so at load it
// covers part of some photo's buttons, wherever a screen's height cuts the
// grid. Checkers (axe, and Lighthouse with it) must still find every
// button a large enough target, at every height of a phone's screen.
test('on a phone the selection bar over the grid leaves every button a large enough target', async ({ page, studio }) => {
  test.setTimeout(120_000);
  let covered = 0;
  await atEachPhoneHeight(page, studio.link, async (height) => {
    // The bar really is over some photo's button at this height.
    covered += await page.evaluate(() => {
      const bar = document.querySelector('.selection-bar')!.getBoundingClientRect();
      return [...document.querySelectorAll('.grid button')].some((b) => {
        const r = b.getBoundingClientRect();
        return r.top < bar.top && r.bottom > bar.top;
      }) ? 1 : 0;
    });
    const results = await new AxeBuilder({ page }).withRules(['target-size']).analyze();
    const small = results.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`));
    expect(small, `target-size at 390x${height}`).toEqual([]);
  });
  expect(covered, 'screen heights at which the bar covers part of a button').toBeGreaterThan(0);
  // The last photos still scroll clear of the bar.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect
    .poll(() =>
      page.evaluate(() => {
        const bar = document.querySelector('.selection-bar')!.getBoundingClientRect();
        const last = document.querySelector('.grid li[aria-posinset="12"]');
        return last ? bar.top - last.getBoundingClientRect().bottom : -1;
      }),
    { message: 'room between the last photo and the bar, scrolled to the end' })
    .toBeGreaterThanOrEqual(0);
});

test('the home page, with its link box and a mistake explained, has no serious accessibility violations', async ({ page, studio }) => {
  await page.goto(new URL('/', studio.origin).href);
  // The page's language and its line for browsers without JavaScript come
  // from the catalogue (written in by the build, as the service worker's
  // offline page is).
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
  expect(await page.locator('noscript').textContent()).toBe('Please turn on JavaScript to see your photos.');
  const worker = await (await page.request.get(new URL('/sw.js', studio.origin).href)).text();
  expect(worker).toContain("<h1>You're offline</h1><p>This gallery hasn't been opened on this device yet.");
  await page.getByLabel('Gallery link').fill('not a link');
  await page.getByRole('button', { name: 'Open gallery' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectNoSeriousViolations(page, 'the home page');
});

test('the outage banners have no serious accessibility violations', async ({ page }) => {
  const studio = await startStudio();
  try {
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect.poll(async () => (await gallery.renderedTileIds()).length).toBeGreaterThan(3);
    await page.waitForTimeout(300);
    await studio.killOrigin();
    await page.reload();
    await expect(gallery.banner).toContainText('Studio server unreachable');
    await expectNoSeriousViolations(page, 'the outage banner');
  } finally {
    await studio.stop();
  }
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the studio's page has no serious accessibility violations (${scheme} mode)`, async ({ browser, studio }) => {
    // A link with a favourite, a comment and the studio's reply.
    const link = createLink(studio, ['--label', `Axe ${scheme}`]);
    const customer = await (await browser.newContext()).newPage();
    const gallery = new GalleryPage(customer);
    await gallery.open(link.url);
    await customer.getByRole('button', { name: 'Favourite Ceremony 01', exact: true }).first().click();
    await gallery.tile('Ceremony 01').click();
    await customer.getByLabel('Comment (C)').fill('Warmer, please');
    await customer.getByRole('button', { name: 'Add comment' }).click();
    await expect(customer.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 30_000 });

    const page = await (await browser.newContext({ colorScheme: scheme })).newPage();
    await page.goto(studio.studioLink);
    const section = page.getByRole('region', { name: `Axe ${scheme}` });
    await section.getByRole('textbox', { name: 'Reply to “Warmer, please”' }).fill('Will do');
    await section.getByRole('button', { name: 'Reply', exact: true }).click();
    await expect(section.locator('.reply')).toHaveText('Studio: Will do');
    await section.getByLabel('Email reminders to').fill('axe@customer.test');
    await section.getByRole('button', { name: 'Save address' }).click();
    await expect(section.locator('.reminders-line')).toHaveText('Reminders go to axe@customer.test');
    await expect(section.locator('.activity')).toContainText('1 visit on 1 device');
    await expectNoSeriousViolations(page, "the studio's page");
  });
}
