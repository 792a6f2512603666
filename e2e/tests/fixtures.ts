// A real studio per test file (or per test, for tests that kill it): the
// embedded object store as its own process (`proofline store`), the origin
// (`proofline serve --separate-store`), on free loopback ports with their own
// data directory, and a sample gallery published with the real
// `proofline publish`. The two processes die separately, as S3 and a studio
// server do.
import { test as base, chromium, BrowserContext, Page } from '@playwright/test';
import config from '../playwright.config';
import { ChildProcess, spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Studio {
  origin: string;      // http://127.0.0.1:PORT of the origin
  storeOrigin: string; // http://127.0.0.1:PORT of the object store
  link: string;        // the share link publish printed
  /** What `proofline publish` printed (stdout, then stderr). */
  publishLog: string;
  server: ChildProcess;
  store: ChildProcess;
  /** SIGKILL the origin process, as a crash would. */
  killOrigin: () => Promise<void>;
  /** SIGKILL the object store process. */
  killStore: () => Promise<void>;
  /** Starts the store again (after `killStore`) on the same port and data. */
  restartStore: () => Promise<void>;
  /** Start the origin again on the same port and data. */
  restartOrigin: () => Promise<void>;
  /** Runs a `proofline` subcommand on this studio's data; answers its stdout. */
  cli: (args: string[]) => string;
  /** The studio's page for the gallery, as publish printed it. */
  studioLink: string;
  /** The gallery id and token of the share link. */
  gallery: string;
  token: string;
}

export interface StudioOptions {
  /** Extra `proofline serve` flags, e.g. a short signing window. */
  serveArgs?: string[];
  /** Folder of photos to publish (default: PROOFLINE_SAMPLES). */
  samples?: string;
  /** Extra `proofline publish` flags, e.g. selection rules. */
  publishArgs?: string[];
  /** Environment for every `proofline` run of the studio (store, origin,
   * publish, CLI), e.g. `PROOFLINE_PUBLIC_URL`. */
  env?: Record<string, string>;
}

export function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through \`cargo xtask test\``);
  return v;
}

// Ports for the servers a test starts come from below the kernel's
// ephemeral range (32768-60999), which outgoing connections draw from: a
// port the kernel picked for `listen(0)` and released could be taken by the
// browser's or Node's own connection before the server binds it. Each is
// handed out once per worker, from a start that differs between workers.
let nextPort = Math.floor(Math.random() * 12_000);

async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 12_000; i++) {
    const port = 20_000 + (nextPort++ % 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port on 127.0.0.1 from 20000 to 31999');
}

export async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
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

export async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Waits until something accepts connections on `port` (without an HTTP
 * request, which the store would log as an unsigned request). */
export async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`proofline exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within 30 s`);
}

