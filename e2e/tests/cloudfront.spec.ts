// With a CloudFront distribution configured, each photo's manifest entry
// carries the CloudFront URL first and the store's own URL as fallback; when
// CloudFront cannot be reached, the app loads every photo from the store.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, startStudio } from './fixtures';
import { GalleryPage } from './gallery.page';

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../../crates/core/tests/fixtures/cloudfront_signed_url_vectors.json'), 'utf8'),
);

test('photos load from the store when the CloudFront distribution is unreachable', async ({ page }) => {
  const key = join(mkdtempSync(join(tmpdir(), 'proofline-cf-')), 'cf.pem');
  writeFileSync(key, fixtures.private_key_pem_pkcs8);
  // Nothing listens on port 9: every CloudFront request is refused at once.
  const cloudfront = [
    '--cloudfront-domain', 'https://127.0.0.1:9',
    '--cloudfront-key-pair-id', fixtures.key_pair_id,
    '--cloudfront-private-key', key,
  ];
  const studio = await startStudio({ serveArgs: cloudfront, publishArgs: cloudfront });
  try {
    const res = await fetch(`${studio.origin}/api/galleries/${studio.gallery}`, {
      headers: { Authorization: `Bearer ${studio.token}` },
    });
    const manifest = await res.json();
    const thumb = manifest.images[0].renditions.thumb;
    expect(thumb.url).toMatch(/^https:\/\/127\.0\.0\.1:9\/.*[?&]Signature=.*Key-Pair-Id=/);
    expect(thumb.fallbacks).toHaveLength(1);
    expect(thumb.fallbacks[0].url.startsWith(studio.storeOrigin)).toBe(true);

    const tried = { cloudfront: 0, store: 0 };
    page.on('request', (r) => {
      if (r.url().startsWith('https://127.0.0.1:9/')) tried.cloudfront++;
      if (r.url().startsWith(studio.storeOrigin)) tried.store++;
    });
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(12);
    await gallery.expectNoBrokenImages();
    expect(tried.cloudfront).toBeGreaterThanOrEqual(1);
    expect(tried.store).toBeGreaterThanOrEqual(12);
  } finally {
    await studio.stop();
  }
});
