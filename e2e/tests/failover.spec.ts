// Several origins on PostgreSQL: a customer reviewing on origin A keeps
// going on origin B when A freezes or dies, even with a batch of choices in
// flight; every choice reaches the studio exactly once (the origins share one
// PostgreSQL database, which stores each op id once), and a reload with A
// dead opens from B. Real processes, really frozen (SIGSTOP) and killed
// (SIGKILL); a real PostgreSQL server started for each story.
import { execFileSync } from 'node:child_process';
import { Page } from '@playwright/test';
import { test, expect, startOrigins, Origins } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';
import { startPostgres } from './postgres';

/** Two origins (A, B) on a fresh PostgreSQL database; `stop` ends all. */
async function twoOriginsOnPostgres(): Promise<Origins & { database: string }> {
  const pg = await startPostgres();
  try {
    const studio = await startOrigins({ database: pg.url });
    return { ...studio, database: pg.url, stop: async () => { await studio.stop(); await pg.stop(); } };
  } catch (e) {
    await pg.stop();
    throw e;
  }
}

interface Held {
  op_count: number;
  choices: { images: Record<string, { favourite?: { value: boolean }; selected?: { value: boolean } }> };
}

/** What the studio holds for the link, from origin `at`. */
async function held(studio: Origins, at: string): Promise<Held> {
  const res = await fetch(`${at}/api/galleries/${studio.gallery}/choices`, {
    headers: { Authorization: `Bearer ${studio.token}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const RECEIVED = /^All choices received by the studio at \d\d:\d\d · receipt [0-9A-F]{4}-[0-9A-F]{4}$/;

/** Requests the page sends to `origin`'s API. */
function apiCalls(page: Page, origin: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${origin}/api/`)) seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}

test('A frozen with a batch in flight, then killed: the choices reach the studio through B exactly once, and a reload opens from B', async ({ page }) => {
  test.setTimeout(120_000);
  const studio = await twoOriginsOnPostgres();
  const [A, B] = studio.origins;
  try {
    const gallery = new GalleryPage(page);
    const outbox = page.locator('.outbox');
    const toB = apiCalls(page, B);
    await gallery.open(studio.link);
    expect(studio.link.startsWith(`${A}/`)).toBe(true);
    await gallery.waitForOfflineShell();
    const names = await photoNames(gallery);
    await choice(page, 'Favourite', names[0]).click();
    await expect(outbox).toContainText(RECEIVED, { timeout: 10_000 });
    expect(toB, 'everything went to A while it was up').toEqual([]);

    // A freezes; the next batch goes to A and hangs there.
    await studio.signal(0, 'SIGSTOP');
    const inFlight = page.waitForRequest((r) => r.url() === `${A}/api/galleries/${studio.gallery}/ops`);
    await choice(page, 'Select', names[1]).click();
    await inFlight;
    await page.waitForTimeout(1_000);
    await expect(outbox).toHaveText('1 choice waiting to be sent.');
    // Then A dies with the batch unanswered.
    const killedAt = Date.now();
    await studio.signal(0, 'SIGKILL');
    await expect(outbox).toContainText(RECEIVED, { timeout: 15_000 });
    const afterKill = Date.now() - killedAt;
    expect(toB).toContain(`POST /api/galleries/${studio.gallery}/ops`);

    // The customer carries on: straight to B, no waiting on A.
    const receipt = await outbox.textContent();
    const before = Date.now();
    await choice(page, 'Favourite', names[2]).click();
    await choice(page, 'Favourite', names[3]).click();
    await expect.poll(async () => (await held(studio, B)).op_count, { timeout: 10_000, intervals: [50] }).toBe(4);
    const onB = Date.now() - before;
    await expect(outbox).toContainText(RECEIVED);
    await expect(outbox).not.toHaveText(receipt ?? '');
    await expect(gallery.banner).toHaveCount(0);

    // The shared database holds each choice once: four ops, one selection.
    const h = await held(studio, B);
    expect(h.op_count).toBe(4);
    // Asked of PostgreSQL itself: four choice rows, four distinct op ids;
    // beside them the one visit the app reported (activity, no choice).
    const rows = (activity: number) =>
      execFileSync('psql', [studio.database, '-tAc', `SELECT count(*), count(DISTINCT op_id) FROM ops WHERE activity = ${activity}`], { encoding: 'utf8' }).trim();
    expect(rows(0)).toBe('4|4');
    expect(rows(1)).toBe('1|1');
    const csv = studio.cli(['choices', studio.gallery, '--csv']).trim().split('\n');
    expect(csv[0]).toBe('file_name,link,favourite,verdict,comments');
    expect(csv.length).toBe(2); // the one selected photo

    // A reload with A dead: the app shell comes from the service worker, the
    // gallery from B, and it says nothing about an outage.
    toB.length = 0;
    const reloadAt = Date.now();
    await page.reload();
    await expect(gallery.tiles.first()).toBeVisible();
    await expect(choice(page, 'Select', names[1])).toHaveAttribute('aria-pressed', 'true');
    const reloaded = Date.now() - reloadAt;
    await expect(gallery.banner).toHaveCount(0);
    await expect(outbox).toContainText(RECEIVED);
    expect(toB, 'the manifest came from B').toContain(`GET /api/galleries/${studio.gallery}`);
    console.log(`failover: A killed with a batch in flight -> received via B in ${afterKill} ms; ` +
      `next two choices via B in ${onB} ms; reload with A dead -> gallery from B in ${reloaded} ms`);
  } finally {
    await studio.stop();
  }
});

test('A frozen (never answering): the batch goes to B within seconds, and when A wakes up nothing is counted twice', async ({ page }) => {
  test.setTimeout(90_000);
  const studio = await twoOriginsOnPostgres();
  const [A, B] = studio.origins;
  try {
    const gallery = new GalleryPage(page);
    const outbox = page.locator('.outbox');
    await gallery.open(studio.link);
    await gallery.waitForOfflineShell();
    const names = await photoNames(gallery);
    await choice(page, 'Favourite', names[0]).click();
    await expect(outbox).toContainText(RECEIVED, { timeout: 10_000 });

    await studio.signal(0, 'SIGSTOP');
    const frozenAt = Date.now();
    await choice(page, 'Select', names[1]).click();
    await expect(outbox).toHaveText('1 choice waiting to be sent.');
    await expect(outbox).toContainText(RECEIVED, { timeout: 20_000 });
    const afterFreeze = Date.now() - frozenAt;
    expect(afterFreeze).toBeLessThan(10_000);

    // A wakes up and handles the batch it was sent while frozen: the
    // studio already has those op ids (from B), so nothing changes.
    await studio.signal(0, 'SIGCONT');
    await expect.poll(async () => (await held(studio, A)).op_count, { timeout: 10_000 }).toBe(2);
    await page.waitForTimeout(1_000);
    expect((await held(studio, A)).op_count).toBe(2);
    expect((await held(studio, B)).op_count).toBe(2);
    console.log(`failover: A frozen -> batch received via B in ${afterFreeze} ms`);
  } finally {
    await studio.stop();
  }
});
