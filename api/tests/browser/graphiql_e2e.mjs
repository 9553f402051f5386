// GraphiQL at /graphql in headless Chromium (Debian's package, driven by playwright-core),
// with every host but localhost unresolvable. Run by api/tests/graphiql.rs, which starts
// Canopy and passes everything through environment variables:
//
//   GRAPHIQL_URL     the page, e.g. http://127.0.0.1:41234/graphql
//   QUERY            a query to type into the editor
//   EXPECTED         text its result must show
//   SUBSCRIPTION     a subscription to type next, which must reach /graphql/ws
//   SCREENSHOT_PATH  where to save a screenshot of the result (or of the failure), PNG
//   CHROMIUM_PATH    the browser (default /usr/bin/chromium)
//
// Exits 0 when the schema's introspection was accepted (the documentation explorer shows
// it), a dialog opened, the query typed on the keyboard ran and its result showed in the result
// pane, the subscription opened a graphql-transport-ws session at /graphql/ws that the
// server acknowledged, and nothing was requested from another host, broke the page's
// Content-Security-Policy or logged an error.

import { required, step } from './admin_steps.mjs';
import { assertNoProblems, runInPage, screenshot, watch } from './local_page.mjs';

const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';

async function run(page, config) {
  const problems = await watch(page);

  step('open GraphiQL');
  await page.goto(config.url);
  const editor = page.locator(QUERY_EDITOR);
  await editor.waitFor();

  step('the documentation explorer shows the schema (its introspection was accepted)');
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.locator('.graphiql-doc-explorer', { hasText: 'subscription: Subscription' }).waitFor();

  step('a dialog opens within the Content-Security-Policy');
  await page.getByRole('button', { name: 'Open settings dialog' }).click();
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  step('type the query');
  await typeInto(page, editor, config.query);
  step(`the editor holds: ${await editorText(page)}`);

  step('run it and read the result pane');
  await page.getByRole('button', { name: /^Execute query/ }).click();
  const result = page.locator('.graphiql-response', { hasText: config.expected });
  await result.waitFor();
  step(`result: ${(await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ')}`);
  await screenshot(page, config.screenshot);

  step('type a subscription and run it over /graphql/ws');
  await typeInto(page, editor, config.subscription);
  // The frames are watched from the moment the socket opens: the acknowledgement comes
  // before the subscription is sent.
  const opened = new Promise((resolve) => {
    page.once('websocket', (socket) => {
      const frame = (event, type) =>
        socket.waitForEvent(event, (message) => JSON.parse(message.payload).type === type);
      resolve({
        ws: socket,
        handshake: Promise.all([frame('framereceived', 'connection_ack'), frame('framesent', 'subscribe')]),
      });
    });
  });
  await page.getByRole('button', { name: /^Execute query/ }).click();
  const { ws, handshake } = await opened;
  const url = new URL(ws.url());
  if (url.pathname !== '/graphql/ws' || url.host !== new URL(config.url).host) {
    throw new Error(`the subscription went to ${ws.url()}`);
  }
  await handshake;
  step(`subscribed at ${ws.url()}, acknowledged`);

  assertNoProblems(problems);
}

/** Clears the query editor and types `text` into it, key by key. */
async function typeInto(page, editor, text) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  // Close any completion list the last word opened.
  await page.keyboard.press('Escape');
  const typed = await editorText(page);
  if (squash(typed) !== squash(text)) {
    throw new Error(`the editor holds ${JSON.stringify(typed)} after typing ${JSON.stringify(text)}`);
  }
  // GraphiQL parses the editor 100 ms after the last key (and then saves it): before
  // that, Execute would run the previous document.
  await page.waitForFunction(
    (selector) => localStorage.getItem('graphiql:query') === document.querySelector(selector).CodeMirror.getValue(),
    QUERY_EDITOR,
  );
}

/** What the query editor holds (CodeMirror's own value, not the rendered lines). */
function editorText(page) {
  return page.evaluate((selector) => document.querySelector(selector).CodeMirror.getValue(), QUERY_EDITOR);
}

/** `text` without its whitespace, to compare what was typed with what the editor holds. */
function squash(text) {
  return text.replace(/\s+/g, '');
}

const config = {
  url: required('GRAPHIQL_URL'),
  query: required('QUERY'),
  expected: required('EXPECTED'),
  subscription: required('SUBSCRIPTION'),
  screenshot: required('SCREENSHOT_PATH'),
};
runInPage(
  'GraphiQL e2e',
  { viewport: { width: 1280, height: 800 }, shot: config.screenshot },
  (page) => run(page, config),
);
