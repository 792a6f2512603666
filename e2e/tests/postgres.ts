import { spawn } from 'node:child_process';

/** A throwaway PostgreSQL server (Debian's, on loopback, in a temporary
 * directory) started by `pg-harness`, which `cargo xtask test` builds and
 * names in PROOFLINE_PG_HARNESS. `stop` shuts it down and deletes it. */
export interface Postgres {
  /** postgres://proofline@127.0.0.1:PORT/proofline */
  url: string;
  stop: () => Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = process.env.PROOFLINE_PG_HARNESS;
  if (!bin) throw new Error('PROOFLINE_PG_HARNESS is not set (cargo xtask test sets it)');
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline).trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`pg-harness exited (${code}) before printing its URL`)));
  });
  return {
    url,
    // pg-harness stops the server and deletes its directory when stdin closes.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
