// Real receivers for the studio's notifications: the SMTP server the Rust
// tests use (Debian's aiosmtpd, run by test-support's smtp_server.py) and an
// HTTP server taking webhook POSTs.
import { spawn, ChildProcess } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, kill } from './fixtures';

/** One message the SMTP server took, as Python's MIME parser read it. */
export interface Mail {
  from: string;
  to: string;
  subject: string;
  message_id: string;
  text: string;
  attachments: { filename: string; content_type: string; content: string }[];
  /** When the server wrote it down (ms since the epoch). */
  at: number;
}

export interface Inbox {
  /** `smtp://USER:PASSWORD@127.0.0.1:PORT` for `--smtp-url`. */
  url: string;
  /** Every message taken so far, in order. */
  messages: () => Mail[];
  stop: () => Promise<void>;
}

const SCRIPT = join(__dirname, '..', '..', 'crates', 'test-support', 'src', 'smtp_server.py');

/** An SMTP server on loopback requiring a user name and password. */
export async function startInbox(): Promise<Inbox> {
  const dir = mkdtempSync(join(tmpdir(), 'proofline-mail-'));
  const port = await freePort();
  const [user, password] = ['studio', 'mail-pass'];
  const child: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, String(port), dir, user, password], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP server exited (${code}); is python3-aiosmtpd installed (cargo xtask setup)?`)));
    child.stdout!.once('data', (d: Buffer) => (d.toString().startsWith('ready') ? resolve() : reject(new Error(d.toString()))));
  });
  return {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    messages: () =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .sort()
        .map((n) => ({ ...JSON.parse(readFileSync(join(dir, n), 'utf8')), at: statSync(join(dir, n)).mtimeMs })),
    stop: async () => {
      child.stdin!.end();
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A webhook POST as it arrived. */
export interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  hooks: Hook[];
  stop: () => Promise<void>;
}

/** An HTTP server on loopback answering every POST with 204. */
export async function startReceiver(): Promise<Receiver> {
  const hooks: Hook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/proofline`,
    hooks,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
