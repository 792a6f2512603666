// The anchor for `cargo xtask bench publish`: npm `sharp` (libvips) making the
// same renditions as `proofline publish` from every JPEG in a folder: EXIF
// rotation, fit inside 1600 px -> JPEG q85 and inside 400 px -> JPEG q80, with
// sharp's default shrink-on-load. Photos run two at a time with one libvips
// thread each, matching proofline's one photo per core on a 2-core machine.
// Prints `images_per_second=N`.
//
// node bench/sharp.mjs DIR [ROUNDS] [PARALLEL]
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const [dir, rounds = '3', parallel = String(availableParallelism())] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/sharp.mjs DIR [ROUNDS] [PARALLEL]');
  process.exit(2);
}
// One libvips worker per photo; `parallel` photos at once fill the cores.
sharp.concurrency(1);
sharp.cache(false);

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => readFileSync(join(dir, f)));
if (files.length === 0) throw new Error(`no .jpg files in ${dir}`);

async function renditions(input) {
  const upright = sharp(input).rotate();
  const [proof, thumb] = await Promise.all([
    upright.clone().resize(1600, 1600, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer(),
    upright.clone().resize(400, 400, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer(),
  ]);
  if (proof.length === 0 || thumb.length === 0) throw new Error('empty rendition');
}

async function all(queue) {
  const work = [...queue];
  const worker = async () => {
    for (let f = work.shift(); f; f = work.shift()) await renditions(f);
  };
  await Promise.all(Array.from({ length: Number(parallel) }, worker));
}

await renditions(files[0]); // warm up
const start = process.hrtime.bigint();
for (let r = 0; r < Number(rounds); r++) await all(files);
const secs = Number(process.hrtime.bigint() - start) / 1e9;
const n = files.length * Number(rounds);
console.log(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}): ${n} photos in ${secs.toFixed(2)}s, ${parallel} at a time`);
console.log(`images_per_second=${(n / secs).toFixed(3)}`);
