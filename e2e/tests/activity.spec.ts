// The studio sees each link's activity: when it was first and last opened,
// on how many devices, how many photos are saved offline, and how many are
// still to choose. The customer's phone reports it through its outbox, like
// a choice, so a visit made offline reaches the studio when the phone is
// back online, with the time it happened.
import { Page } from '@playwright/test';
import { test, expect, createLink, startStudio } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';

const SAMPLE_COUNT = 12;
const when = String.raw`\w{3} \d{1,2} \w{3}, \d{2}:\d{2}`;

/** The studio page's activity line for the link `name`, read afresh. */
async function activityOf(studioPage: Page, url: string, name: string): Promise<string> {
  await studioPage.goto('about:blank');
  await studioPage.goto(url);
  const line = studioPage.getByRole('region', { name }).locator('.activity');
  await expect(line).toBeVisible();
  return (await line.textContent()) ?? '';
}

test('the studio sees when, where and how far a customer got, offline visits included', async ({ browser }) => {
  const studio = await startStudio({ publishArgs: ['--min', '3'] });
  try {
    const grandma = createLink(studio, ['--label', 'Grandma']);
    const studioPage = await (await browser.newContext({ timezoneId: 'Europe/London' })).newPage();
    expect(await activityOf(studioPage, studio.studioLink, 'Grandma')).toBe('Not opened yet · 3 more photos to choose');

    // Grandma opens her link and saves the gallery for offline.
    const phone = await browser.newContext();
    const page = await phone.newPage();
    const gallery = new GalleryPage(page);
    await gallery.open(grandma.url);
    await gallery.waitForOfflineShell();
    await page.getByRole('button', { name: 'Save for offline' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(`Saved for offline: ${SAMPLE_COUNT} photos`)).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(() => activityOf(studioPage, studio.studioLink, 'Grandma'), { timeout: 20_000 })
      .toMatch(new RegExp(`^Opened ${when} · 1 visit on 1 device · ${SAMPLE_COUNT} photos saved offline · 3 more photos to choose$`));
    // Activity is no choice: the customer is told of none.
    await expect(page.getByText(/waiting to be sent|saved on this device;/)).toHaveCount(0);

    // Offline, she opens it again and selects a photo: the studio sees
    // neither yet.
    await phone.setOffline(true);
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline");
    const names = await photoNames(gallery);
    await choice(page, 'Select', names[0]).click();
    await expect(page.getByText(/^1 choice saved on this device;/)).toBeVisible();
    expect(await activityOf(studioPage, studio.studioLink, 'Grandma')).toContain('· 1 visit on 1 device ·');

    // Back online, both arrive: two visits, the second as its own time.
    await phone.setOffline(false);
    await expect(page.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(() => activityOf(studioPage, studio.studioLink, 'Grandma'), { timeout: 20_000 })
      .toMatch(new RegExp(`^Opened first ${when} · last ${when} · 2 visits on 1 device · ${SAMPLE_COUNT} photos saved offline · 2 more photos to choose$`));

    // Her laptop is a second device.
    const laptop = await (await browser.newContext()).newPage();
    await new GalleryPage(laptop).open(grandma.url);
    await expect
      .poll(() => activityOf(studioPage, studio.studioLink, 'Grandma'), { timeout: 20_000 })
      .toContain('· 3 visits on 2 devices · 12 photos saved offline ·');

    // The link publish made was never opened.
    const first = studioPage.locator('.studio-link').first().locator('.activity');
    await expect(first).toHaveText('Not opened yet · 3 more photos to choose');
  } finally {
    await studio.stop();
  }
});