export async function startStudio(options: StudioOptions = {}): Promise<Studio & { stop: () => Promise<void> }> {
  const bin = required('PROOFLINE_BIN');
  const clientDir = required('PROOFLINE_CLIENT_DIR');
  const samples = options.samples ?? required('PROOFLINE_SAMPLES');
  const data = mkdtempSync(join(tmpdir(), 'proofline-e2e-'));
  const [port, storePort] = [await freePort(), await freePort()];
  const common = ['--listen', `127.0.0.1:${port}`, '--store-listen', `127.0.0.1:${storePort}`, '--data-dir', data];
  const origin = `http://127.0.0.1:${port}`;
  const storeOrigin = `http://127.0.0.1:${storePort}`;
  const stdio: ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];
  const env = { ...process.env, ...options.env };
  const startStore = async () => {
    const child = spawn(bin, ['store', ...common], { stdio, env });
    await waitForPort(storePort, child);
    return child;
  };
  const startOrigin = async () => {
    const child = spawn(bin, ['serve', '--separate-store', '--client-dir', clientDir, ...(options.serveArgs ?? []), ...common], { stdio, env });
    await waitForHttp(`${origin}/`, child);
    return child;
  };
  const studio = {
    origin,
    storeOrigin,
    link: '',
    studioLink: '',
    publishLog: '',
    gallery: '',
    token: '',
    cli: (args: string[]) => execFileSync(bin, [...args, '--data-dir', data], { encoding: 'utf8', env }),
    store: await startStore(),
    server: await startOrigin(),
    killOrigin: async () => kill(studio.server, 'SIGKILL'),
    killStore: async () => kill(studio.store, 'SIGKILL'),
    restartStore: async () => {
      await kill(studio.store, 'SIGKILL');
      studio.store = await startStore();
    },
    restartOrigin: async () => {
      await kill(studio.server, 'SIGTERM');
      studio.server = await startOrigin();
    },
    stop: async () => {
      await kill(studio.server, 'SIGTERM');
      await kill(studio.store, 'SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
  const published = spawnSync(bin, ['publish', samples, '--title', 'Sample wedding', ...(options.publishArgs ?? []), ...common], { encoding: 'utf8', env });
  if (published.status !== 0) throw new Error(`publish failed:\n${published.stderr}`);
  const out = published.stdout;
  studio.publishLog = published.stdout + published.stderr;
  const link = out.match(/^Share link: (\S+)$/m)?.[1];
  if (!link) throw new Error(`publish printed no share link:\n${out}`);
  studio.link = link;
  studio.studioLink = out.match(/^Studio page: (\S+)$/m)?.[1] ?? '';
  [studio.gallery, studio.token] = link.split('#/g/')[1].split('/');
  return studio;
}

export interface Origins {
  /** http://127.0.0.1:PORT of each origin, in the studio's order (A, B, ...). */
  origins: string[];
  servers: ChildProcess[];
  storeOrigin: string;
  store: ChildProcess;
  /** The share link publish printed (on the first origin). */
  link: string;
  gallery: string;
  token: string;
  /** Sends `signal` to origin `i` (SIGSTOP freezes it, SIGCONT wakes it);
   * SIGKILL waits until it is gone. */
  signal: (i: number, signal: NodeJS.Signals) => Promise<void>;
  /** Runs a `proofline` subcommand on the shared database; answers its stdout. */
  cli: (args: string[]) => string;
  stop: () => Promise<void>;
}

export interface OriginsOptions {
  /** How many origins (default 2). */
  count?: number;
  /** The database every origin shares: a `postgres://` URL (passed as
   * `--database`), or nothing for the SQLite file in the shared data
   * directory. Default: PROOFLINE_E2E_DATABASE. */
  database?: string;
  serveArgs?: string[];
}

/** Several origins of one studio: `count` `proofline serve` processes on one
 * database and one object store (its own `proofline store` process, so it
 * outlives any origin), all with the same `--origins` list, as a studio
 * would run them behind a failover-aware app. */
export async function startOrigins(options: OriginsOptions = {}): Promise<Origins> {
  const bin = required('PROOFLINE_BIN');
  const clientDir = required('PROOFLINE_CLIENT_DIR');
  const samples = required('PROOFLINE_SAMPLES');
  const database = options.database ?? process.env.PROOFLINE_E2E_DATABASE ?? '';
  const databaseArgs = database.startsWith('postgres') ? ['--database', database] : [];
  const data = mkdtempSync(join(tmpdir(), 'proofline-e2e-origins-'));
  const ports: number[] = [];
  for (let i = 0; i < (options.count ?? 2); i++) ports.push(await freePort());
  const storePort = await freePort();
  const origins = ports.map((p) => `http://127.0.0.1:${p}`);
  const shared = ['--store-listen', `127.0.0.1:${storePort}`, '--data-dir', data, '--origins', origins.join(','), ...databaseArgs];
  const stdio: ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];
  const store = spawn(bin, ['store', '--public-url', origins[0], ...shared], { stdio });
  await waitForPort(storePort, store);
  // One after the other: the first creates the database.
  const servers: ChildProcess[] = [];
  for (const [i, port] of ports.entries()) {
    const child = spawn(
      bin,
      ['serve', '--separate-store', '--client-dir', clientDir, '--listen', `127.0.0.1:${port}`, '--public-url', origins[i], ...(options.serveArgs ?? []), ...shared],
      { stdio },
    );
    await waitForHttp(`${origins[i]}/`, child);
    servers.push(child);
  }
  const cliArgs = ['--public-url', origins[0], ...shared];
  const published = spawnSync(bin, ['publish', samples, '--title', 'Sample wedding', ...cliArgs], { encoding: 'utf8' });
  if (published.status !== 0) throw new Error(`publish failed:\n${published.stderr}`);
  const link = published.stdout.match(/^Share link: (\S+)$/m)?.[1];
  if (!link) throw new Error(`publish printed no share link:\n${published.stdout}`);
  const [gallery, token] = link.split('#/g/')[1].split('/');
  return {
    origins,
    servers,
    storeOrigin: `http://127.0.0.1:${storePort}`,
    store,
    link,
    gallery,
    token,
    signal: async (i, signal) => {
      if (signal === 'SIGKILL') return kill(servers[i], signal);
      servers[i].kill(signal);
    },
    cli: (args) => execFileSync(bin, [...args, ...cliArgs], { encoding: 'utf8' }),
    stop: async () => {
      for (const server of servers) {
        server.kill('SIGCONT');
        await kill(server, 'SIGTERM');
      }
      await kill(store, 'SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** A browser profile that outlives its windows, like a phone's: closing it
 * and launching it again on the same folder keeps IndexedDB and the service
 * worker. */
export async function launchPhone(userDataDir: string): Promise<BrowserContext> {
  const launch = config.use?.launchOptions ?? {};
  return chromium.launchPersistentContext(userDataDir, { ...launch, headless: true });
}

/** A new link for the studio's gallery, as `proofline link create` prints it. */
export function createLink(studio: Studio, args: string[]): { id: string; url: string } {
  const out = studio.cli(['link', 'create', studio.gallery, ...args]);
  const m = out.match(/^Share link (\S+)[^:]*: \S+(#\/g\/\S+)$/m);
  if (!m) throw new Error(`link create printed no link:\n${out}`);
  return { id: m[1], url: `${studio.origin}/${m[2]}` };
}

/** What the device files one share link's data under (the app's
 * `proofline_core::route::LinkKey`): `{gallery}:{device key}`, the device key
 * being 32 hex characters of SHA-256("proofline device key\0" + token). */
export function linkKey(gallery: string, token: string): string {
  const device = createHash('sha256').update(`proofline device key\0${token}`).digest('hex').slice(0, 32);
  return `${gallery}:${device}`;
}

/** The link key of a share link's URL (`…#/g/{gallery}/{token}`). */
export function linkKeyOf(url: string): string {
  const [gallery, token] = url.split('#/g/')[1].split('/');
  return linkKey(gallery, token);
}

/** What the device keeps: photos (shared by every link), and the saved copy,
 * confirmed choices and queued choices filed under `key` (a link key, or a
 * bare gallery id where an older app filed them), read from IndexedDB in the
 * page. `activity` counts the visits and saved-offline counts queued beside
 * the choices (`outbox` counts choices only). */
export async function deviceHolds(page: Page, key: string) {
  return page.evaluate(async (key) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const r = indexedDB.open('proofline');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = (store: string, query?: IDBKeyRange | string): Promise<unknown[]> =>
      new Promise((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAll(query);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const inDb = (await all('outbox', IDBKeyRange.bound(`${key}/`, `${key}/\uffff`))) as string[];
    // Choices IndexedDB refused, kept in localStorage (see outbox/spill.rs).
    const spilled: unknown[] = JSON.parse(localStorage.getItem(`proofline.spilled-ops.${key}`) ?? '[]');
    const queued = [...inDb.map((op) => JSON.parse(op)), ...spilled] as { kind: string }[];
    const isActivity = (op: { kind: string }) => ['opened', 'saved_offline'].includes(op.kind);
    const held = {
      photos: (await all('entries')).length,
      galleries: (await all('galleries', key)).length,
      choices: (await all('choices', key)).length,
      outbox: queued.filter((op) => !isActivity(op)).length,
      activity: queued.filter(isActivity).length,
      spilled: spilled.length,
    };
    db.close();
    return held;
  }, key);
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
