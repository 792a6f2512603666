// The grid at scale, measured in real headless Chromium against a real
// `proofline` studio: for each gallery `cargo xtask bench` generated (100,
// 1,000 and 10,000 small photos, folders in PROOFLINE_SCALE_<count>), on a
// cold device (a fresh browser context: empty IndexedDB, no service worker):
// - publish: starting the studio and `proofline publish` of the folder;
// - manifest: the gallery's `GET /api/galleries/<id>`, request to response
//   end (Resource Timing), median of RUNS;
// - first thumbnail: navigation start → the first `.tile img` loaded
//   (complete, naturalWidth > 0), median of RUNS cold loads;
// - interactive: navigation start → the first `.grid .tile` exists and the
//   main thread is free to handle a click on it. Measured as: a
//   MutationObserver notes the first `.grid .tile`, then the first
//   requestAnimationFrame after that plus a setTimeout(0) inside it. The rAF
//   callback runs only once the task that built the tile (and its microtasks)
//   has ended, the timeout only after that frame's style, layout and paint, so
//   the time is when a click would start being handled. Median of RUNS;
// - DOM elements (`document.getElementsByTagName('*').length`) after load
//   (first thumbnail plus SETTLE_MS), median of RUNS, and the most seen in any
//   frame of the scroll pass;
// - one scroll pass, top to bottom, in the last run: each animation frame
//   scrolls half a screen (`scrollBy`, instant) until the end of the document
//   stays put for 3 frames; requestAnimationFrame deltas are recorded in the
//   page, and a frame counts as dropped when its delta exceeds 1.5 × 16.7 ms;
// - JS heap after the pass (CDP `HeapProfiler.collectGarbage`, then
//   `Performance.getMetrics` JSHeapUsedSize), and the wasm linear memory (it
//   only grows, so this is its high-water mark; it is not in the JS heap);
// - the wasm memory of a warm visit: the same device opens the link again
//   (the device's copy shows, then the studio's copy replaces it), no scroll.
// Slowness is reported, never failed on: a load that takes over LOAD_LIMIT_MS
// stops that size's measurements (noted under the table); a scroll pass ends
// at SCROLL_LIMIT_MS ("end not reached"), or when no animation frame has come
// for STALL_MS ("frames stopped"), with what it measured so far.
import { BrowserContext, Page } from '@playwright/test';
import { test, startStudio } from '../tests/fixtures';
import { loadMilestones, recordMilestones } from './milestones';

const RUNS = 3;
const SETTLE_MS = 1000;
const LOAD_LIMIT_MS = 120_000;
const SCROLL_LIMIT_MS = 120_000;
/** A scroll pass with no animation frame for this long has stalled. */
const STALL_MS = 10_000;
const FRAME_MS = 1000 / 60;
const DROPPED_MS = 1.5 * FRAME_MS;

/** Galleries to measure: PROOFLINE_SCALE_<count>=<folder>, smallest first. */
const sizes = Object.entries(process.env)
  .flatMap(([name, dir]) => {
    const m = name.match(/^PROOFLINE_SCALE_(\d+)$/);
    return m && dir ? [{ count: Number(m[1]), dir }] : [];
  })
  .sort((a, b) => a.count - b.count);

interface Row {
  count: number;
  publishS: number;
  firstThumbMs: number[];
  interactiveMs: number[];
  domAfterLoad: number[];
  manifestMs: number[];
  scroll?: Scroll;
  heapMiB?: number;
  wasmMiB?: number;
  warmWasmMiB?: number;
  note?: string;
}

interface Scroll {
  frames: number;
  dropped: number;
  p95Ms: number;
  maxNodes: number;
  scrolledPx: number;
  heightPx: number;
  ms: number;
  reachedEnd: boolean;
  stalled: boolean;
}

const rows: Row[] = [];

const domElements = (page: Page) => page.evaluate(() => document.getElementsByTagName('*').length);

