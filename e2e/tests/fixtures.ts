// A real `proofline serve` (origin + embedded store) per test file, on free
// loopback ports with its own data directory, and a sample gallery published
// with the real `proofline publish`.
import { test as base } from '@playwright/test';
import { ChildProcess, spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Studio {
  origin: string;      // http://127.0.0.1:PORT of the origin
  storeOrigin: string; // http://127.0.0.1:PORT of the object store
  link: string;        // the share link publish printed
  server: ChildProcess;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through \`cargo xtask test\``);
  return v;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`proofline exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within 30 s`);
}

export async function startStudio(): Promise<Studio & { stop: () => Promise<void> }> {
  const bin = required('PROOFLINE_BIN');
  const clientDir = required('PROOFLINE_CLIENT_DIR');
  const samples = required('PROOFLINE_SAMPLES');
  const data = mkdtempSync(join(tmpdir(), 'proofline-e2e-'));
  const [port, storePort] = [await freePort(), await freePort()];
  const common = ['--listen', `127.0.0.1:${port}`, '--store-listen', `127.0.0.1:${storePort}`, '--data-dir', data];
  const server = spawn(bin, ['serve', '--client-dir', clientDir, ...common], { stdio: ['ignore', 'inherit', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`, server);
  const out = execFileSync(bin, ['publish', samples, '--title', 'Sample wedding', ...common], { encoding: 'utf8' });
  const link = out.match(/^Share link: (\S+)$/m)?.[1];
  if (!link) throw new Error(`publish printed no share link:\n${out}`);
  return {
    origin,
    storeOrigin: `http://127.0.0.1:${storePort}`,
    link,
    server,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{}, { studio: Studio }>({
  studio: [
    async ({}, use) => {
      const studio = await startStudio();
      await use(studio);
      await studio.stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
