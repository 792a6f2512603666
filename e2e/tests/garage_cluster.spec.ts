// A studio keeps its photos on a 3-node Garage cluster (replication factor 3,
// quorum 2 of 3) and a disk dies: node 3's process is killed and its
// directories deleted. Customers opening the share link in a fresh browser
// (nothing cached) still see every photo. The studio replaces the node with a
// fresh one on an empty disk; the cluster copies the metadata and every block
// onto it; then node 2 dies too, and a fresh browser still sees every photo,
// which node 1 can only serve with the replacement's copy of the metadata
// (proved at the end: with the replacement gone as well, the photos fail).
import { Browser } from '@playwright/test';
import { test, expect, blockHashes, GarageCluster, ClusterStudio } from './garage_cluster';
import { GalleryPage } from './gallery.page';

const SAMPLE_COUNT = 12;

interface Manifest {
  images: Array<{ renditions: Record<string, { url: string; bytes: number }> }>;
}

async function manifest(studio: ClusterStudio): Promise<Manifest> {
  const res = await fetch(`${studio.origin}/api/galleries/${studio.gallery}`, {
    headers: { Authorization: `Bearer ${studio.token}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** A customer with a browser that has never seen the gallery opens the link:
 * every thumbnail and every proof (paged through in the lightbox) shows
 * decoded pixels, and every image came from the cluster with a 200. Answers
 * how long it took. */
async function freshCustomerSeesEverything(browser: Browser, studio: ClusterStudio, cluster: GarageCluster): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fromStore: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${cluster.s3Endpoint}/`)) fromStore.push({ url: r.url(), status: r.status() });
    });
    const started = Date.now();
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await expect(page.getByText(`${SAMPLE_COUNT} photos`)).toBeVisible();
    await gallery.expectAllThumbnailsRendered(SAMPLE_COUNT);
    await page.evaluate(() => window.scrollTo(0, 0));
    await gallery.tiles.first().click();
    for (let i = 1; i <= SAMPLE_COUNT; i++) {
      if (i > 1) await page.keyboard.press('ArrowRight');
      await gallery.expectLightboxShowing(`${i} of ${SAMPLE_COUNT}`);
    }
    const took = Date.now() - started;
    await gallery.expectNoBrokenImages();
    await expect(page.getByText(/Not available/)).toHaveCount(0);

    const images = fromStore.filter((r) => /\/(thumb|proof)\//.test(r.url));
    expect(images.filter((r) => r.status !== 200), 'image responses other than 200').toEqual([]);
    const distinct = (kind: string) => new Set(images.filter((r) => r.url.includes(`/${kind}/`)).map((r) => r.url.split('?')[0])).size;
    expect(distinct('thumb'), 'thumbnails fetched from the cluster').toBe(SAMPLE_COUNT);
    expect(distinct('proof'), 'proofs fetched from the cluster').toBe(SAMPLE_COUNT);
    return took;
  } finally {
    await context.close();
  }
}

test('the gallery survives a dead disk, and a replaced node carries the quorum', async ({ browser, cluster, studio }) => {
  test.setTimeout(180_000);
  const t = (label: string, ms: number) => console.log(`[garage cluster] ${label}: ${(ms / 1000).toFixed(2)} s`);
  t('publish of 12 photos to the cluster', studio.publishMs);

  // The blocks every photo is stored in: Garage names block files by hash.
  const urls = (await manifest(studio)).images.flatMap((i) => Object.values(i.renditions).map((r) => r.url));
  expect(urls).toHaveLength(2 * SAMPLE_COUNT);
  const hashes: string[] = [];
  for (const url of urls) {
    const res = await fetch(url);
    expect(res.status, url).toBe(200);
    hashes.push(...blockHashes(new Uint8Array(await res.arrayBuffer())));
  }
  const [node1, node2, node3] = cluster.nodes;
  for (const node of cluster.nodes) {
    const have = node.blocks();
    expect(hashes.filter((h) => !have.has(h)), `photo blocks missing on ${node.name}`).toEqual([]);
  }
  console.log(`[garage cluster] ${hashes.length} photo blocks, ${node3.blocks().size} block files on node 3`);

  // The customer opens the link while the cluster is whole.
  t('first load, cluster whole', await freshCustomerSeesEverything(browser, studio, cluster));

  // Node 3's disk dies: the process is killed, its metadata and data are gone.
  await node3.kill();
  node3.wipe();
  t('fresh browser, node 3 dead and wiped', await freshCustomerSeesEverything(browser, studio, cluster));

  // A fresh node on an empty disk takes node 3's place in the layout; the
  // cluster syncs the metadata onto it, and it fetches every block.
  const started = Date.now();
  const replacement = await cluster.replace(2);
  t('replacement: metadata synced (layout stable)', replacement.metadataMs);
  const fresh = cluster.nodes[2];
  expect(fresh.id).not.toBe(node3.id);
  const stats = await cluster.waitForBlocks(fresh, hashes);
  t('replacement: every photo block on its disk', Date.now() - started);
  console.log(`[garage cluster] replacement holds ${fresh.blocks().size} block files (node 1: ${node1.blocks().size})`);
  const blockStats = stats.split('\n').filter((l) => /RC entries|resync queue|resync errors/.test(l)).join('\n');
  console.log(`[garage cluster] replacement:\n${replacement.repairLog}${blockStats}`);
  expect(await cluster.endpoint.cli(['block', 'list-errors'])).not.toMatch(/[0-9a-f]{64}/);

  // Node 2 dies as well: node 1 needs the replacement for a read quorum.
  await node2.kill();
  t('fresh browser, node 2 dead, node 3 replaced', await freshCustomerSeesEverything(browser, studio, cluster));

  // The check above did depend on the replacement: with it gone too, node 1
  // alone has no quorum and the same image fails.
  await fresh.kill();
  const alone = await fetch(urls[0], { signal: AbortSignal.timeout(30_000) }).then(
    (r) => r.status,
    (e) => String(e),
  );
  expect(alone, 'an image with only node 1 up').not.toBe(200);
  console.log(`[garage cluster] only node 1 up: ${alone}`);
});
