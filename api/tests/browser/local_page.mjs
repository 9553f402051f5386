// Debian's Chromium for the browser tests, kept on this machine, and a watch on a page
// for what must never happen: a request or websocket to another host, a
// Content-Security-Policy violation, an error in the console or an uncaught exception.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

/** The environment variable `name`, which must be set. */
export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** The hosts a page may reach: the test server's. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Schemes that never leave the page. */
const INLINE_SCHEMES = new Set(['data:', 'blob:', 'about:']);

/**
 * Launches headless Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) with every host
 * name but localhost unresolvable, as on a machine without network.
 */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
    ],
  });
}

/**
 * Watches `page` and returns the list its problems are added to: requests and
 * websockets to other hosts, CSP violations, console errors and uncaught exceptions.
 */
export async function watch(page) {
  const problems = [];
  const checkUrl = (kind, url) => {
    const parsed = new URL(url);
    if (!INLINE_SCHEMES.has(parsed.protocol) && !LOCAL_HOSTS.has(parsed.hostname)) {
      problems.push(`${kind} to another host: ${url}`);
    }
  };
  page.on('request', (request) => checkUrl('request', request.url()));
  page.on('websocket', (socket) => checkUrl('websocket', socket.url()));
  page.on('pageerror', (error) => problems.push(`uncaught error in the page: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  // Chromium reports violations in the console too; the event also names the directive.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });
  return problems;
}

/** Fails with every problem seen, if any. */
export function assertNoProblems(problems) {
  if (problems.length) throw new Error(`the page misbehaved:\n${problems.join('\n')}`);
}

/** Saves a screenshot (of the full page unless told otherwise) at `path`, creating its folder. */
export async function screenshot(page, path, { fullPage = true } = {}) {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage });
  console.log(`screenshot: ${path}`);
}

/** How long one step may wait for the page, unless a script says otherwise. */
const STEP_TIMEOUT_MS = 20_000;

/**
 * Runs a browser script: `run(page)` in a fresh page (`viewport`, each step waiting at most
 * `stepTimeout`) of a fresh browser from [`launch`]; saves a screenshot at `shot` after a
 * failure (and after success too when `always`), closes the browser, and prints
 * "`name` passed", or the failure before exiting with 1.
 */
export async function runInPage(
  name,
  { viewport = { width: 1280, height: 900 }, stepTimeout = STEP_TIMEOUT_MS, shot, always = false },
  run,
) {
  try {
    const browser = await launch();
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(stepTimeout);
    let failure;
    try {
      await run(page);
    } catch (error) {
      failure = error;
    }
    if (shot && (failure || always)) await screenshot(page, shot);
    await browser.close();
    if (failure) throw failure;
    console.log(`${name} passed`);
  } catch (error) {
    console.error(`${name} failed: ${error.stack ?? error}`);
    process.exit(1);
  }
}

/**
 * Rings `sale` up at the POS simulator at `simUrl` (its `/_sim/stock` endpoint), within
 * `timeoutMs`; throws when the simulator refuses it.
 */
export async function recordSale(simUrl, sale, timeoutMs) {
  const response = await fetch(new URL("/_sim/stock", simUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(sale),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    throw new Error(`the sale failed: ${response.status} ${await response.text()}`);
  }
}
