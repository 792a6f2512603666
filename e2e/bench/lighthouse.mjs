// Lighthouse 12 (mobile: its default Moto G Power emulation, simulated 4×
// CPU slowdown and slow 4G) on one URL, in Debian's Chromium with the flags
// this machine needs (PROOFLINE_CHROMIUM_ARGS, a JSON list) and a fresh
// profile (a cold device). Prints one JSON line: the category scores
// (0-100), the metrics behind performance, and the audits that failed in
// accessibility and best practices.
// PROOFLINE_LIGHTHOUSE_REPORTS=<dir> also keeps each full report there
// (lhr-<time>.json), for what the figures alone do not say: the LCP
// element and its phases, the long tasks, the request chains.
//   PROOFLINE_CHROMIUM_ARGS='["--headless", …]' node bench/lighthouse.mjs <url>
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const url = process.argv[2];
if (!url) throw new Error('usage: node bench/lighthouse.mjs <url>');
const profile = mkdtempSync(join(tmpdir(), 'proofline-lighthouse-'));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  userDataDir: profile,
  // The flags the tests give Chromium (playwright.config.ts), from the bench.
  chromeFlags: JSON.parse(process.env.PROOFLINE_CHROMIUM_ARGS ?? '[]'),
});
try {
  const { lhr } = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  });
  const reports = process.env.PROOFLINE_LIGHTHOUSE_REPORTS;
  if (reports) {
    mkdirSync(reports, { recursive: true });
    writeFileSync(join(reports, `lhr-${Date.now()}.json`), JSON.stringify(lhr));
  }
  const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const metric = (id) => lhr.audits[id]?.numericValue;
  const failed = (category) =>
    lhr.categories[category].auditRefs
      .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
      .map((r) => {
        // Where: the first few elements the audit names.
        const nodes = (lhr.audits[r.id].details?.items ?? [])
          .slice(0, 3)
          .map((i) => i.node?.selector)
          .filter(Boolean);
        return `${r.id}: ${lhr.audits[r.id].title}${nodes.length ? ` (${nodes.join('; ')})` : ''}`;
      });
  console.log(
    JSON.stringify({
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      fcpMs: metric('first-contentful-paint'),
      lcpMs: metric('largest-contentful-paint'),
      tbtMs: metric('total-blocking-time'),
      cls: metric('cumulative-layout-shift'),
      speedIndexMs: metric('speed-index'),
      failed: { accessibility: failed('accessibility'), bestPractices: failed('best-practices') },
      runtimeError: lhr.runtimeError?.message,
      warnings: lhr.runWarnings,
    }),
  );
} finally {
  await chrome.kill();
  rmSync(profile, { recursive: true, force: true });
}
