// The grid on a mid-range phone, measured in real headless Chromium against
// a real `proofline` studio, side by side with a plain page: the same
// gallery's thumbnails as `<img src=signed-url loading=lazy>` in a grid,
// served gzipped by a small Node server, the photos from the same store.
//
// Every page is a 390×844 phone (DPR 3, touch) with CDP's CPU throttling ×4
// and a 1.6 Mbps down / 750 kbps up link with 150 ms latency. For each
// gallery `cargo xtask bench` generated (PROOFLINE_SCALE_<count>):
// - cold: a fresh browser context (empty HTTP cache and IndexedDB);
// - warm: the same context visiting again (Proofline: photos and manifest
//   on the device, app files in the HTTP cache; plain: the HTTP cache);
// and from navigation start: the first thumbnail loaded, and interactive
// (the first tile exists and a click on it would be handled), as
// milestones.ts records them. Service workers are blocked on both sides:
// Chromium does not throttle a worker's own fetches, which would flatter
// Proofline's warm visit. Medians of RUNS (one run at 10,000 photos).
// Numbers only: nothing here passes or fails on time.
import { createServer, Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Browser, CDPSession, Page } from '@playwright/test';
import { test, startStudio } from '../tests/fixtures';
import { loadMilestones, recordMilestones } from './milestones';

const RUNS = 3;
const LOAD_LIMIT_MS = 240_000;
/** After a cold load, how long the page is left to keep what it shows. */
const SETTLE_MS = 8_000;
const PHONE = {
  cpuSlowdown: 4,
  latencyMs: 150,
  downBytesPerSec: 1_600_000 / 8,
  upBytesPerSec: 750_000 / 8,
};

const sizes = Object.entries(process.env)
  .flatMap(([name, dir]) => {
    const m = name.match(/^PROOFLINE_SCALE_(\d+)$/);
    return m && dir ? [{ count: Number(m[1]), dir }] : [];
  })
  .sort((a, b) => a.count - b.count);

type Times = { firstThumb: number[]; interactive: number[] };
interface Row {
  count: number;
  proofline: { cold: Times; warm: Times };
  plain: { cold: Times; warm: Times };
  plainPageKiB?: number;
  note?: string;
}
const rows: Row[] = [];
const times = (): Times => ({ firstThumb: [], interactive: [] });

/** Makes `page` a mid-range phone on a poor link. */
async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpuSlowdown });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PHONE.latencyMs,
    downloadThroughput: PHONE.downBytesPerSec,
    uploadThroughput: PHONE.upBytesPerSec,
  });
  return cdp;
}

/** The plain page: every thumbnail of the link's gallery as a signed
 * `<img>` in a grid of tiles (the classes milestones.ts looks for). */
