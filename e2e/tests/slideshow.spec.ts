// A customer sits back and watches: the lightbox's slideshow plays the
// gallery from the copies saved on the device, with no network at all,
// pauses, goes round, remembers its pace, and fades each photo in only for
// those who have not asked their device for reduced motion.
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { GalleryPage } from './gallery.page';

const SAMPLE_COUNT = 12;

/** How the shown photo appears: its CSS animation's name. */
const animationOf = (page: Page) => page.locator('.lightbox img.proof').evaluate((img) => getComputedStyle(img).animationName);

test('the slideshow plays the saved gallery offline, pauses, goes round and keeps its pace; reduced motion turns its fade off', async ({ page, context, studio }) => {
  const gallery = new GalleryPage(page);
  await gallery.open(studio.link);
  await gallery.waitForOfflineShell();
  await page.getByRole('button', { name: 'Save for offline' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(`Saved for offline: ${SAMPLE_COUNT} photos`)).toBeVisible({ timeout: 60_000 });

  // No network: everything below comes from the device.
  await context.setOffline(true);
  await page.reload();
  await expect(gallery.banner).toContainText("You're offline");
  await gallery.tile('Ceremony 01').click();
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  await expect(page.getByRole('combobox', { name: 'Time per photo' })).toHaveValue('5');
  await page.getByRole('combobox', { name: 'Time per photo' }).selectOption('3');

  // Each photo stays its whole time, then the next one shows.
  const started = Date.now();
  await page.getByRole('button', { name: 'Play slideshow' }).click();
  await expect(gallery.lightbox).toHaveAccessibleName(/\(4 of 12\)$/, { timeout: 10_000 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  expect(await animationOf(page)).toBe('slide-in');
  await expect(gallery.lightbox).toHaveAccessibleName(/\(5 of 12\)$/, { timeout: 10_000 });

  // Paused, it stays.
  await page.getByRole('button', { name: 'Pause slideshow' }).click();
  await page.waitForTimeout(4_000);
  await gallery.expectLightboxShowing(`5 of ${SAMPLE_COUNT}`);

  // From the last photo it goes round to the first (P plays, as the
  // button's title says).
  for (let i = 6; i <= SAMPLE_COUNT; i++) {
    await page.keyboard.press('ArrowRight');
    await gallery.expectLightboxShowing(`${i} of ${SAMPLE_COUNT}`);
  }
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Pause slideshow' })).toBeVisible();
  await expect(gallery.lightbox).toHaveAccessibleName(/\(1 of 12\)$/, { timeout: 10_000 });
  await gallery.expectLightboxShowing(`1 of ${SAMPLE_COUNT}`);

  // Closing stops it: opened again, the photo stays.
  await page.keyboard.press('Escape');
  await expect(gallery.lightbox).toBeHidden();
  await gallery.tile('Ceremony 01').click();
  await expect(page.getByRole('button', { name: 'Play slideshow' })).toBeVisible();
  await page.waitForTimeout(3_500);
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);

  // The pace is kept on the device; with reduced motion there is no fade.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await gallery.expectLightboxShowing(`3 of ${SAMPLE_COUNT}`);
  await expect(page.getByRole('combobox', { name: 'Time per photo' })).toHaveValue('3');
  await page.getByRole('button', { name: 'Play slideshow' }).click();
  await expect(gallery.lightbox).toHaveAccessibleName(/\(4 of 12\)$/, { timeout: 10_000 });
  await gallery.expectLightboxShowing(`4 of ${SAMPLE_COUNT}`);
  expect(await animationOf(page)).toBe('none');
});
