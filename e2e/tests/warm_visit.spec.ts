// A customer opens their gallery again on a phone whose signal is slow: the
// studio's answer says at once that the link stands, but the manifest's body
// takes seconds. The device's copy is shown as soon as the answer's headers
// come, with no stale-copy banner, and the studio's copy replaces it when it
// arrives, with whatever the studio changed meanwhile (a new name). A link
// the studio withdrew still shows nothing of the gallery.
//
// A proxy in front of the origin holds the manifest's body (a 200 from
// `GET /api/galleries/{id}`) for BODY_DELAY_MS after sending its headers;
// everything else passes straight through.
import { createServer, request, Server } from 'node:http';
import { test, expect, startStudio, createLink, linkKeyOf, deviceHolds, freePort, required } from './fixtures';
import { GalleryPage } from './gallery.page';

const BODY_DELAY_MS = 6000;

interface SlowBody {
  url: string;
  server: Server;
  /** Manifest bodies held back so far, and how many have been let go. */
  held: number;
  sent: number;
}

async function slowBodyProxy(port: number, origin: string): Promise<SlowBody> {
  const target = new URL(origin);
  const proxy: SlowBody = { url: '', server: undefined as unknown as Server, held: 0, sent: 0 };
  proxy.server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const manifest = req.method === 'GET' && /^\/api\/galleries\/[^/?]+(\?|$)/.test(req.url ?? '');
        if (!manifest || answer.statusCode !== 200) {
          answer.pipe(res);
          return;
        }
        // The headers go now; the body later.
        res.flushHeaders();
        proxy.held++;
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () =>
          setTimeout(() => {
            proxy.sent++;
            res.end(Buffer.concat(chunks));
          }, BODY_DELAY_MS),
        );
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.server.listen(port, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}

/** A studio its customers reach through the proxy: the proxy's address is
 * the studio's public URL (share links, the store's CORS rule, failover). */
async function studioBehindProxy() {
  const port = await freePort();
  const studio = await startStudio({ env: { PROOFLINE_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  const proxy = await slowBodyProxy(port, studio.origin);
  const stop = async () => {
    proxy.server.closeAllConnections();
    proxy.server.close();
    await studio.stop();
  };
  return { studio, proxy, stop };
}

test('a second visit shows the device copy once the studio says the link stands, before its slow manifest body, and a revoked link still shows nothing', async ({ page }) => {
  test.setTimeout(120_000);
  const { studio, proxy, stop } = await studioBehindProxy();
  try {
    const link = createLink(studio, ['--label', 'Phone']);
    const url = link.url.replace(studio.origin, proxy.url);
    const key = linkKeyOf(url);
    const gallery = new GalleryPage(page);

    // The first visit has no copy of its own: it waits for the body.
    await gallery.open(url);
    await gallery.expectAllThumbnailsRendered(12);
    await expect.poll(async () => (await deviceHolds(page, key)).galleries).toBe(1);
    await expect.poll(async () => (await deviceHolds(page, key)).photos).toBeGreaterThanOrEqual(12);

    // The second: the gallery shows while the studio's body is held back.
    const before = proxy.sent;
    await page.reload();
    await gallery.expectAllThumbnailsRendered(12);
    expect(proxy.held, 'the studio was asked').toBeGreaterThan(before);
    expect(proxy.sent, 'shown before the studio’s body came').toBe(before);
    await expect(page.locator('.banner')).toHaveCount(0);
    // Choices work meanwhile, and reach the studio.
    const photos = page.getByRole('list', { name: 'Photos' });
    const first = await gallery.tiles.first().evaluate((e) => (e.getAttribute('aria-label') ?? '').replace(/^Open /, ''));
    await photos.getByRole('button', { name: `Favourite ${first}`, exact: true }).click();
    // The studio's copy comes and is taken in without a reload or a banner.
    await expect.poll(() => proxy.sent, { timeout: BODY_DELAY_MS + 10_000 }).toBeGreaterThan(before);
    await page.waitForTimeout(500);
    await gallery.expectAllThumbnailsRendered(12);
    await expect(page.locator('.banner')).toHaveCount(0);
    await expect(page.locator('.outbox')).toContainText('All choices received by the studio');
    expect(studio.cli(['choices', studio.gallery])).toMatch(/Phone \(live\): 0 selected, 1 favourite\(s\)/);

    // Withdrawn: the 410 comes first, so the device's copy is never shown.
    expect(studio.cli(['link', 'revoke', link.id])).toContain('is revoked');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Sample wedding” is no longer available');
    await expect(gallery.tiles).toHaveCount(0);
    expect(await deviceHolds(page, key)).toMatchObject({ photos: 0, galleries: 0 });
  } finally {
    await stop();
  }
});

test('a second visit after the studio republished the gallery under a new name shows the device’s copy, then the new name', async ({ page }) => {
  test.setTimeout(120_000);
  const { studio, proxy, stop } = await studioBehindProxy();
  try {
    const url = studio.link.replace(studio.origin, proxy.url);
    const gallery = new GalleryPage(page);
    await gallery.open(url);
    await gallery.expectAllThumbnailsRendered(12);
    await expect.poll(async () => (await deviceHolds(page, linkKeyOf(url))).galleries).toBe(1);
    const title = page.getByRole('heading', { level: 1 });
    await expect(title).toHaveText('Sample wedding');

    // The same photos, under a new name.
    studio.cli([
      'publish', required('PROOFLINE_SAMPLES'), '--title', 'Sample wedding, retouched',
      '--listen', new URL(studio.origin).host, '--store-listen', new URL(studio.storeOrigin).host,
    ]);
    // The device's copy shows while the studio's body is held back; the
    // studio's, with the new name, replaces it.
    const before = proxy.sent;
    await page.reload();
    await gallery.expectAllThumbnailsRendered(12);
    expect(proxy.sent, 'shown before the studio’s body came').toBe(before);
    await expect(title).toHaveText('Sample wedding');
    await expect(title).toHaveText('Sample wedding, retouched', { timeout: BODY_DELAY_MS + 10_000 });
    await gallery.expectAllThumbnailsRendered(12);
    await expect(page.locator('.banner')).toHaveCount(0);
  } finally {
    await stop();
  }
});
