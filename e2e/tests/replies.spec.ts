// The studio answers a customer's comment from its page; the customer sees
// the answer under the comment in the lightbox, offline too, as text.
import { test, expect, startStudio } from './fixtures';
import { GalleryPage, photoNames } from './gallery.page';

test("the studio replies to a comment and the customer reads it, offline too", async ({ browser }) => {
  const studio = await startStudio();
  try {
    // The customer asks about a photo.
    const phone = await browser.newContext();
    const page = await phone.newPage();
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.waitForOfflineShell();
    const names = await photoNames(gallery);
    const question = 'Can you brighten this one? <b>please</b>';
    await gallery.tile(names[2]).click();
    await page.getByLabel('Comment (C)').fill(question);
    await page.getByRole('button', { name: 'Add comment' }).click();
    await expect(page.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await expect(gallery.lightbox).toHaveCount(0);

    // The studio sees it, with the photo, and answers under it.
    const studioPage = await (await browser.newContext()).newPage();
    await studioPage.goto(studio.studioLink);
    const box = studioPage.getByRole('textbox', { name: `Reply to “${question}”` });
    await expect(box).toBeVisible();
    const answer = "Yes — we'll lift the shadows <i>gently</i>.";
    await box.fill(answer);
    await studioPage.getByRole('button', { name: 'Reply', exact: true }).click();
    await expect(studioPage.locator('.reply')).toHaveText(`Studio: ${answer}`);
    // Kept by the studio: there after a reload too.
    await studioPage.reload();
    await expect(studioPage.locator('.reply')).toHaveText(`Studio: ${answer}`);

    // The customer's next visit brings it: under the comment, as text.
    await page.reload();
    await expect(gallery.tiles.first()).toBeVisible();
    await gallery.tile(names[2]).click();
    const thread = page.getByRole('list', { name: 'Comments' });
    await expect(thread).toContainText(question);
    await expect(thread.locator('.reply')).toHaveText(`The studio replied: ${answer}`);
    await expect(thread.locator('i, b')).toHaveCount(0);

    await page.keyboard.press('Escape');
    await expect(gallery.lightbox).toHaveCount(0);

    // Offline, the reply is still there.
    await phone.setOffline(true);
    await page.reload();
    await expect(gallery.banner).toContainText("You're offline");
    await gallery.tile(names[2]).click();
    await expect(page.getByRole('list', { name: 'Comments' }).locator('.reply')).toHaveText(`The studio replied: ${answer}`);
    // The customer's own choices were never changed by it.
    await expect(page.getByText(/waiting to be sent/)).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});
