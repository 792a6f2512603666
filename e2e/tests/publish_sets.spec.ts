// A studio publishes a folder with sub-folders (sets), a photo stored sideways
// (EXIF orientation 6) and a file cut short: the customer sees the sets, can
// show one at a time, sees the sideways photo upright, and the broken file is
// reported to the studio and left out.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, startStudio } from './fixtures';
import { GalleryPage } from './gallery.page';

/** `jpeg` with an EXIF segment saying "rotate 90° clockwise to display". */
function withOrientation6(jpeg: Buffer): Buffer {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // Orientation = 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, body, jpeg.subarray(2)]);
}

test('sub-folders become sets, a sideways photo shows upright, a broken file is reported and left out', async ({ page }) => {
  test.setTimeout(120_000);
  const source = process.env.PROOFLINE_SAMPLES!;
  const jpegs = readdirSync(source).filter((f) => f.endsWith('.jpg')).sort();
  const folder = mkdtempSync(join(tmpdir(), 'proofline-sets-'));
  for (const set of ['Ceremony', 'Reception']) mkdirSync(join(folder, set));
  jpegs.slice(0, 4).forEach((f) => copyFileSync(join(source, f), join(folder, 'Ceremony', f)));
  jpegs.slice(4, 7).forEach((f) => copyFileSync(join(source, f), join(folder, 'Reception', f)));
  copyFileSync(join(source, jpegs[7]), join(folder, 'Cover.jpg'));
  // Stored landscape, meant to be shown portrait.
  const sideways = readFileSync(join(source, 'Vows + rings.jpg')); // 1800×1200, no EXIF
  writeFileSync(join(folder, 'Reception', 'Sideways.jpg'), withOrientation6(sideways));
  writeFileSync(join(folder, 'Reception', 'Cut short.jpg'), sideways.subarray(0, sideways.length / 2));

  const studio = await startStudio({ samples: folder });
  try {
    expect(studio.publishLog).toMatch(/Reception\/Cut short\.jpg: is damaged/);
    expect(studio.publishLog).toMatch(/Published 9 photo\(s\) in 2 set\(s\)/);
    const gallery = new GalleryPage(page);
    await gallery.open(studio.link);
    await gallery.expectAllThumbnailsRendered(9);
    const sets = page.getByRole('navigation', { name: 'Sets' });
    await expect(sets.getByRole('button')).toHaveText(['Every set 9', 'Ceremony 4', 'Reception 4']);
    await sets.getByRole('button', { name: /^Reception/ }).click();
    await expect(gallery.tiles).toHaveCount(4);

    // The sideways photo: its rendition is portrait, though its file is landscape.
    const img = gallery.tile('Sideways').getByRole('img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth > 0 && el.naturalHeight > el.naturalWidth)).toBe(true);
    await gallery.tile('Sideways').click();
    await expect(page.locator('.caption')).toHaveText(/^Reception · Sideways · /);
    await page.keyboard.press('Escape');

    await sets.getByRole('button', { name: /^Every set/ }).click();
    await expect(gallery.tiles.first()).toHaveAccessibleName('Open Cover');
    await gallery.expectNoBrokenImages();
  } finally {
    await studio.stop();
  }
});