async function plainPage(origin: string, link: string): Promise<{ server: Server; url: string; bytes: number }> {
  const [, gallery, token] = new URL(link).hash.match(/#\/g\/([^/]+)\/([^/]+)/)!;
  const answer = await fetch(`${origin}/api/galleries/${gallery}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!answer.ok) throw new Error(`the manifest: HTTP ${answer.status}`);
  const manifest = (await answer.json()) as {
    images: { alt: string; renditions: { thumb: { url: string; width: number; height: number } } }[];
  };
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const tiles = manifest.images
    .map(({ alt, renditions: { thumb } }) =>
      `<a class="tile" href="#"><img src="${attr(thumb.url)}" alt="${attr(alt)}" width="${thumb.width}" height="${thumb.height}" loading="lazy" decoding="async"></a>`,
    )
    .join('\n');
  const html = gzipSync(
    '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
      '<title>Proofs</title><style>.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:4px}' +
      '.tile img{width:100%;height:auto;display:block}</style>' +
      `<div class="grid">${tiles}</div>`,
  );
  const server = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip', 'Cache-Control': 'no-cache' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/`, bytes: html.length };
}

/** One cold visit and one warm visit in a fresh phone; records both. */
async function visit(browser: Browser, url: string, into: { cold: Times; warm: Times }): Promise<string | undefined> {
  const context = await browser.newContext({
    serviceWorkers: 'block',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  });
  try {
    await context.addInitScript(recordMilestones);
    const page = await context.newPage();
    await throttle(page);
    for (const [name, go] of [
      ['cold', () => page.goto(url, { waitUntil: 'commit' })],
      ['warm', () => page.reload({ waitUntil: 'commit' })],
    ] as const) {
      await go();
      const at = await loadMilestones(page, LOAD_LIMIT_MS);
      if (!at) return `${name}: no thumbnail or not interactive within ${LOAD_LIMIT_MS / 1000} s`;
      into[name].firstThumb.push(at.firstThumb);
      into[name].interactive.push(at.interactive);
      await page.waitForTimeout(SETTLE_MS);
    }
  } finally {
    await context.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

const ms = (xs: number[]) => (xs.length ? median(xs).toFixed(0) : '-');
const ratio = (a: number[], b: number[]) => (a.length && b.length ? `${(median(b) / median(a)).toFixed(1)}×` : '-');

function table(rows: Row[]): string {
  const head = ['photos', 'visit', 'Proofline thumb ms', 'plain thumb ms', 'Proofline interactive ms', 'plain interactive ms', 'plain ÷ Proofline (thumb)'];
  const body = rows.flatMap((r) =>
    (['cold', 'warm'] as const).map((v) => [
      r.count.toLocaleString('en'),
      v,
      ms(r.proofline[v].firstThumb),
      ms(r.plain[v].firstThumb),
      ms(r.proofline[v].interactive),
      ms(r.plain[v].interactive),
      ratio(r.proofline[v].firstThumb, r.plain[v].firstThumb),
    ]),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join(' | ');
  const notes = rows.flatMap((r) => [
    ...(r.plainPageKiB ? [`  ${r.count}: the plain page is ${r.plainPageKiB.toFixed(0)} KiB gzipped`] : []),
    ...(r.note ? [`  ${r.count}: ${r.note}`] : []),
  ]);
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), ...notes].join('\n');
}

const legend =
  `a 390×844 phone, CPU ×${PHONE.cpuSlowdown}, ${((PHONE.downBytesPerSec * 8) / 1e6).toFixed(1)} Mbps down, ${PHONE.latencyMs} ms latency; ` +
  `milliseconds from navigation start, medians of ${RUNS} (1 at 10,000 photos); ` +
  `warm = the same device visiting again; the last column above 1 means Proofline is faster`;

test.afterAll(() => {
  if (rows.length) console.log(`\n== the grid on a phone: summary ==\n${legend}\n${table(rows)}\n`);
});

if (!sizes.length) {
  test('grid on a phone', () => {
    test.skip(true, 'no PROOFLINE_SCALE_<count> folders: run it through `cargo xtask bench`');
  });
}

for (const { count, dir } of sizes) {
  test(`grid on a phone: ${count} photos`, async ({ browser }) => {
    const runs = count >= 10_000 ? 1 : RUNS;
    test.setTimeout(180_000 + count * 30 + runs * 4 * (LOAD_LIMIT_MS + SETTLE_MS));
    const studio = await startStudio({ samples: dir });
    const row: Row = { count, proofline: { cold: times(), warm: times() }, plain: { cold: times(), warm: times() } };
    rows.push(row);
    const plain = await plainPage(studio.origin, studio.link);
    row.plainPageKiB = plain.bytes / 1024;
    try {
      for (let run = 0; run < runs && !row.note; run++) {
        const failed =
          (await visit(browser, studio.link, row.proofline).then((n) => n && `Proofline ${n}`)) ??
          (await visit(browser, plain.url, row.plain).then((n) => n && `plain page ${n}`));
        if (failed) row.note = `run ${run + 1}: ${failed}; stopped`;
      }
    } finally {
      plain.server.close();
      await studio.stop();
    }
    console.log(`\n== the grid on a phone: ${count} photos ==\n${table([row])}\n`);
  });
}
