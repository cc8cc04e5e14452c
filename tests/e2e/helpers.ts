/**
 * Browser tests: the real server in-process on a fresh PGlite, driven by Debian's Chromium.
 *
 * Environment:
 * - CHROMIUM_PATH: the browser (default /usr/bin/chromium).
 * - E2E_BUILD_DIR: a copy of build/ inside the repo (for example tmp/e2e-build) to test instead of build/.
 * - E2E_SCREENSHOTS: a directory; `snap()` saves full-page PNGs there.
 * - E2E_LOG_LEVEL: the server's log level (default silent).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createConcerto, type Concerto } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/db.ts';
import { openPglite } from '../../server/db/pglite-db.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// E2E_BUILD_DIR points at a copy of build/ (inside the repo, so its imports still resolve):
// a colleague's `npm run build` then cannot swap the files under a running test.
const buildDir = process.env.E2E_BUILD_DIR ? resolve(repoRoot, process.env.E2E_BUILD_DIR) : join(repoRoot, 'build');
const handlerPath = join(buildDir, 'handler.js');
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Builds the pages once when build/handler.js is missing (`npm test` builds before this tier). */
export function ensureBuilt(): void {
  if (existsSync(handlerPath)) return;
  if (process.env.E2E_BUILD_DIR) throw new Error(`E2E_BUILD_DIR is set but ${handlerPath} is missing`);
  execSync('npm run build', { cwd: repoRoot, stdio: 'inherit' });
  if (!existsSync(handlerPath)) throw new Error('`npm run build` did not produce build/handler.js');
}

export interface E2eApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  concerto: Concerto;
  /** The server's in-memory PGlite, for arranging what the UI cannot (an expired link). */
  db: Db;
  close(): Promise<void>;
}

/**
 * The real server in this process, wired as server/main.ts wires it: the built SvelteKit
 * handler mounted last, told the request's protocol through our own header (STACK.md trap 3),
 * on a fresh in-memory PGlite and a free port.
 */
export async function startApp(): Promise<E2eApp> {
  ensureBuilt();
  // adapter-node reads PROTOCOL_HEADER when its module loads.
  process.env.PROTOCOL_HEADER = 'x-concerto-proto';
  const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: RequestHandler };
  const webHandler: RequestHandler = (req, res, next) => {
    req.headers['x-concerto-proto'] = req.protocol;
    handler(req, res, next);
  };
  const db = await openPglite();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent' }, version);
  const concerto = await createConcerto({ config, db, webHandler });
  const { port } = await concerto.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    concerto,
    db,
    async close() {
      await concerto.close();
      await db.close();
    }
  };
}

/** Debian's Chromium, headless, with the flags it needs when run as root here (STACK.md trap 14). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  });
}

/** One person's browser: own cookies, French by default, a laptop-sized window. */
export async function newPerson(browser: Browser, app: E2eApp, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: app.url, locale: 'fr-FR', viewport: { width: 1024, height: 800 }, ...opts });
  // Pages answer in well under a second here; a missing element should fail fast, not after 30 s.
  context.setDefaultTimeout(10_000);
  return context;
}

const COOKIE_ATTRIBUTE = /^(path|expires|max-age|domain|samesite|priority)$/i;

/**
 * A new person's browser (see `newPerson`), signed in with `cookie` when given: a Cookie header
 * (`a=1; b=2`) or a Set-Cookie line (its attributes are left out). The context is added to
 * `contexts`, for the caller to close. E2E_DEBUG=1 prints the page's console and errors.
 */
export async function openPage(browser: Browser, app: E2eApp, contexts: BrowserContext[], cookie: string | null, opts: BrowserContextOptions = {}): Promise<Page> {
  const context = await newPerson(browser, app, opts);
  contexts.push(context);
  if (process.env.E2E_DEBUG) {
    context.on('console', (msg) => console.log('[browser]', msg.type(), msg.text()));
    context.on('weberror', (err) => console.log('[browser error]', err.error().message));
  }
  if (cookie) {
    const pairs = cookie
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.includes('=') && !COOKIE_ATTRIBUTE.test(part.split('=')[0]));
    await context.addCookies(pairs.map((pair) => {
      const [name, ...rest] = pair.split('=');
      return { name, value: rest.join('='), url: app.url };
    }));
  }
  return context.newPage();
}

/** Saves a full-page screenshot the test is asked to produce, as `<dir>/<name>.png`. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation,
 * printing each one with the elements concerned.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}`).join('\n')}`
  );
  if (report.length) console.error(`axe on ${page.url()}:\n${report.join('\n')}`);
  expect(report, `serious or critical axe violations on ${page.url()}`).toEqual([]);
}

/** The page fits its window: nothing to scroll sideways (360 px phones, 200 % zoom). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

/** Saves a full-page screenshot under $E2E_SCREENSHOTS (when set), for looking at the pages by eye. */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await screenshot(page, dir, name);
}

/** The pathname of the page, without origin or query: `/o/office-demo`. */
export const pathOf = (page: Page) => new URL(page.url()).pathname;
