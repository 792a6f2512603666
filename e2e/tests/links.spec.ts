// Share links the studio controls: a link taken back (after the customer
// cached the gallery) leaves nothing behind on the device but the choices
// that never reached the studio, shown to the customer first; a PIN link
// asks for its PIN, refuses wrong ones and locks after too many; a link
// that closes soon says so.
import { test, expect, startStudio, createLink, deviceHolds, linkKeyOf } from './fixtures';
import { GalleryPage } from './gallery.page';

test('a revoked link, opened again after caching, forgets the gallery and shows the choices that were not sent', async ({ page }) => {
  test.setTimeout(120_000);
  const studio = await startStudio();
  try {
    const link = createLink(studio, ['--label', 'Grandma']);
    const key = linkKeyOf(link.url);
    const gallery = new GalleryPage(page);
    await gallery.open(link.url);
    await gallery.expectAllThumbnailsRendered(12);
    await expect.poll(async () => (await deviceHolds(page, key)).galleries).toBe(1);
    expect((await deviceHolds(page, key)).photos).toBeGreaterThanOrEqual(12);

    // Two choices made while the studio is down never reach it.
    await studio.killOrigin();
    const names = await gallery.tiles.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^Open /, '')));
    const photos = page.getByRole('list', { name: 'Photos' });
    await photos.getByRole('button', { name: `Select ${names[0]}`, exact: true }).click();
    await photos.getByRole('button', { name: `Favourite ${names[1]}`, exact: true }).click();
    await expect(page.locator('.outbox')).toHaveText('2 choices waiting to be sent.');

    // The studio takes the link back; the origin comes back up.
    const revoked = studio.cli(['link', 'revoke', link.id]);
    expect(revoked).toContain('is revoked');
    expect(studio.cli(['link', 'list', studio.gallery])).toMatch(new RegExp(`${link.id}\\s+\\S+\\s+revoked`));
    await studio.restartOrigin();
    await page.reload();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Sample wedding” is no longer available');
    await expect(page.getByRole('alert')).toContainText('The studio has withdrawn this link');
    await expect(page.getByText('Its photos have been removed from this device.')).toBeVisible();
    const unsent = page.getByRole('region', { name: '2 choices did not reach the studio' });
    // Named by file, so the studio can tell which photos they were.
    const file = (name: string) => `“${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(jpg|png)”`;
    await expect(unsent.getByRole('listitem')).toHaveText([
      new RegExp(`^Selecting ${file(names[0])}$`),
      new RegExp(`^Favouriting ${file(names[1])}$`),
    ]);
    // Photos, saved copy and confirmed choices are gone; the unsent ones wait
    // for the customer.
    expect(await deviceHolds(page, key)).toEqual({ photos: 0, galleries: 0, choices: 0, outbox: 2, activity: 0, spilled: 0 });

    // Still shown after another reload, until the customer removes them,
    // whatever the network does: offline, and with the studio down.
    await page.reload();
    await expect(unsent.getByRole('listitem')).toHaveCount(2);
    const stillWithdrawn = async () => {
      await page.reload();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Sample wedding” is no longer available');
      await expect(page.getByRole('alert')).toContainText('The studio has withdrawn this link');
      await expect(unsent.getByRole('listitem')).toHaveCount(2);
    };
    await page.context().setOffline(true);
    await stillWithdrawn();
    await page.context().setOffline(false);
    await studio.killOrigin();
    await stillWithdrawn();
    await studio.restartOrigin();
    await unsent.getByRole('button', { name: 'Remove them from this device' }).click();
    await expect(unsent).toHaveCount(0);
    expect(await deviceHolds(page, key)).toEqual({ photos: 0, galleries: 0, choices: 0, outbox: 0, activity: 0, spilled: 0 });
    await gallery.expectNoBrokenImages();

    // The studio's other link still opens the gallery.
    await page.goto(studio.link);
    await gallery.expectAllThumbnailsRendered(12);
  } finally {
    await studio.stop();
  }
});