/** How long the gallery's manifest (`GET /api/galleries/<id>`) took, request
 * start to response end: the part of the first thumbnail the origin owns. */
const manifestMs = (page: Page) =>
  page.evaluate(() => {
    const e = performance.getEntriesByType('resource').find((r) => /^\/api\/galleries\/[^/]+$/.test(new URL(r.name).pathname));
    return e ? e.responseEnd - e.startTime : NaN;
  });

/** Scrolls the grid's scroller (the nearest scrollable ancestor of `.grid`,
 * else the page) from top to bottom, half a screen per animation frame. */
async function scrollPass(page: Page, limitMs: number): Promise<Scroll> {
  return page.evaluate(
    ({ limitMs, droppedMs, stallMs }) => {
      let scroller: Element | null = document.querySelector('.grid');
      for (; scroller && scroller !== document.body && scroller !== document.documentElement; scroller = scroller.parentElement) {
        const overflow = getComputedStyle(scroller).overflowY;
        if (/auto|scroll|overlay/.test(overflow) && scroller.scrollHeight > scroller.clientHeight) break;
      }
      const el = scroller && scroller !== document.body && scroller !== document.documentElement ? scroller : document.scrollingElement!;
      el.scrollTo({ top: 0, behavior: 'instant' });
      const nodes = document.getElementsByTagName('*');
      return new Promise<Scroll>((resolve) => {
        const deltas: number[] = [];
        let maxNodes = nodes.length;
        let last: number | undefined;
        let start: number | undefined;
        let still = 0;
        let done = false;
        const began = performance.now();
        const finish = (end: number, stalled: boolean) => {
          done = true;
          clearInterval(watchdog);
          const sorted = [...deltas].sort((a, b) => a - b);
          resolve({
            frames: deltas.length,
            dropped: deltas.filter((d) => d > droppedMs).length,
            p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0,
            maxNodes,
            scrolledPx: el.scrollTop,
            heightPx: el.scrollHeight,
            ms: end - (start ?? end),
            reachedEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 1,
            stalled,
          });
        };
        // Animation frames can stop altogether (the page's timers still
        // run); end the pass rather than wait for a frame that never comes.
        const watchdog = setInterval(() => {
          if (performance.now() - (last ?? began) > stallMs) finish(last ?? began, true);
        }, 500);
        const frame = (t: number) => {
          if (done) return;
          if (last !== undefined) deltas.push(t - last);
          last = t;
          start ??= t;
          maxNodes = Math.max(maxNodes, nodes.length);
          still = el.scrollTop + el.clientHeight >= el.scrollHeight - 1 ? still + 1 : 0;
          if (still >= 3 || t - start > limitMs) return finish(t, false);
          el.scrollBy({ top: el.clientHeight * 0.5, behavior: 'instant' });
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    },
    { limitMs, droppedMs: DROPPED_MS, stallMs: STALL_MS },
  );
}

/** JS heap in use after a full garbage collection, and the wasm memory, MiB. */
async function memoryMiB(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const wasm = await page.evaluate(() => (window as any).__scale.memory?.buffer.byteLength ?? NaN);
  return { heapMiB: heap / 2 ** 20, wasmMiB: wasm / 2 ** 20 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

const num = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));

function table(rows: Row[]): string {
  const head = ['photos', 'publish s', 'manifest ms', 'first thumb ms', 'interactive ms', 'DOM after load', 'DOM max scrolling', 'JS heap MiB', 'wasm MiB', 'warm wasm MiB', 'dropped/frames', 'p95 frame ms', 'scroll s'];
  const body = rows.map((r) => [
    r.count.toLocaleString('en'),
    num(r.publishS, 1),
    num(median(r.manifestMs)),
    num(median(r.firstThumbMs)),
    num(median(r.interactiveMs)),
    num(median(r.domAfterLoad)),
    num(r.scroll?.maxNodes),
    num(r.heapMiB, 1),
    num(r.wasmMiB, 1),
    num(r.warmWasmMiB, 1),
    r.scroll ? `${r.scroll.dropped}/${r.scroll.frames}` : '-',
    num(r.scroll?.p95Ms, 1),
    r.scroll ? `${(r.scroll.ms / 1000).toFixed(1)}${r.scroll.stalled ? ' (frames stopped)' : r.scroll.reachedEnd ? '' : ' (end not reached)'}` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join(' | ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.count}: ${r.note}`);
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), ...notes].join('\n');
}

const legend =
  `medians of ${RUNS} cold loads (fresh context, empty IndexedDB) for manifest, first thumb, interactive and DOM after load; ` +
  `one top-to-bottom scroll pass (half a screen per frame) for the rest; dropped = frames over ${DROPPED_MS.toFixed(1)} ms`;

test.afterAll(() => {
  if (rows.length) console.log(`\n== grid at scale: summary ==\n${legend}\n${table(rows)}\n`);
});

if (!sizes.length) {
  test('grid at scale', () => {
    test.skip(true, 'no PROOFLINE_SCALE_<count> folders: run it through `cargo xtask bench`');
  });
}

for (const { count, dir } of sizes) {
  test(`grid at scale: ${count} photos`, async ({ browser }) => {
    // Publishing, then RUNS loads and one scroll pass, each within its limit.
    test.setTimeout(180_000 + count * 30 + (RUNS + 1) * (LOAD_LIMIT_MS + SETTLE_MS) + SCROLL_LIMIT_MS);
    const publishing = Date.now();
    const studio = await startStudio({ samples: dir });
    const row: Row = { count, publishS: (Date.now() - publishing) / 1000, firstThumbMs: [], interactiveMs: [], domAfterLoad: [], manifestMs: [] };
    rows.push(row);
    try {
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext({ serviceWorkers: 'block' });
        try {
          await context.addInitScript(recordMilestones);
          const page = await context.newPage();
          await page.goto(studio.link, { waitUntil: 'domcontentloaded' });
          const at = await loadMilestones(page, LOAD_LIMIT_MS);
          if (!at) {
            row.note = `run ${run + 1}: no thumbnail or not interactive within ${LOAD_LIMIT_MS / 1000} s; stopped`;
            break;
          }
          row.firstThumbMs.push(at.firstThumb);
          row.interactiveMs.push(at.interactive);
          row.manifestMs.push(await manifestMs(page));
          await page.waitForTimeout(SETTLE_MS);
          row.domAfterLoad.push(await domElements(page));
          if (run === RUNS - 1) {
            row.scroll = await scrollPass(page, SCROLL_LIMIT_MS);
            await page.waitForTimeout(SETTLE_MS);
            Object.assign(row, await memoryMiB(context, page));
            const studiosCopy = page.waitForResponse((r) => /\/api\/galleries\/[^/]+(\?|$)/.test(r.url()));
            await page.reload({ waitUntil: 'domcontentloaded' });
            if (await loadMilestones(page, LOAD_LIMIT_MS)) {
              await (await studiosCopy).finished();
              await page.waitForTimeout(SETTLE_MS);
              row.warmWasmMiB = (await memoryMiB(context, page)).wasmMiB;
            }
          }
        } finally {
          await context.close();
        }
      }
    } finally {
      await studio.stop();
    }
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `\n== grid at scale: ${count} photos ==\n${table([row])}\n` +
        `  runs: manifest ${runs(row.manifestMs)} ms; first thumb ${runs(row.firstThumbMs)} ms; interactive ${runs(row.interactiveMs)} ms; DOM after load ${runs(row.domAfterLoad)}` +
        (row.scroll ? `; scrolled ${row.scroll.scrolledPx.toFixed(0)} of ${row.scroll.heightPx.toFixed(0)} px in ${row.scroll.frames} frames` : '') +
        '\n',
    );
  });
}
