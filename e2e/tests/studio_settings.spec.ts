// The studio changes a gallery from its studio page instead of the command
// line: selection rules, a lock, the gallery's last day. The customer, on
// their own device, sees each change on their next visit, and a lock refuses
// their next choice. Mistakes get a sentence and change nothing. Each
// link's reminder address is set and cleared there too.
import { test, expect, createLink } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';

test('from the studio page: rules, lock and unlock, and the last day reach the customer', async ({ browser, studio }) => {
  const studioPage = await (await browser.newContext()).newPage();
  const customer = await (await browser.newContext()).newPage();
  const gallery = new GalleryPage(customer);
  await gallery.open(studio.link);
  const names = await photoNames(gallery);
  await studioPage.goto(studio.studioLink);
  const settings = studioPage.getByRole('region', { name: 'Settings' });
  const summary = studioPage.locator('main.studio > p').first();
  await expect(summary).toHaveText('12 photos · No selection rules');

  // Rules: the customer is asked for 2 to 3 photos.
  await settings.getByLabel('Fewest photos').fill('2');
  await settings.getByLabel('Most photos (blank: no limit)').fill('3');
  await settings.getByRole('button', { name: 'Save rules' }).click();
  await expect(studioPage.getByRole('status').filter({ hasText: 'Selection rules saved.' })).toBeVisible();
  await expect(summary).toHaveText('12 photos · Choose 2 to 3 photos');
  await expect(settings.getByLabel('Fewest photos')).toHaveValue('2');
  await customer.reload();
  await expect(customer.locator('.selection-status')).toHaveText('0 selected · Choose 2 to 3 photos.');

  // A mistake is explained and changes nothing.
  await settings.getByLabel('Fewest photos').fill('3');
  await settings.getByLabel('Most photos (blank: no limit)').fill('2');
  await settings.getByRole('button', { name: 'Save rules' }).click();
  await expect(settings.getByRole('alert')).toHaveText('The maximum selection (2) is below the minimum (3).');
  await expect(summary).toHaveText('12 photos · Choose 2 to 3 photos');

  // Locked: the customer's next choice is refused, and told so.
  await settings.getByRole('button', { name: 'Lock the gallery' }).click();
  await expect(summary).toHaveText(/^12 photos · Choose 2 to 3 photos · locked on \d+ \w{3} \d{4}$/);
  await expect(studioPage.getByRole('status').filter({ hasText: 'Gallery locked.' })).toBeVisible();
  await choice(customer, 'Favourite', names[0]).click();
  await expect(customer.getByRole('alert').filter({ hasText: /^The studio locked this gallery on .*; this change was not sent\./ })).toBeVisible({ timeout: 20_000 });
  await expect(choice(customer, 'Favourite', names[0])).toHaveAttribute('aria-pressed', 'false');

  // Unlocked: the same choice goes through.
  await settings.getByRole('button', { name: 'Unlock the gallery' }).click();
  await expect(summary).toHaveText('12 photos · Choose 2 to 3 photos');
  await customer.reload();
  await choice(customer, 'Favourite', names[0]).click();
  await expect(customer.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 20_000 });
  await expect(choice(customer, 'Favourite', names[0])).toHaveAttribute('aria-pressed', 'true');

  // The last day: not in the past; then the customer is told when it closes.
  const expiry = settings.getByLabel('Last day the gallery opens (blank: no end)');
  await expiry.fill('2001-01-01');
  await settings.getByRole('button', { name: 'Save last day' }).click();
  await expect(settings.getByRole('alert')).toHaveText('The last day of the gallery is in the past.');
  await expiry.fill('2099-12-31');
  await settings.getByRole('button', { name: 'Save last day' }).click();
  await expect(summary).toHaveText('12 photos · Choose 2 to 3 photos · shared until 31 Dec 2099');
  await customer.reload();
  await expect(customer.locator('.closing')).toHaveText(/^Available until Thu 31 Dec, \d\d:\d\d\.$/);

  // And the studio page shows what it saved when opened again.
  await studioPage.reload();
  await expect(settings.getByLabel('Most photos (blank: no limit)')).toHaveValue('3');
  await expect(expiry).toHaveValue('2099-12-31');
});

test("from the studio page: where a link's reminders go, set, kept and cleared", async ({ browser, studio }) => {
  createLink(studio, ['--label', 'Anna']);
  const page = await (await browser.newContext()).newPage();
  await page.goto(studio.studioLink);
  const anna = page.getByRole('region', { name: 'Anna' });
  const line = anna.locator('.reminders-line');
  const address = anna.getByLabel('Email reminders to');
  await expect(line).toHaveText('No reminders');

  // Not an address: said, and nothing is kept.
  await address.fill('anna at home');
  await anna.getByRole('button', { name: 'Save address' }).click();
  await expect(anna.getByRole('alert')).toContainText('is not an email address');
  await expect(line).toHaveText('No reminders');

  await address.fill('anna@customer.test');
  await anna.getByRole('button', { name: 'Save address' }).click();
  await expect(line).toHaveText('Reminders go to anna@customer.test');
  // Kept by the studio: there on a fresh load, in the box too.
  await page.reload();
  await expect(line).toHaveText('Reminders go to anna@customer.test');
  await expect(address).toHaveValue('anna@customer.test');

  await anna.getByRole('button', { name: 'No reminders' }).click();
  await expect(line).toHaveText('No reminders');
  await page.reload();
  await expect(line).toHaveText('No reminders');
  await expect(address).toHaveValue('');
});