test('a PIN link asks for the PIN, refuses a wrong one, locks after too many, and says when it closes', async ({ browser }) => {
  test.setTimeout(120_000);
  const studio = await startStudio();
  try {
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const link = createLink(studio, ['--pin', '2468', '--expires', soon, '--label', 'Aunt May']);
    expect(studio.cli(['link', 'list', studio.gallery])).toMatch(/Aunt May, PIN, until/);

    const context = await browser.newContext();
    const page = await context.newPage();
    const gallery = new GalleryPage(page);
    await gallery.open(link.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your PIN');
    await expect(gallery.tiles).toHaveCount(0);
    const pin = page.getByLabel('PIN');
    await pin.fill('1111');
    await page.getByRole('button', { name: 'Open gallery' }).click();
    await expect(page.getByRole('alert')).toHaveText(/That PIN is not right\. 4 more tries/);
    await pin.fill('2468');
    await page.getByRole('button', { name: 'Open gallery' }).click();
    await gallery.expectAllThumbnailsRendered(12);
    await expect(page.locator('.closing')).toHaveText(/^This gallery closes on \w{3} \d+ \w{3}, \d\d:\d\d\. Please make your choices before then\.$/);

    // The device remembers the pass: a reload opens straight away.
    await page.reload();
    await expect(gallery.tiles.first()).toBeVisible();
    await expect(page.getByLabel('PIN')).toHaveCount(0);
    await context.close();

    // Someone else with the link but not the PIN: five wrong tries lock it,
    // and then even the right PIN is refused for now.
    // The guesser is in Paris: the lock's end is said in Paris time.
    const other = await browser.newContext({ timezoneId: 'Europe/Paris' });
    const guesser = await other.newPage();
    await new GalleryPage(guesser).open(link.url);
    const guess = guesser.getByLabel('PIN');
    for (const wrong of ['0000', '1234', '9999', '1357']) {
      await guess.fill(wrong);
      await guesser.getByRole('button', { name: 'Open gallery' }).click();
      await expect(guesser.getByRole('alert')).toHaveText(/That PIN is not right/);
      await expect(guess).toHaveValue('');
    }
    await guess.fill('8642');
    const paris = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(ms + 15 * 60_000);
    const before = Date.now();
    await guesser.getByRole('button', { name: 'Open gallery' }).click();
    await expect(guesser.getByRole('alert')).toHaveText(/^Too many wrong PINs\. Please try again after (today|\w{3}) \d\d:\d\d\.$/);
    const shown = (await guesser.getByRole('alert').textContent())!.match(/(\d\d:\d\d)\.$/)![1];
    expect([paris(before), paris(Date.now())]).toContain(shown);
    await guess.fill('2468');
    await guesser.getByRole('button', { name: 'Open gallery' }).click();
    await expect(guesser.getByRole('alert')).toHaveText(/Too many wrong PINs/);
    await expect(new GalleryPage(guesser).tiles).toHaveCount(0);
    await other.close();
  } finally {
    await studio.stop();
  }
});

test("the studio page lists every gallery and its links, makes a PIN link for someone, and revokes it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const studio = await startStudio();
  try {
    const out = studio.cli(['studio-link', '--public-url', studio.origin]);
    const home = out.match(/(http\S+#\/studio\/\S+)$/m)?.[1];
    if (!home) throw new Error(`studio-link printed no link:\n${out}`);
    await page.goto(home);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your galleries');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Sample wedding' }) });
    await expect(card).toContainText('12 photos · No selection rules');
    await expect(card.getByRole('listitem')).toHaveText([/^Link \w+ — live · 0 selected · not submitted yet$/]);

    // Into the gallery: a link for Aunt May with a PIN.
    await card.getByRole('link', { name: 'Sample wedding' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sample wedding');
    await page.getByLabel("Who it's for").fill('Aunt May');
    await page.getByLabel('Or choose the PIN').fill('12');
    await page.getByRole('button', { name: 'Make link' }).click();
    await expect(page.getByRole('alert')).toHaveText(/The PIN is not valid/);
    await page.getByLabel('Or choose the PIN').fill('5151');
    await page.getByRole('button', { name: 'Make link' }).click();
    const made = page.locator('.made output');
    await expect(made).toHaveText(/#\/g\/\w+\/[\w-]+$/);
    const url = (await made.textContent())!;
    // A 4-digit PIN is allowed, with the time it takes to guess.
    await expect(page.locator('.made-pin output')).toHaveText('5151');
    await expect(page.locator('.warning')).toHaveText(/^A 4-digit PIN can be guessed in about 2\.7 years on average; a 6-digit one takes about 274 years\.$/);
    const may = page.getByRole('region', { name: 'Aunt May' });
    await expect(may.locator('.summary')).toHaveText(/^live · PIN · 0 selected · not submitted yet · 0 favourites · 0 comments$/);

    // A PIN made for the studio: 6 digits, no warning.
    await page.getByLabel("Who it's for").fill('Uncle Bob');
    await page.getByLabel('Ask for a PIN (6 digits, made for you)').check();
    await page.getByRole('button', { name: 'Make link' }).click();
    await expect(page.locator('.made-pin output')).toHaveText(/^\d{6}$/);
    await expect(page.locator('.warning')).toHaveCount(0);
    const bobUrl = (await made.textContent())!;
    expect(bobUrl).not.toBe(url);

    // Someone guessing Uncle Bob's PIN locks his link; the studio sees it.
    const guesser = await (await browser.newContext()).newPage();
    await new GalleryPage(guesser).open(bobUrl);
    for (let i = 0; i < 5; i++) {
      await guesser.getByLabel('PIN').fill('000000');
      await guesser.getByRole('button', { name: 'Open gallery' }).click();
      await expect(guesser.getByRole('alert')).toHaveText(i < 4 ? new RegExp(`That PIN is not right\\. ${4 - i} more ${4 - i === 1 ? 'try' : 'tries'}\\b`) : /^Too many wrong PINs\. Please try again after (today|\w{3}) \d\d:\d\d\.$/);
      if (i < 4) await expect(guesser.getByLabel('PIN')).toHaveValue('');
    }
    await guesser.context().close();
    await page.reload();
    await expect(page.getByRole('region', { name: 'Uncle Bob' }).locator('.summary')).toHaveText(/^live · PIN · locked after wrong PINs until \d\d:\d\d on \d+ \w+ \d{4} UTC · 5 wrong PINs · /);

    // Aunt May opens it with the PIN.
    const customer = await (await browser.newContext()).newPage();
    const gallery = new GalleryPage(customer);
    await gallery.open(url);
    await customer.getByLabel('PIN').fill('5151');
    await customer.getByRole('button', { name: 'Open gallery' }).click();
    await gallery.expectAllThumbnailsRendered(12);

    // The studio revokes it (after confirming); the first link stays live.
    page.once('dialog', (d) => d.accept());
    await may.getByRole('button', { name: 'Revoke the link for Aunt May' }).click();
    await expect(may.locator('.summary')).toHaveText(/^revoked \d+ \w+ \d{4} · PIN · /);
    await expect(may.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
    await expect(page.getByRole('region', { name: /^Link \w+$/ }).locator('.summary')).toHaveText(/^live · /);

    await customer.reload();
    // Named by its title when the device had saved a copy (half a second
    // after the first paint), else generically.
    await expect(customer.getByRole('heading', { level: 1 })).toHaveText(/is no longer available$/);
    await expect(customer.getByRole('alert')).toContainText('The studio has withdrawn this link');
  } finally {
    await studio.stop();
  }
});
