// A 3-node Garage cluster on loopback, the self-hosted answer to a dead disk:
// replication factor 3, consistency mode "consistent" (reads and writes need 2
// of the 3 copies), every node with its own metadata and data directory, all
// in one zone ("studio": three disks, or three small machines, in one place).
// Node 1 is the one whose S3 port proofline signs URLs for; tests kill the
// others. And a studio (`proofline serve` + `proofline publish`) that uses the
// cluster as its external S3 store, unchanged.
//
// The `garage` binary is found as the Rust tests find it: $PROOFLINE_GARAGE,
// else ~/.cargo/bin/garage (or $CARGO_HOME/bin/garage), else PATH.
import { test as base } from '@playwright/test';
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './fixtures';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUCKET = 'proofline';
export const REGION = 'garage';
/** Garage cuts objects into blocks of this size (its default `block_size`). */
const BLOCK_SIZE = 1024 * 1024;

export function garageBin(): string {
  if (process.env.PROOFLINE_GARAGE) return process.env.PROOFLINE_GARAGE;
  const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
  const installed = join(cargoHome, 'bin', 'garage');
  return existsSync(installed) ? installed : 'garage';
}

/** `count` distinct free loopback ports (see `freePort`). */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it answers something truthy; throws
 * `what` (with the last answer or error) after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${String(last)})`);
    await sleep(100);
  }
}

// Every child process this module started and has not seen exit: killed if
// the test worker exits without tearing down (the fixtures do tear down).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

export class GarageNode {
  /** The full node id (hex public key), new for every empty metadata dir. */
  id = '';
  process: ChildProcess | null = null;
  readonly config: string;
  readonly meta: string;
  readonly data: string;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly rpcPort: number,
    readonly s3Port: number,
    rpcSecret: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.config = join(dir, 'garage.toml');
    this.meta = join(dir, 'meta');
    this.data = join(dir, 'data');
    writeFileSync(
      this.config,
      `metadata_dir = "${this.meta}"
data_dir = "${this.data}"
db_engine = "sqlite"
replication_factor = 3
consistency_mode = "consistent"
rpc_bind_addr = "127.0.0.1:${rpcPort}"
rpc_public_addr = "127.0.0.1:${rpcPort}"
rpc_secret = "${rpcSecret}"

