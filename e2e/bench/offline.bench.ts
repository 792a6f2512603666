// What the device cache buys a customer, measured in real headless Chromium
// against a real `proofline` studio:
// - time from navigation to the first thumbnail painted, cold (empty device,
//   photos from the store) and warm (photos from IndexedDB);
// - bytes downloaded from the store on a revisit after the URLs were re-signed
//   (a new signing window), for Proofline and for a plain page of
//   `<img src=signed-url>` (what galleries without a content-keyed cache do).
import { BrowserContext, Page } from '@playwright/test';
import { test, startStudio } from '../tests/fixtures';

const RUNS = 5;

/** Milliseconds from navigation start to the first `.tile img` decoded,
 * for the navigation `navigate` makes. */
async function firstThumbnailMs(page: Page, navigate: () => Promise<unknown>): Promise<number> {
  await navigate();
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const check = () => {
          const img = document.querySelector<HTMLImageElement>('.tile img');
          if (img && img.complete && img.naturalWidth > 0) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
  );
}

/** Counts body bytes of responses from `storeOrigin` while `run` runs. */
async function storeBytes(page: Page, storeOrigin: string, run: () => Promise<void>): Promise<{ bytes: number; requests: number }> {
  const seen = { bytes: 0, requests: 0 };
  const onResponse = async (r: import('@playwright/test').Response) => {
    if (!r.url().startsWith(storeOrigin) || !/\/(thumb|proof)\//.test(r.url())) return;
    seen.requests++;
    const sizes = await r.request().sizes().catch(() => null);
    seen.bytes += sizes?.responseBodySize ?? 0;
  };
  page.on('response', onResponse);
  await run();
  await page.waitForTimeout(500);
  page.off('response', onResponse);
  return seen;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function plainImgPage(page: Page, origin: string, link: string) {
  const [, gallery, token] = new URL(link).hash.match(/#\/g\/([^/]+)\/([^/]+)/)!;
  await page.goto(`${origin}/no-such-page`);
  await page.evaluate(
    async ({ gallery, token }) => {
      const m = await (await fetch(`/api/galleries/${gallery}`, { headers: { Authorization: `Bearer ${token}` } })).json();
      document.body.innerHTML = m.images
        .map((i: { renditions: { thumb: { url: string } } }) => `<img src="${i.renditions.thumb.url}" width=100>`)
        .join('');
      await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
    },
    { gallery, token },
  );
}

test('offline cache: first thumbnail warm vs cold, and re-download on rotated signatures', async ({ browser }) => {
  const studio = await startStudio({ serveArgs: ['--signing-window-secs', '2', '--url-validity-secs', '600'] });
  const rows: string[] = [];
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context: BrowserContext = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      cold.push(await firstThumbnailMs(page, () => page.goto(studio.link)));
      await page.waitForTimeout(1000); // let every visible thumbnail land on the device
      warm.push(await firstThumbnailMs(page, () => page.reload()));
      await context.close();
    }
    rows.push(`first thumbnail painted, cold network: median ${median(cold).toFixed(0)} ms  (runs: ${cold.map((x) => x.toFixed(0)).join(', ')})`);
    rows.push(`first thumbnail painted, warm device:  median ${median(warm).toFixed(0)} ms  (runs: ${warm.map((x) => x.toFixed(0)).join(', ')})`);

    // Revisit after re-signing: Proofline vs plain <img src=signed-url>.
    for (const [name, visit] of [
      ['Proofline (IndexedDB by content hash)', async (page: Page) => {
        await page.goto(studio.link);
        await page.locator('.tile img').first().waitFor();
        await page.waitForTimeout(1500);
      }],
      ['plain <img src=signed-url>', async (page: Page) => plainImgPage(page, studio.origin, studio.link)],
    ] as const) {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      const first = await storeBytes(page, studio.storeOrigin, () => visit(page));
      await page.waitForTimeout(2500); // a new signing window: every URL changes
      const again = await storeBytes(page, studio.storeOrigin, async () => {
        await page.goto('about:blank');
        await visit(page);
      });
      rows.push(`${name}: first visit ${first.requests} downloads, ${(first.bytes / 1024).toFixed(0)} KiB; revisit with re-signed URLs ${again.requests} downloads, ${(again.bytes / 1024).toFixed(0)} KiB`);
      await context.close();
    }
  } finally {
    await studio.stop();
  }
  console.log(`\n== offline cache benchmark (${RUNS} runs, 12-photo sample gallery, loopback) ==\n${rows.join('\n')}\n`);
});
