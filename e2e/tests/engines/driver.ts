// The same customer, in the engines Playwright cannot drive with Debian's
// builds: Gecko (firefox-esr) over WebDriver BiDi through puppeteer-core, and
// WebKit (WebKitGTK's MiniBrowser) through WebKitWebDriver, classic W3C
// WebDriver, under its own Xvfb. One small interface over both, so a story is
// written once and told in each engine.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { Browser as PuppeteerBrowser, Page as PuppeteerPage } from 'puppeteer-core';
import { freePort, kill, waitForPort } from '../fixtures';

export type Engine = 'firefox' | 'webkit';
export const ENGINES: Engine[] = ['firefox', 'webkit'];

/** What a story picks: a CSS selector, or a button by its accessible name
 * (its text, or its aria-label). */
export type Target = string | { button: string };

export interface EngineBrowser {
  readonly engine: Engine;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `fn(arg)` in the page (it may be async) and answers its result,
   * which must survive JSON. */
  run<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** Clicks the element as a user would (scrolled into view, real input). */
  click(target: Target): Promise<void>;
  /** Replaces an input's text by typing `text` into it. */
  fill(css: string, text: string): Promise<void>;
  /** Takes the page off the network (and back): Firefox only, through
   * WebDriver BiDi; classic WebDriver has no such command. */
  setOffline?: (offline: boolean) => Promise<void>;
  /** Presses Escape. */
  escape(): Promise<void>;
  close(): Promise<void>;
}

export function launch(engine: Engine): Promise<EngineBrowser> {
  return engine === 'firefox' ? launchFirefox() : launchWebKit();
}

function xpathOfButton(name: string): string {
  const q = JSON.stringify(name); // XPath 1.0 takes a double-quoted literal
  return `//button[normalize-space(.)=${q} or @aria-label=${q}]`;
}

// ---- Gecko: firefox-esr over WebDriver BiDi (puppeteer-core) ----

async function launchFirefox(): Promise<EngineBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'proofline-firefox-'));
  const browser: PuppeteerBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
  });
  const page: PuppeteerPage = await browser.newPage();
  const selector = (t: Target) => (typeof t === 'string' ? t : `::-p-xpath(${xpathOfButton(t.button)})`);
  return {
    engine: 'firefox',
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    run: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
    click: async (t) => {
      // A locator waits until the element is visible, enabled and still.
      await page.locator(selector(t)).setTimeout(10_000).click();
    },
    fill: async (css, text) => {
      await page.locator(css).fill(text);
    },
    setOffline: (offline) => page.setOfflineMode(offline),
    escape: async () => {
      await page.keyboard.press('Escape');
    },
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- WebKit: MiniBrowser through WebKitWebDriver, under Xvfb ----

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** An X server of its own, on the display number it picks (-displayfd). */
async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '1', '-nolisten', 'tcp', '-screen', '0', '1280x900x24'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    setTimeout(() => reject(new Error('Xvfb printed no display within 10 s')), 10_000);
  });
  return { display, child };
}

async function launchWebKit(): Promise<EngineBrowser> {
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: xvfb.display },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    await kill(driver, 'SIGTERM');
    await kill(xvfb.child, 'SIGTERM');
  };
  try {
    await waitForPort(port, driver);
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as { value: { error?: string; message?: string } & Record<string, unknown> };
      if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
      return json.value;
    };
    const created = await call('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const s = `/session/${created.sessionId as string}`;
    await call('POST', `${s}/window/rect`, { width: 1280, height: 900 });
    const find = async (t: Target): Promise<string> => {
      const by = typeof t === 'string' ? { using: 'css selector', value: t } : { using: 'xpath', value: xpathOfButton(t.button) };
      // The page renders asynchronously: look for up to 10 s, as Puppeteer does.
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          // A web element is an object with one key, the W3C element identifier.
          return Object.values(await call('POST', `${s}/element`, by))[0] as string;
        } catch (e) {
          if (Date.now() > deadline) throw new Error(`no element ${JSON.stringify(t)} in 10 s: ${e}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    return {
      engine: 'webkit',
      goto: async (url) => {
        // MiniBrowser has been seen to answer a navigation it never began
        // (the origin saw no request): asked again if the page is still
        // elsewhere (the app may rewrite its own address, not its origin).
        const origin = new URL(url).origin;
        for (let tries = 0; ; tries++) {
          await call('POST', `${s}/url`, { url });
          const now = String(await call('GET', `${s}/url`));
          if (now.startsWith(`${origin}/`) || tries === 1) return;
          console.log(`webkit: asked for ${url}, still at ${now}: asking again`);
        }
      },
      reload: async () => {
        await call('POST', `${s}/refresh`, {});
      },
      run: async (fn, arg) => {
        const script =
          'const done = arguments[arguments.length - 1];' +
          `Promise.resolve().then(() => (${fn.toString()})(arguments[0]))` +
          '.then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: String(e && e.stack || e) }));';
        const out = (await call('POST', `${s}/execute/async`, { script, args: [arg ?? null] })) as { ok?: unknown; err?: string };
        if (out.err !== undefined) throw new Error(`in the page: ${out.err}`);
        return out.ok as never;
      },
      click: async (t) => {
        await call('POST', `${s}/element/${await find(t)}/click`, {});
      },
      fill: async (css, text) => {
        const el = await find(css);
        await call('POST', `${s}/element/${el}/clear`, {});
        await call('POST', `${s}/element/${el}/value`, { text });
      },
      escape: async () => {
        await call('POST', `${s}/actions`, {
          actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: '\uE00C' }, { type: 'keyUp', value: '\uE00C' }] }],
        });
        await call('DELETE', `${s}/actions`);
      },
      close: async () => {
        await call('DELETE', s).catch(() => {});
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Polls `fn(arg)` in the page until `done` holds for its answer (by
 * default: until it is truthy); answers that, or fails with `what` and the
 * last answer. */
export async function until<A, T>(
  b: EngineBrowser,
  what: string,
  fn: (arg: A) => T | Promise<T>,
  arg: A,
  timeout = 15_000,
  done: (value: T) => boolean = Boolean,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await b.run(fn, arg);
      if (done(value)) return value;
      last = JSON.stringify(value);
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${b.engine}: ${what} (waited ${timeout} ms; last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
