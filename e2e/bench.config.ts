import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Benchmarks (`cargo xtask bench`): same browser setup as the tests, but they
// print numbers instead of asserting timings.
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: /.*\.bench\.ts/,
  timeout: 300_000,
  // Recording a trace screencasts the page, which costs frames and skews timings.
  use: { ...base.use, trace: 'off' },
});
