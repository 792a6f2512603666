// The studio deployed as the README says: Caddy in front, over HTTPS, the app
// at its own host name and the embedded store at another
// (`--store-public-url`), Caddy's own local CA trusted by Chromium through
// its NSS database (certutil), never by ignoring certificate errors. The
// service worker registers, the gallery opens under the strict
// Content-Security-Policy with no violation, photos come signed for the
// store's public host, and it still works with the origin killed.
import { chromium } from '@playwright/test';
import config from '../playwright.config';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, freePort, kill, required, test, waitForPort } from './fixtures';
import { GalleryPage } from './gallery.page';

const APP_HOST = 'app.proofline.test';
const STORE_HOST = 'photos.proofline.test';

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, child?: ChildProcess) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within 30 s`);
}

test('over HTTPS behind Caddy: the app installs its service worker, opens the gallery under its CSP, and survives the origin dying', async () => {
  test.setTimeout(180_000);
  const bin = required('PROOFLINE_BIN');
  const clientDir = required('PROOFLINE_CLIENT_DIR');
  const samples = required('PROOFLINE_SAMPLES');
  const dir = mkdtempSync(join(tmpdir(), 'proofline-https-'));
  const children: ChildProcess[] = [];
  try {
    const [port, storePort, httpsPort, httpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const app = `https://${APP_HOST}:${httpsPort}`;
    const photos = `https://${STORE_HOST}:${httpsPort}`;
    const common = [
      '--listen', `127.0.0.1:${port}`,
      '--store-listen', `127.0.0.1:${storePort}`,
      '--public-url', app,
      '--store-public-url', photos,
      '--data-dir', join(dir, 'data'),
    ];
    const stdio: ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];

    // Caddy: one HTTPS port, two host names, certificates from its own CA.
    const caddyfile = join(dir, 'Caddyfile');
    writeFileSync(caddyfile, `{
  admin off
  skip_install_trust
  auto_https disable_redirects
  storage file_system ${join(dir, 'caddy')}
  http_port ${httpPort}
  https_port ${httpsPort}
}
${APP_HOST}:${httpsPort} {
  bind 127.0.0.1
  tls internal
  reverse_proxy 127.0.0.1:${port}
}
${STORE_HOST}:${httpsPort} {
  bind 127.0.0.1
  tls internal
  reverse_proxy 127.0.0.1:${storePort}
}
`);
    const caddy = spawn('caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
      stdio,
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'xdg'), XDG_CONFIG_HOME: join(dir, 'xdg') },
    });
    children.push(caddy);
    const root = join(dir, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
    await waitFor('Caddy makes its CA', () => existsSync(root), caddy);
    await waitForPort(httpsPort, caddy);

    // Chromium trusts that CA through the NSS database in its HOME.
    const home = join(dir, 'home');
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'proofline-test-ca', '-i', root]);

    const store = spawn(bin, ['store', ...common], { stdio });
    children.push(store);
    await waitForPort(storePort, store);
    const startOrigin = async () => {
      const origin = spawn(bin, ['serve', '--separate-store', '--client-dir', clientDir, ...common], { stdio });
      children.push(origin);
      await waitForPort(port, origin);
      return origin;
    };
    const origin = await startOrigin();
    const published = spawnSync(bin, ['publish', samples, '--title', 'Sample wedding', ...common], { encoding: 'utf8' });
    if (published.status !== 0) throw new Error(`publish failed:\n${published.stderr}`);
    const link = published.stdout.match(/^Share link: (\S+)$/m)?.[1];
    expect(link).toMatch(new RegExp(`^${app.replace(/\./g, '\\.')}/#/g/`));

    const launch = config.use?.launchOptions ?? {};
    const browser = await chromium.launch({
      ...launch,
      args: [...(launch.args ?? []), `--host-resolver-rules=MAP *.proofline.test 127.0.0.1`],
      env: { ...process.env, HOME: home },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(() => {
        (window as any).__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          (window as any).__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const photoHosts = new Set<string>();
      page.on('request', (r) => {
        if (/\/(thumb|proof)\//.test(r.url())) photoHosts.add(new URL(r.url()).origin);
      });

      const answer = await page.goto(link!);
      const headers = answer!.headers();
      expect(headers['strict-transport-security']).toBe('max-age=31536000');
      const csp = headers['content-security-policy'];
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+'){2}/);
      expect(csp).not.toContain("'unsafe-inline'");
      expect(csp).toContain(photos);

      const gallery = new GalleryPage(page);
      await gallery.expectAllThumbnailsRendered(12);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      await gallery.waitForOfflineShell();
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL)).toBe(`${app}/sw.js`);
      expect([...photoHosts]).toEqual([photos]);
      await gallery.tile('Ceremony 01').click();
      await gallery.expectLightboxShowing('3 of 12');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);

      // The origin dies; the gallery still opens, through Caddy and the store.
      await kill(origin, 'SIGKILL');
      await page.reload();
      await expect(gallery.banner).toContainText('Studio server unreachable');
      await gallery.expectAllThumbnailsRendered(12);
      expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  } finally {
    for (const child of children.reverse()) await kill(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
