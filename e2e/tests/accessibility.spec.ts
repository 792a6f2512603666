// An axe-core scan (WCAG 2.x A and AA rules) of every state a customer sees:
// the grid, the lightbox with its review panel, a filter with no photos, and
// the banners of an outage. Serious and critical findings fail the test.
import { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, startStudio } from './fixtures';
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
