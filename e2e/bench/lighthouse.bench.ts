// Lighthouse 12, mobile (its default: a Moto G Power's screen, simulated 4×
// CPU slowdown and slow 4G), on the customer's first visit to a 1,000-photo
// gallery (PROOFLINE_SCALE_1000, else the 12 sample photos) served by a real
// studio: performance, accessibility and best-practices scores, and the
// metrics behind performance. RUNS runs, each in a fresh Chromium profile (a
// cold device; PROOFLINE_LIGHTHOUSE_RUNS for another count); the median of
// each figure is printed with the range, and each failed audit with the
// elements it names. Scores, never pass/fail: Lighthouse on a shared 2-core
// machine varies by 10 points.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import config from '../playwright.config';
import { test, startStudio } from '../tests/fixtures';

const RUNS = Number(process.env.PROOFLINE_LIGHTHOUSE_RUNS ?? 3);

interface Report {
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  speedIndexMs: number;
  failed: { accessibility: string[]; bestPractices: string[] };
  runtimeError?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('Lighthouse (mobile) on a gallery: scores and metrics', async () => {
  test.setTimeout(600_000);
  const samples = process.env.PROOFLINE_SCALE_1000;
  const studio = await startStudio(samples ? { samples } : {});
  try {
    const reports: Report[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = execFileSync('node', [join(__dirname, 'lighthouse.mjs'), studio.link], {
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, PROOFLINE_CHROMIUM_ARGS: JSON.stringify(config.use?.launchOptions?.args ?? []) },
      });
      const report = JSON.parse(out.trim().split('\n').pop()!) as Report;
      if (report.runtimeError) throw new Error(`Lighthouse: ${report.runtimeError}`);
      reports.push(report);
    }
    const row = (name: string, pick: (r: Report) => number, unit = '', digits = 0) => {
      const xs = reports.map(pick);
      const f = (x: number) => `${x.toFixed(digits)}${unit}`;
      return `${name.padEnd(26)} ${f(median(xs)).padStart(9)}   (${f(Math.min(...xs))} – ${f(Math.max(...xs))})`;
    };
    console.log(
      [
        `== Lighthouse 12, mobile, first visit to a ${samples ? '1,000' : '12'}-photo gallery (median of ${RUNS}, range) ==`,
        row('performance', (r) => r.performance),
        row('accessibility', (r) => r.accessibility),
        row('best practices', (r) => r.bestPractices),
        row('first contentful paint', (r) => r.fcpMs / 1000, ' s', 2),
        row('largest contentful paint', (r) => r.lcpMs / 1000, ' s', 2),
        row('total blocking time', (r) => r.tbtMs, ' ms'),
        row('cumulative layout shift', (r) => r.cls, '', 3),
        row('speed index', (r) => r.speedIndexMs / 1000, ' s', 2),
        ...[...new Set(reports.flatMap((r) => [...r.failed.accessibility, ...r.failed.bestPractices]))].map((a) => `failed audit: ${a}`),
      ].join('\n'),
    );
  } finally {
    await studio.stop();
  }
});
