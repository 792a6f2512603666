// The studio is told when a customer submits: a customer on a phone chooses
// and submits while offline, comes back online, and the studio's inbox gets
// exactly one email (in the studio's name, with the selection as CSV) and
// its webhook exactly one signed POST, even after the origin restarts.
import { createHmac } from 'node:crypto';
import { test, expect, deviceHolds, startStudio } from './fixtures';
import { GalleryPage } from './gallery.page';
import { startInbox, startReceiver } from './mail';

const SECRET = 'webhook-secret-for-the-e2e';

test('a selection submitted offline reaches the studio once online: one email and one signed webhook', async ({ page, context }) => {
  test.setTimeout(120_000);
  const inbox = await startInbox();
  const receiver = await startReceiver();
  const studio = await startStudio({
    serveArgs: [
      '--smtp-url', inbox.url,
      '--notify-email', 'owner@ada-studio.test',
      '--notify-from', 'Ada Studio <proofs@ada-studio.test>',
      '--webhook-url', receiver.url,
      '--webhook-secret', SECRET,
    ],
    publishArgs: ['--min', '2', '--max', '3'],
  });
  try {
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(12);
    await gallery.waitForOfflineShell();
    await expect.poll(async () => (await deviceHolds(page, '')).photos).toBeGreaterThanOrEqual(12);

    // On the train: two photos chosen and the selection submitted, offline.
    await context.setOffline(true);
    const photos = page.getByRole('list', { name: 'Photos' });
    const names = await gallery.tiles.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^Open /, '')));
    for (const n of names.slice(0, 2)) await photos.getByRole('button', { name: `Select ${n}`, exact: true }).click();
    await page.getByRole('button', { name: 'Submit selection' }).click();
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect(page.locator('.outbox')).toHaveText(/^3 choices saved on this device/);
    await page.waitForTimeout(1_000);
    expect(inbox.messages()).toHaveLength(0);
    expect(receiver.hooks).toHaveLength(0);

    // Back online: the studio receives the submit, and is told once.
    const opsAnswered = page.waitForResponse((r) => r.url().endsWith('/ops') && r.request().method() === 'POST');
    await context.setOffline(false);
    await opsAnswered;
    const received = Date.now();
    await expect(page.locator('.outbox')).toHaveText(/^All choices received by the studio/, { timeout: 20_000 });
    await expect.poll(() => inbox.messages().length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => receiver.hooks.length, { timeout: 30_000 }).toBe(1);
    const [mail] = inbox.messages();
    const [hook] = receiver.hooks;
    console.log(`notified after the studio answered the submit's batch: email ${Math.round(mail.at - received)} ms, webhook ${hook.at - received} ms`);

    expect(mail.from).toBe('Ada Studio <proofs@ada-studio.test>');
    expect(mail.to).toBe('owner@ada-studio.test');
    expect(mail.subject).toMatch(/submitted a selection — Sample wedding \(2 photos\)$/);
    const csv = mail.attachments.find((a) => a.filename.endsWith('-selection.csv'));
    expect(csv?.content_type).toBe('text/csv');
    for (const n of names.slice(0, 2)) expect(csv?.content).toContain(n);

    // The webhook's body is signed with the studio's secret, and carries
    // the same delivery key as the email.
    const signature = createHmac('sha256', SECRET).update(hook.body).digest('hex');
    expect(hook.headers['x-proofline-signature']).toBe(`sha256=${signature}`);
    expect(hook.headers['x-proofline-event']).toBe('selection.submitted');
    const notice = JSON.parse(hook.body);
    expect(notice.gallery.id).toBe(studio.gallery);
    expect(notice.selected.map((f: string) => f.replace(/\.[^.]+$/, '')).sort()).toEqual(names.slice(0, 2).sort());
    expect(mail.message_id).toContain(String(hook.headers['x-proofline-delivery']));

    // A reload sends nothing new, and a restarted origin delivers nothing twice.
    await page.reload();
    await gallery.expectAllThumbnailsRendered(12);
    await studio.restartOrigin();
    await page.waitForTimeout(3_000);
    expect(inbox.messages()).toHaveLength(1);
    expect(receiver.hooks).toHaveLength(1);
  } finally {
    await context.setOffline(false);
    await studio.stop();
    await receiver.stop();
    await inbox.stop();
  }
});