[s3_api]
s3_region = "${REGION}"
api_bind_addr = "127.0.0.1:${s3Port}"
root_domain = ".s3.garage.localhost"
`,
    );
  }

  get alive(): boolean {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  get rpcAddr(): string {
    return `127.0.0.1:${this.rpcPort}`;
  }

  get s3Endpoint(): string {
    return `http://127.0.0.1:${this.s3Port}`;
  }

  /** Starts `garage server` on this node's config (a node with an empty
   * metadata dir makes itself a new identity) and learns its id. */
  async start(): Promise<void> {
    const log = openSync(join(this.dir, 'garage.log'), 'a');
    try {
      this.process = track(spawn(garageBin(), ['-c', this.config, 'server'], { stdio: ['ignore', log, log] }));
    } finally {
      closeSync(log);
    }
    const child = this.process;
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`cannot start Garage (${e.message}); run \`cargo xtask setup\` to install it`)));
    });
    await spawned;
    // `node id` answers from the key on disk once the server has written it,
    // before the RPC port is up; `cli` retries while the port is closed.
    const out = await waitFor(`${this.name}: garage node id`, 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name}: garage exited with ${child.exitCode} (see ${this.dir}/garage.log)`);
      return (await this.tryCli(['node', 'id', '-q'])).ok;
    });
    this.id = out.trim().split('@')[0];
  }

  /** SIGKILL, as a crash or a pulled power cord. */
  async kill(): Promise<void> {
    if (this.process) await kill(this.process, 'SIGKILL');
  }

  /** The disk is dead: its metadata and data are gone. */
  wipe(): void {
    rmSync(this.meta, { recursive: true, force: true });
    rmSync(this.data, { recursive: true, force: true });
  }

  async tryCli(args: string[]): Promise<{ ok?: string; err?: string }> {
    return new Promise((resolve) => {
      execFile(garageBin(), ['-c', this.config, ...args], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
        resolve(error ? { err: `${stderr}${error.message}` } : { ok: stdout }),
      );
    });
  }

  /** Runs a `garage` CLI command through this node, retrying while its RPC
   * port is not up yet. */
  async cli(args: string[]): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { ok, err } = await this.tryCli(args);
      if (ok !== undefined) return ok;
      if (!/Connection refused/i.test(err!) || Date.now() > deadline) throw new Error(`garage ${args.join(' ')} on ${this.name} failed: ${err}`);
      await sleep(200);
    }
  }

  /** Hashes of the data blocks stored on this node's disk
   * (`data/ab/cd/abcd….zst`, or without `.zst` when zstd did not help). */
  blocks(): Set<string> {
    const found = new Set<string>();
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else {
          const m = e.name.match(/^([0-9a-f]{64})(\.zst)?$/);
          if (m) found.add(m[1]);
        }
      }
    };
    walk(this.data);
    return found;
  }
}

/** The hashes of the blocks Garage stores `bytes` in (blake2b-512 cut to 32
 * bytes, of every `block_size` chunk), to look for them on a node's disk. */
export function blockHashes(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += BLOCK_SIZE) {
    out.push(createHash('blake2b512').update(bytes.subarray(at, at + BLOCK_SIZE)).digest('hex').slice(0, 64));
  }
  return out;
}

export interface Replacement {
  /** ms from starting the fresh node to the layout being stable again
   * (every table synced onto it). */
  metadataMs: number;
  /** The output of the repair commands. */
  repairLog: string;
}

export class GarageCluster {
  readonly keyId = 'GK' + randomBytes(12).toString('hex');
  readonly secretKey = randomBytes(32).toString('hex');
  private layoutVersion = 0;
  private replaced = 0;
  /** Every node ever started, replaced ones included: all killed on stop. */
  private readonly started: GarageNode[];

  private constructor(
    readonly root: string,
    readonly nodes: GarageNode[],
    private readonly rpcSecret: string,
  ) {
    this.started = [...nodes];
  }

  /** Node 1: the S3 endpoint proofline signs URLs for. */
  get endpoint(): GarageNode {
    return this.nodes[0];
  }

  get s3Endpoint(): string {
    return this.endpoint.s3Endpoint;
  }

  /** Starts 3 nodes, connects them, gives each a role in one zone, and
   * creates the bucket and an access key allowed to read and write it. */
  static async start(): Promise<GarageCluster> {
    const root = mkdtempSync(join(tmpdir(), 'proofline-garage-'));
    const ports = await freePorts(6);
    const secret = randomBytes(32).toString('hex');
    const nodes = [1, 2, 3].map((i) => new GarageNode(`node${i}`, join(root, `node${i}`), ports[2 * i - 2], ports[2 * i - 1], secret));
    const cluster = new GarageCluster(root, nodes, secret);
    try {
      await Promise.all(nodes.map((n) => n.start()));
      const [first, ...others] = nodes;
      for (const n of others) await first.cli(['node', 'connect', `${n.id}@${n.rpcAddr}`]);
      await cluster.waitHealthy(nodes);
      for (const n of nodes) await first.cli(['layout', 'assign', '-z', 'studio', '-c', '1G', n.id]);
      await cluster.applyLayout();
      await cluster.waitStable();
      await first.cli(['bucket', 'create', BUCKET]);
      await first.cli(['key', 'import', '--yes', '-n', 'proofline', cluster.keyId, cluster.secretKey]);
      await first.cli(['bucket', 'allow', '--read', '--write', '--owner', BUCKET, '--key', cluster.keyId]);
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  private async applyLayout(): Promise<void> {
    this.layoutVersion += 1;
    await this.endpoint.cli(['layout', 'apply', '--version', String(this.layoutVersion)]);
    // Every live node must have the new version before it counts on it.
    await waitFor(`every live node has layout version ${this.layoutVersion}`, 30_000, async () => {
      for (const n of this.nodes) {
        const show = await n.cli(['layout', 'show']);
        if (!new RegExp(`Current cluster layout version: ${this.layoutVersion}\\b`).test(show)) return false;
      }
      return true;
    });
  }

  /** Until node 1 sees `nodes` connected and healthy. */
  private async waitHealthy(nodes: GarageNode[]): Promise<void> {
    await waitFor(`${nodes.map((n) => n.name).join(', ')} healthy`, 30_000, async () => {
      const status = await this.endpoint.cli(['status']);
      const healthy = status.split('==== FAILED NODES ====')[0];
      return nodes.every((n) => healthy.includes(n.id.slice(0, 16)));
    });
  }

  /** Until a single layout version is live: every table has been synced
   * onto the nodes of the newest one. */
  async waitStable(timeoutMs = 60_000): Promise<string> {
    return waitFor('a single live layout version', timeoutMs, async () => {
      const history = await this.endpoint.cli(['layout', 'history']);
      return /single live layout version/.test(history) && history;
    });
  }

  /** Replaces the node at `index` (dead, its disk wiped) by a fresh node on
   * an empty disk, with the same config: it takes the dead node's place in
   * the layout, gets every table synced onto it, then fetches every block it
   * must hold. Answers once the layout is stable; `waitForBlocks` tells when
   * the blocks are there. */
  async replace(index: number): Promise<Replacement> {
    const dead = this.nodes[index];
    const started = Date.now();
    const fresh = new GarageNode(`node${index + 1}-replacement${++this.replaced}`, dead.dir, dead.rpcPort, dead.s3Port, this.rpcSecret);
    fresh.wipe();
    this.started.push(fresh);
    await fresh.start();
    this.nodes[index] = fresh;
    await this.endpoint.cli(['node', 'connect', `${fresh.id}@${fresh.rpcAddr}`]);
    await this.waitHealthy(this.nodes.filter((n) => n.alive));
    await this.endpoint.cli(['layout', 'remove', dead.id]);
    await this.endpoint.cli(['layout', 'assign', '-z', 'studio', '-c', '1G', fresh.id]);
    await this.applyLayout();
    // The dead node will never acknowledge the new layout: tell the cluster
    // not to wait for it. Only dead nodes' acknowledgements are skipped; the
    // live ones must still sync every table before the old version is gone.
    let repairLog = await this.endpoint.cli(['layout', 'skip-dead-nodes', '--version', String(this.layoutVersion)]);
    repairLog += await this.waitStable();
    const metadataMs = Date.now() - started;
    // The fresh node now holds every table, so it knows every block it needs
    // and has queued each one (the queue takes up to 2 s to reach its
    // count) for a fetch 2 x rpc_timeout (10 min) later; `repair blocks`
    // cannot move an entry earlier. Clear that queue and let `repair blocks`
    // queue every block for now, at full speed.
    repairLog += await waitFor(`${fresh.name} has queued every block it needs`, 30_000, async () => {
      const stats = await fresh.cli(['stats']);
      const rc = Number(stats.match(/number of RC entries:\s+(\d+)/)?.[1] ?? 0);
      const queued = Number(stats.match(/resync queue length:\s+(\d+)/)?.[1] ?? 0);
      return rc > 0 && queued >= rc && `${fresh.name}: ${rc} blocks referenced, ${queued} queued\n`;
    });
    repairLog += await fresh.cli(['worker', 'set', 'resync-tranquility', '0']);
    repairLog += await this.fetchBlocksNow(fresh);
    return { metadataMs, repairLog };
  }

  /** `garage repair clear-resync-queue` then `garage repair blocks` on `node`. */
  async fetchBlocksNow(node: GarageNode): Promise<string> {
    return (await node.cli(['repair', '--yes', 'clear-resync-queue'])) + (await node.cli(['repair', '--yes', 'blocks']));
  }

  /** Until `node` holds every block in `hashes` on its disk and has no block
   * left to fetch or in error; answers `garage stats` of the node. */
  async waitForBlocks(node: GarageNode, hashes: string[], timeoutMs = 60_000): Promise<string> {
    let state = '';
    try {
      return await waitFor(`${node.name} holds all ${hashes.length} blocks`, timeoutMs, async () => {
        const have = node.blocks();
        const missing = hashes.filter((h) => !have.has(h));
        const stats = await node.cli(['stats']);
        const errors = await node.cli(['block', 'list-errors']);
        const queue = stats.match(/resync queue length:\s+(\d+)/)?.[1];
        const errored = stats.match(/blocks with resync errors:\s+(\d+)/)?.[1];
        state = `${missing.length} missing, resync queue ${queue}, resync errors ${errored}\n${errors}`;
        return missing.length === 0 && queue === '0' && errored === '0' && !/[0-9a-f]{64}/.test(errors) && `${stats}\n${errors}`;
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${state}\n${await node.cli(['worker', 'list']).catch(String)}`);
    }
  }

  /** Kills every node and deletes every directory. */
  async stop(): Promise<void> {
    await Promise.all(this.started.map((n) => n.kill()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through \`cargo xtask test\``);
  return v;
}

export interface ClusterStudio {
  origin: string;
  link: string;
  gallery: string;
  token: string;
  publishLog: string;
  /** ms `proofline publish` took. */
  publishMs: number;
  stop: () => Promise<void>;
}

/** A studio whose store is the cluster: `proofline serve` and `proofline
 * publish` with the external-store flags pointing at node 1, credentials in
 * the standard AWS variables. Publishes PROOFLINE_SAMPLES. */
export async function startClusterStudio(cluster: GarageCluster): Promise<ClusterStudio> {
  const bin = required('PROOFLINE_BIN');
  const clientDir = required('PROOFLINE_CLIENT_DIR');
  const data = mkdtempSync(join(tmpdir(), 'proofline-garage-studio-'));
  // A copy of the photos: another run regenerating the samples cannot race us.
  const photos = join(data, 'photos');
  cpSync(required('PROOFLINE_SAMPLES'), photos, { recursive: true });
  const [port] = await freePorts(1);
  const origin = `http://127.0.0.1:${port}`;
  const common = [
    '--listen', `127.0.0.1:${port}`,
    '--data-dir', join(data, 'studio'),
    '--store-endpoint', cluster.s3Endpoint,
    '--store-bucket', BUCKET,
    '--store-region', REGION,
    '--store-path-style', 'true',
  ];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: cluster.keyId, AWS_SECRET_ACCESS_KEY: cluster.secretKey };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  const server = track(spawn(bin, ['serve', '--client-dir', clientDir, ...common], { stdio: ['ignore', 'inherit', 'inherit'], env }));
  const stop = async () => {
    await kill(server, 'SIGTERM');
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitFor(`${origin} answers`, 30_000, async () => {
      if (server.exitCode !== null) throw new Error(`proofline serve exited with ${server.exitCode}`);
      return (await fetch(`${origin}/`)).ok;
    });
    const t0 = Date.now();
    const published = spawnSync(bin, ['publish', photos, '--title', 'Sample wedding', ...common], { encoding: 'utf8', env });
    const publishMs = Date.now() - t0;
    if (published.status !== 0) throw new Error(`publish failed:\n${published.stdout}${published.stderr}`);
    const link = published.stdout.match(/^Share link: (\S+)$/m)?.[1];
    if (!link) throw new Error(`publish printed no share link:\n${published.stdout}`);
    const [gallery, token] = link.split('#/g/')[1].split('/');
    return { origin, link, gallery, token, publishLog: published.stdout + published.stderr, publishMs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A test with a fresh cluster and a studio on it, both torn down (processes
 * killed, directories deleted) even when the test fails or times out. */
export const test = base.extend<{ cluster: GarageCluster; studio: ClusterStudio }>({
  cluster: async ({}, use) => {
    const cluster = await GarageCluster.start();
    try {
      await use(cluster);
    } finally {
      await cluster.stop();
    }
  },
  studio: async ({ cluster }, use) => {
    const studio = await startClusterStudio(cluster);
    try {
      await use(studio);
    } finally {
      await studio.stop();
    }
  },
});

export { expect } from '@playwright/test';
