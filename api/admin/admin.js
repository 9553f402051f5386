// The Canopy admin page: sign in with an admin token, then manage point-of-sale
// connections, alerts and the audit log through Canopy's GraphQL API.
//
// No framework and no build step. Everything shown is built with DOM calls
// (text is never parsed as HTML). The token lives in sessionStorage only, so it
// is gone when the tab closes.

const TOKEN_KEY = 'canopy.adminToken';
const REQUEST_TIMEOUT_MS = 20_000;
const REFRESH_EVERY_MS = 15_000;
const SYNC_POLL_MS = 1_000;
const SYNC_WAIT_MS = 120_000;
const AUDIT_PAGE = 20;

const HEALTH = {
  HEALTHY: { label: 'Healthy', icon: '✓' },
  DEGRADED: { label: 'Degraded', icon: '!' },
  FAILING: { label: 'Failing', icon: '✕' },
  UNKNOWN: { label: 'Not synced yet', icon: '…' },
  DISABLED: { label: 'Disabled', icon: '⏸' },
};
// The sync state (syncStatus.state); its badge also carries the health class.
const STATE = {
  PENDING: { label: 'Not synced yet', icon: '…' },
  HEALTHY: { label: 'Healthy', icon: '✓' },
  DEGRADED: { label: 'Degraded', icon: '!' },
  FAILING: { label: 'Failing', icon: '✕' },
};
const SEVERITY = { INFO: 'Info', WARNING: 'Warning', CRITICAL: 'Critical' };
const ERROR_WORDS = {
  UNAUTHENTICATED: 'the credentials were refused',
  UNAUTHORIZED: 'the credentials were refused',
  FORBIDDEN: 'the credentials lack a permission',
  UPSTREAM_UNAVAILABLE: 'the point of sale did not answer',
  RATE_LIMITED: 'the point of sale asked us to slow down',
  NOT_FOUND: 'not found',
  BAD_USER_INPUT: 'a setting is not valid',
  INTERNAL: 'an unexpected error',
};

const CONNECTION_FIELDS = `
  id kind name baseUrl apiKeyHint hasApiSecret hasWebhookSecret enabled
  pollIntervalSeconds fullSyncIntervalSeconds settings webhookUrl
  locations { id name }
  syncStatus { state cause lastSuccessAt lagSeconds lastError nextRunAt running
    lastRun { startedAt finishedAt read applied rejected
      endpoints { endpoint read applied rejected skipped reasons } } }
  health`;
const Q = {
  kinds: `query AdminPosKinds { posKinds {
    kind label settings { name label help required secret example } } }`,
  connections: `query AdminConnections { providerConnections { ${CONNECTION_FIELDS} } }`,
  connection: `query AdminConnection($id: ID!) { providerConnection(id: $id) { ${CONNECTION_FIELDS} } }`,
  create: `mutation AdminCreate($input: CreateProviderConnectionInput!) {
    createProviderConnection(input: $input) { ${CONNECTION_FIELDS} } }`,
  update: `mutation AdminUpdate($id: ID!, $input: UpdateProviderConnectionInput!) {
    updateProviderConnection(id: $id, input: $input) { ${CONNECTION_FIELDS} } }`,
  remove: `mutation AdminDelete($id: ID!) { deleteProviderConnection(id: $id) }`,
  test: `mutation AdminTest($id: ID!) { testProviderConnection(id: $id) {
    ok identity permissions errorCode errorMessage latencyMs locations { externalId name } } }`,
  sync: `mutation AdminSync($id: ID!) { triggerSync(id: $id) { ${CONNECTION_FIELDS} } }`,
  alerts: `query AdminAlerts($open: Boolean) { alerts(open: $open) {
    id severity kind message details occurrences createdAt lastSeenAt resolvedAt resolvedBy
    connection { id name } location { id name } product { id name } } }`,
  resolve: `mutation AdminResolve($id: ID!) { resolveAlert(id: $id) { id } }`,
  matches: `query AdminMatches($status: MatchStatus) { productMatches(status: $status) {
    id rule status conflict externalId evidence createdAt decidedBy connectionId
    product { id name brand } otherProduct { id name brand } } }`,
  merge: `mutation AdminMerge($targetId: ID!, $sourceId: ID!) {
    mergeProducts(targetId: $targetId, sourceId: $sourceId) { id name } }`,
  split: `mutation AdminSplit($productId: ID!, $connectionId: ID!) {
    splitProduct(productId: $productId, connectionId: $connectionId) { id name } }`,
  audit: `query AdminAudit($first: Int, $after: String) { auditLog(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id actor action targetType targetId before after at } } } }`,
};

const state = {
  kinds: [], // the registered POS kinds (Query.posKinds), in the server's order
  connections: null, // null while loading
  connectionsError: null,
  results: new Map(), // connection id -> { tone, text } of the last test or sync
  busy: new Map(), // connection id -> 'test' | 'sync' | 'delete'
  openSettings: new Set(), // connection ids whose settings are unfolded
  editing: null, // the connection being edited, or null when adding
  alerts: null,
  alertsError: null,
  matches: null, // { suggested, conflicts } while loaded
  matchesError: null,
  audit: { entries: [], total: 0, next: null, loading: true, error: null },
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- the API --

class ApiError extends Error {
  constructor(message, code, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Runs one GraphQL document; resolves to `data` or throws an ApiError in words. */
async function gql(query, variables = {}, { signingIn = false } = {}) {
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiError(
      error?.name === 'TimeoutError'
        ? 'The server took too long to answer. Try again in a moment.'
        : 'Could not reach the Canopy server. Check your connection and try again.',
      'NETWORK',
    );
  }
  if (response.status === 429) {
    const wait = response.headers.get('retry-after');
    throw new ApiError(`Too many requests. Wait ${wait ? `${wait} seconds` : 'a moment'} and try again.`, 'RATE_LIMITED');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The server sent an unexpected answer (HTTP ${response.status}). Try again.`, 'INTERNAL');
  }
  const [first] = body.errors ?? [];
  if (first) {
    const code = first.extensions?.code ?? 'INTERNAL';
    if (code === 'UNAUTHENTICATED' && !signingIn) {
      signOut('Your session has ended. Sign in again with a fresh admin token.');
    }
    throw new ApiError(first.message, code, first.extensions?.field);
  }
  return body.data;
}

// ------------------------------------------------------------ DOM helpers --

/** `h('p', { class: 'x', onclick: f }, 'text', child)`: an element; strings become text nodes. */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return element;
}

/** Replaces the children of `container`, keeping keyboard focus on the same control. */
function replace(container, ...children) {
  const focusKey = container.contains(document.activeElement)
    ? document.activeElement.dataset.key
    : undefined;
  container.replaceChildren(...children.flat());
  container.removeAttribute('aria-busy');
  if (focusKey) container.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

let announceTimer;
/** Says `message` in the live region (and shows it at the top of the page). */
function announce(message, tone = 'info') {
  const status = $('status');
  clearTimeout(announceTimer);
  status.textContent = '';
  status.className = `status ${tone}`;
  // A fresh text node after a tick makes screen readers repeat an identical message.
  announceTimer = setTimeout(() => {
    status.textContent = message;
  }, 50);
}

function placeholder(text) {
  return h('p', { class: 'placeholder' }, text);
}

function errorNotice(error, retry) {
  return h('div', { class: 'notice error' },
    h('p', {}, error.message),
    h('button', { type: 'button', class: 'secondary', onclick: retry, 'data-key': 'retry' }, 'Try again'));
}

// ------------------------------------------------------------- formatting --

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function ago(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return Math.abs(seconds) < 5 ? 'just now' : relative.format(value, unit);
    value = Math.round(value / size);
  }
  return absolute.format(new Date(iso));
}

function timeElement(iso) {
  if (!iso) return 'never';
  return h('time', { datetime: iso, title: absolute.format(new Date(iso)) }, ago(iso));
}

function duration(seconds) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} min` : ''}`;
}

function humanise(identifier) {
  const words = String(identifier)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value from settings, alert details or the audit log, in words rather than JSON. */
function describe(value) {
  if (value == null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map(describe).join(', ') : 'none';
  if (typeof value === 'object') {
    const parts = Object.entries(value).map(([key, inner]) => `${humanise(key).toLowerCase()}: ${describe(inner)}`);
    return parts.length ? parts.join('; ') : 'none';
  }
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function plural(count, word, many = `${word}s`) {
  return `${count} ${count === 1 ? word : many}`;
}

// ---------------------------------------------------------------- session --

function showSignedIn(signedIn) {
  $('sign-in').hidden = signedIn;
  $('dashboard').hidden = !signedIn;
  $('section-nav').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(refreshTimer);
  showSignedIn(false);
  $('token').value = '';
  $('token').focus();
  announce(message ?? 'Signed out.', message ? 'error' : 'info');
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) {
    fieldError('token', 'Paste your admin token first.');
    return;
  }
  fieldError('token', null);
  sessionStorage.setItem(TOKEN_KEY, token);
  announce('Signing in…');
  try {
    await gql('query AdminSignIn { providerConnections { id } }', {}, { signingIn: true });
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    const words = {
      UNAUTHENTICATED: 'This token was not accepted. It may have expired or been copied incompletely.',
      FORBIDDEN: 'This token works, but it is not an admin token.',
    };
    fieldError('token', words[error.code] ?? error.message);
    announce('Sign-in failed.', 'error');
    return;
  }
  $('token').value = '';
  startDashboard();
  announce('Signed in.', 'success');
  $('connections-heading').focus();
}

// `serve --demo` serves its tokens at /demo/session; any other server answers 404 and
// the offer stays hidden.
const DEMO_SESSION_PATH = '/demo/session';

async function offerDemoToken() {
  let session;
  try {
    const response = await fetch(DEMO_SESSION_PATH, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    session = await response.json();
  } catch {
    return;
  }
  if (typeof session?.adminToken !== 'string') return;
  $('demo-sign-in').hidden = false;
  $('use-demo-token').addEventListener('click', () => {
    $('token').value = session.adminToken;
    $('sign-in-form').requestSubmit();
  });
}

let refreshTimer;
function startDashboard() {
  showSignedIn(true);
  resetForm();
  loadKinds().finally(() => loadConnections());
  loadAlerts();
  loadMatches();
  loadAudit();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => {
    if (document.visibilityState === 'visible') {
      loadConnections({ quiet: true });
      loadAlerts({ quiet: true });
    }
  }, REFRESH_EVERY_MS);
}

// ------------------------------------------------------------- POS kinds --

/** Reads the registered POS kinds and offers them in the form's Kind select. */
async function loadKinds() {
  try {
    state.kinds = (await gql(Q.kinds)).posKinds;
  } catch (error) {
    announce(`Could not read the point-of-sale kinds: ${error.message}`, 'error');
    return;
  }
  const select = $('f-kind');
  const chosen = select.value;
  select.replaceChildren(...state.kinds.map((kind) => h('option', { value: kind.kind }, kind.label)));
  if (chosen) select.value = chosen;
  updateSettingsHint();
}

/** A kind's name for people, or the kind itself before the kinds are read. */
function kindLabel(kind) {
  return state.kinds.find((known) => known.kind === kind)?.label ?? kind;
}

// ------------------------------------------------------------ connections --

async function loadConnections({ quiet = false } = {}) {
  if (!quiet) $('connections').setAttribute('aria-busy', 'true');
  try {
    state.connections = (await gql(Q.connections)).providerConnections;
    state.connectionsError = null;
  } catch (error) {
    if (quiet && state.connections) return; // keep showing what we have
    state.connectionsError = error;
  }
  renderConnections();
}

/**
 * Follows the sync the server starts by itself when a connection is added, re-enabled
 * or changed: re-reads the connection every second, so the card shows “Syncing now…”
 * and then the run's outcome, until a run newer than `since` has finished.
 */
async function followSync(connection, since = connection.syncStatus.lastRun?.finishedAt ?? null) {
  const deadline = Date.now() + SYNC_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SYNC_POLL_MS));
    let current;
    try {
      current = (await gql(Q.connection, { id: connection.id })).providerConnection;
    } catch {
      return; // the periodic refresh shows the outcome
    }
    if (!current) return;
    putConnection(current);
    const finished = current.syncStatus.lastRun?.finishedAt ?? null;
    if (!current.syncStatus.running && finished && finished !== since) {
      loadAlerts({ quiet: true });
      return;
    }
  }
}

function putConnection(connection) {
  const list = state.connections ?? [];
  const at = list.findIndex((c) => c.id === connection.id);
  state.connections = at < 0 ? [...list, connection] : list.map((c, i) => (i === at ? connection : c));
  renderConnections();
}

function renderConnections() {
  const container = $('connections');
  if (state.connectionsError) {
    replace(container, errorNotice(state.connectionsError, () => loadConnections()));
  } else if (!state.connections) {
    replace(container, placeholder('Loading connections…'));
  } else if (state.connections.length === 0) {
    replace(container, h('div', { class: 'empty' },
      h('p', {}, h('strong', {}, 'No connections yet.')),
      h('p', {}, 'Add your first point of sale with the form “Add a connection”.')));
  } else {
    const sorted = [...state.connections].sort((a, b) => a.name.localeCompare(b.name));
    replace(container, h('ul', { class: 'connections' }, sorted.map(connectionCard)));
  }
}

function healthBadge(connection) {
  const { state: syncState } = connection.syncStatus;
  const shown = connection.health === 'DISABLED'
    ? HEALTH.DISABLED
    : STATE[syncState] ?? HEALTH[connection.health] ?? HEALTH.UNKNOWN;
  return h('span', {
    class: `badge health-${connection.health.toLowerCase()} state-${syncState.toLowerCase()}`,
  }, h('span', { 'aria-hidden': 'true' }, shown.icon), ` ${shown.label}`);
}

/** "Degraded: 12 of 12 stock records rejected — missing field `quantityAvailable`". */
function stateCause(connection) {
  const { state: syncState, cause } = connection.syncStatus;
  if (!cause || syncState === 'HEALTHY' || syncState === 'PENDING') return null;
  return h('p', { class: `state-cause ${syncState.toLowerCase()}`, role: 'status' },
    h('strong', {}, `${STATE[syncState].label}: `), cause);
}

/** What the last run read, applied and rejected, per endpoint. */
function lastRunFact(run) {
  if (!run) return fact('Last run', 'none yet');
  const parts = run.endpoints.filter((e) => e.read > 0 || e.skipped).map((e) => (e.skipped
    ? `${e.endpoint}: not read`
    : `${e.endpoint}: ${e.applied} of ${e.read} applied${e.rejected ? `, ${e.rejected} rejected` : ''}`));
  return fact('Last run', timeElement(run.finishedAt),
    ` · read ${run.read}, applied ${run.applied}, rejected ${run.rejected}`,
    parts.length ? h('span', { class: 'run-endpoints' }, ` (${parts.join('; ')})`) : '');
}

function fact(term, ...value) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
}

function connectionCard(connection) {
  const { id, syncStatus: sync } = connection;
  const busy = state.busy.get(id);
  const result = state.results.get(id);
  const headingId = `connection-${id}`;
  return h('li', {},
    h('article', { class: 'connection', 'aria-labelledby': headingId, 'data-connection': connection.name },
      h('div', { class: 'connection-head' },
        h('h3', { id: headingId, tabindex: '-1' }, connection.name),
        h('span', { class: 'kind' }, kindLabel(connection.kind)),
        healthBadge(connection),
        sync.running && h('span', { class: 'badge running' }, 'Syncing now…')),
      h('dl', { class: 'facts' },
        fact('Last successful sync', timeElement(sync.lastSuccessAt)),
        lastRunFact(sync.lastRun),
        fact('Behind the point of sale by', sync.lagSeconds == null ? 'unknown' : duration(sync.lagSeconds)),
        fact('Next sync', connection.enabled ? timeElement(sync.nextRunAt) : 'paused (disabled)'),
        fact('Checks for changes every', duration(connection.pollIntervalSeconds)),
        fact('Locations', connection.locations.length
          ? connection.locations.map((l) => l.name).join(', ')
          : 'none yet (they appear after the first sync)'),
        fact('Base URL', h('span', { class: 'mono' }, connection.baseUrl)),
        fact('API key', 'hint ', h('span', { class: 'mono' }, connection.apiKeyHint),
          connection.hasApiSecret ? ' · API secret stored' : '',
          connection.hasWebhookSecret ? ' · webhook secret stored' : ''),
        connection.webhookUrl && fact('Webhook URL',
          h('span', { class: 'mono' }, new URL(connection.webhookUrl, location.origin).href))),
      stateCause(connection),
      settingsDetails(connection),
      sync.lastError && h('p', { class: 'last-error' }, h('strong', {}, 'Last error: '), sync.lastError),
      h('div', { class: 'actions' },
        actionButton(id, 'test', busy, 'Test connection', 'Testing…', () => testConnection(connection)),
        actionButton(id, 'sync', busy, 'Sync now', 'Syncing…', () => syncNow(connection)),
        h('button', { type: 'button', class: 'secondary', 'data-key': `${id}:edit`, onclick: () => editConnection(connection) }, 'Edit'),
        actionButton(id, 'delete', busy, 'Delete', 'Deleting…', () => deleteConnection(connection), 'secondary danger')),
      result && h('p', { class: `result ${result.tone}` }, result.text)));
}

/** The vendor settings, folded away (they are many for some vendors); stays open across refreshes. */
function settingsDetails(connection) {
  const entries = Object.entries(connection.settings ?? {}).filter(([, value]) => value != null);
  if (entries.length === 0) return null;
  return h('details', {
    class: 'settings',
    open: state.openSettings.has(connection.id),
    ontoggle: (event) => {
      if (event.target.open) state.openSettings.add(connection.id);
      else state.openSettings.delete(connection.id);
    },
  },
  h('summary', { 'data-key': `${connection.id}:settings` }, `Vendor settings (${entries.length})`),
  h('dl', { class: 'kv' }, entries.map(([name, value]) => fact(name, describe(value)))));
}

function actionButton(id, action, busy, label, busyLabel, onclick, extraClass = '') {
  return h('button', {
    type: 'button',
    class: extraClass,
    'data-key': `${id}:${action}`,
    'aria-disabled': busy ? 'true' : null,
    onclick: () => { if (!state.busy.has(id)) onclick(); },
  }, busy === action ? busyLabel : label);
}

async function withBusy(connection, action, work) {
  state.busy.set(connection.id, action);
  renderConnections();
  try {
    await work();
  } finally {
    state.busy.delete(connection.id);
    renderConnections();
  }
}

function report(connection, tone, text) {
  state.results.set(connection.id, { tone, text });
  announce(`${connection.name}: ${text}`, tone);
}

function testConnection(connection) {
  return withBusy(connection, 'test', async () => {
    announce(`Testing ${connection.name}…`);
    try {
      const result = (await gql(Q.test, { id: connection.id })).testProviderConnection;
      report(connection, result.ok ? 'success' : 'error', describeTest(result));
      loadAudit();
    } catch (error) {
      report(connection, 'error', `The test could not run: ${error.message}`);
    }
  });
}

function describeTest(result) {
  if (!result.ok) {
    const why = ERROR_WORDS[result.errorCode] ?? 'it failed';
    return `Connection failed (${why}): ${result.errorMessage ?? 'no details given'}.`;
  }
  const parts = [`Connected in ${result.latencyMs} ms${result.identity ? ` as ${result.identity}` : ''}.`];
  const names = result.locations.map((l) => l.name);
  parts.push(names.length
    ? `Reached ${plural(names.length, 'location')}: ${names.join(', ')}.`
    : 'No locations were visible with these credentials.');
  if (result.permissions.length) parts.push(`Permissions: ${result.permissions.map(humanise).join(', ')}.`);
  return parts.join(' ');
}

function syncNow(connection) {
  return withBusy(connection, 'sync', async () => {
    announce(`Starting a sync of ${connection.name}…`);
    const before = connection.syncStatus;
    try {
      let current = (await gql(Q.sync, { id: connection.id })).triggerSync;
      putConnection(current);
      let sawRunning = current.syncStatus.running;
      const deadline = Date.now() + SYNC_WAIT_MS;
      const finished = (s) => !s.running
        && (sawRunning || s.lastSuccessAt !== before.lastSuccessAt || s.lastError !== before.lastError);
      while (!finished(current.syncStatus)) {
        if (Date.now() > deadline) {
          report(connection, 'info', 'The sync is still running. This page updates by itself when it ends.');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, SYNC_POLL_MS));
        current = (await gql(Q.connection, { id: connection.id })).providerConnection;
        if (!current) throw new ApiError('This connection was deleted meanwhile.', 'NOT_FOUND');
        sawRunning ||= current.syncStatus.running;
        putConnection(current);
      }
      const health = (HEALTH[current.health] ?? HEALTH.UNKNOWN).label.toLowerCase();
      const { cause } = current.syncStatus;
      report(connection, current.health === 'HEALTHY' ? 'success' : 'error',
        current.health === 'HEALTHY'
          ? `Sync finished. The connection is healthy, with ${plural(current.locations.length, 'location')}.`
          : `Sync finished; the connection is ${health}${cause ? `: ${cause}` : ''}.`);
      loadAlerts({ quiet: true });
      loadAudit();
    } catch (error) {
      report(connection, 'error', `The sync could not start: ${error.message}`);
    }
  });
}

function deleteConnection(connection) {
  if (!window.confirm(`Delete the connection “${connection.name}”? Canopy stops syncing it and forgets its keys.`)) return;
  return withBusy(connection, 'delete', async () => {
    try {
      await gql(Q.remove, { id: connection.id });
      state.connections = state.connections.filter((c) => c.id !== connection.id);
      state.results.delete(connection.id);
      if (state.editing?.id === connection.id) resetForm();
      announce(`Deleted ${connection.name}.`, 'success');
      loadAudit();
    } catch (error) {
      report(connection, 'error', `Could not delete: ${error.message}`);
    }
  });
}

// ------------------------------------------------------------------ form --

const FORM_FIELDS = ['name', 'kind', 'baseUrl', 'apiKey', 'apiSecret', 'settings', 'webhookSecret',
  'pollIntervalSeconds', 'fullSyncIntervalSeconds', 'enabled'];

function fieldError(field, message) {
  const input = $(field === 'token' ? 'token' : `f-${field}`);
  const output = $(field === 'token' ? 'token-error' : `f-${field}-error`);
  if (!input || !output) return false;
  output.textContent = message ?? '';
  output.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  return true;
}

function clearFormErrors() {
  FORM_FIELDS.forEach((field) => fieldError(field, null));
  $('form-error').hidden = true;
}

/** Reads `name = value` lines. Values stay text unless they are clearly a number (not for
 * `…_id` names), true/false, or a JSON list/object; "quoted" values always stay text. */
function parseSettings(text) {
  const settings = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const at = line.indexOf('=');
    if (at < 1) throw new Error(`Line ${index + 1} should look like name = value.`);
    const name = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    settings[name] = parseSettingValue(name, value);
  });
  return settings;
}

function parseSettingValue(name, value) {
  const structured = /^(true|false|null|\[.*\]|\{.*\}|".*")$/s.test(value)
    || (/^-?\d+(\.\d+)?$/.test(value) && !/_?ids?$/i.test(name));
  if (!structured) return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`The value of ${name} is not valid; put plain text in "quotes".`);
  }
}

function formatSettings(settings) {
  return Object.entries(settings ?? {})
    .map(([name, value]) => {
      const plain = typeof value === 'string' && parseSettingValue(name, value) === value;
      return `${name} = ${plain ? value : JSON.stringify(value)}`;
    })
    .join('\n');
}

function integerField(field) {
  const raw = $(`f-${field}`).value.trim();
  if (!raw) return undefined;
  const number = Number(raw);
  if (!Number.isInteger(number)) throw Object.assign(new Error('Enter a whole number of seconds.'), { field });
  return number;
}

/** The mutation input from the form, or throws an Error with `.field`. */
function readForm() {
  const editing = state.editing;
  const value = (field) => $(`f-${field}`).value;
  const input = {};
  const name = value('name').trim();
  if (!name) throw Object.assign(new Error('Give the connection a name.'), { field: 'name' });
  input.name = name;
  const baseUrl = value('baseUrl').trim();
  if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
    throw Object.assign(new Error('Enter the full address, starting with https://'), { field: 'baseUrl' });
  }
  input.baseUrl = baseUrl;
  if (!editing) input.kind = value('kind');
  // Secrets are write-only: blank while editing means "keep the stored one".
  const apiKey = value('apiKey');
  if (apiKey) input.apiKey = apiKey;
  else if (!editing) throw Object.assign(new Error('Enter the API key from your point of sale.'), { field: 'apiKey' });
  for (const secret of ['apiSecret', 'webhookSecret']) {
    if (value(secret)) input[secret] = value(secret);
  }
  try {
    input.settings = parseSettings(value('settings'));
  } catch (error) {
    throw Object.assign(error, { field: 'settings' });
  }
  for (const field of ['pollIntervalSeconds', 'fullSyncIntervalSeconds']) {
    const number = integerField(field);
    if (number !== undefined) input[field] = number;
  }
  input.enabled = $('f-enabled').checked;
  return input;
}

async function submitForm(event) {
  event.preventDefault();
  clearFormErrors();
  let input;
  try {
    input = readForm();
  } catch (error) {
    showFormError(error.field, error.message);
    return;
  }
  const editing = state.editing;
  const submit = $('form-submit');
  submit.setAttribute('aria-disabled', 'true');
  announce(editing ? `Saving ${input.name}…` : `Adding ${input.name}…`);
  try {
    const data = editing
      ? await gql(Q.update, { id: editing.id, input })
      : await gql(Q.create, { input });
    const connection = data.updateProviderConnection ?? data.createProviderConnection;
    putConnection(connection);
    resetForm();
    const syncing = connection.enabled ? ' Its sync has started.' : '';
    announce(editing ? `Saved ${connection.name}.${syncing}` : `Added ${connection.name}.${syncing} Use “Test connection” to check it.`, 'success');
    if (connection.enabled) followSync(connection);
    $(`connection-${connection.id}`)?.focus();
    loadAudit();
  } catch (error) {
    const field = error.field?.split('.').pop();
    showFormError(FORM_FIELDS.includes(field) ? field : null, error.message);
    announce('The connection was not saved.', 'error');
  } finally {
    submit.removeAttribute('aria-disabled');
  }
}

function showFormError(field, rawMessage) {
  // The API names fields as in GraphQL (`input.baseUrl`); say the label the user sees.
  const message = rawMessage.replace(/`(?:input\.)?(\w+)`/g, (quoted, name) =>
    document.querySelector(`label[for="f-${name}"]`)?.textContent ?? quoted);
  if (field && fieldError(field, message)) {
    if (field === 'webhookSecret' || field.endsWith('IntervalSeconds')) $('connection-form').querySelector('details').open = true;
    $(`f-${field}`).focus();
  } else {
    $('form-error').textContent = message;
    $('form-error').hidden = false;
  }
}

function setSecretPlaceholder(field, stored) {
  $(`f-${field}`).placeholder = state.editing ? (stored ? 'unchanged' : 'not set') : '';
}

function editConnection(connection) {
  state.editing = connection;
  clearFormErrors();
  $('form-heading').textContent = `Edit “${connection.name}”`;
  $('form-submit').textContent = 'Save changes';
  $('form-cancel').hidden = false;
  $('f-name').value = connection.name;
  $('f-kind').value = connection.kind;
  $('f-kind').disabled = true;
  $('f-baseUrl').value = connection.baseUrl;
  for (const field of ['apiKey', 'apiSecret', 'webhookSecret']) $(`f-${field}`).value = '';
  $('f-apiKey').required = false;
  setSecretPlaceholder('apiKey', true);
  setSecretPlaceholder('apiSecret', connection.hasApiSecret);
  setSecretPlaceholder('webhookSecret', connection.hasWebhookSecret);
  $('f-settings').value = formatSettings(connection.settings);
  $('f-pollIntervalSeconds').value = connection.pollIntervalSeconds;
  $('f-fullSyncIntervalSeconds').value = connection.fullSyncIntervalSeconds;
  $('f-enabled').checked = connection.enabled;
  updateSettingsHint();
  $('f-name').focus();
  announce(`Editing ${connection.name}. Leave secret fields blank to keep them.`);
}

function resetForm() {
  state.editing = null;
  $('connection-form').reset();
  clearFormErrors();
  $('form-heading').textContent = 'Add a connection';
  $('form-submit').textContent = 'Add connection';
  $('form-cancel').hidden = true;
  $('f-kind').disabled = false;
  $('f-apiKey').required = true;
  for (const field of ['apiKey', 'apiSecret', 'webhookSecret']) setSecretPlaceholder(field, false);
  updateSettingsHint();
}

/** The settings hint of the chosen kind, and its known settings, from Query.posKinds. */
function updateSettingsHint() {
  const kind = state.kinds.find((known) => known.kind === $('f-kind').value);
  const fields = kind?.settings ?? [];
  const example = fields.find((field) => field.example != null);
  const words = [
    'One per line, as name = value.',
    kind && !fields.some((field) => field.required) && 'Usually none needed.',
    example && `Example: ${example.name} = ${example.example}`,
  ];
  $('f-settings-hint').textContent = words.filter(Boolean).join(' ');
  replace($('f-settings-fields'), fields.map((field) => h('li', {},
    h('code', {}, field.name), field.required ? ' (required)' : '', `: ${field.help}`)));
}

// ---------------------------------------------------------------- alerts --

async function loadAlerts({ quiet = false } = {}) {
  if (!quiet) $('alerts').setAttribute('aria-busy', 'true');
  const open = $('show-resolved').checked ? null : true;
  try {
    state.alerts = (await gql(Q.alerts, { open })).alerts;
    state.alertsError = null;
  } catch (error) {
    if (quiet && state.alerts) return;
    state.alertsError = error;
  }
  renderAlerts();
}

function renderAlerts() {
  const container = $('alerts');
  if (state.alertsError) {
    replace(container, errorNotice(state.alertsError, () => loadAlerts()));
  } else if (!state.alerts) {
    replace(container, placeholder('Loading alerts…'));
  } else if (state.alerts.length === 0) {
    replace(container, h('p', { class: 'empty' },
      $('show-resolved').checked ? 'No alerts have been raised.' : 'No open alerts. Everything is running smoothly.'));
  } else {
    replace(container, h('ul', { class: 'alerts' }, state.alerts.map(alertItem)));
  }
}

function alertItem(alert) {
  const where = [
    alert.connection && `Connection: ${alert.connection.name}`,
    alert.location && `Location: ${alert.location.name}`,
    alert.product && `Product: ${alert.product.name}`,
  ].filter(Boolean);
  const details = Object.entries(alert.details ?? {});
  return h('li', { class: `alert alert-${alert.severity.toLowerCase()}` },
    h('div', { class: 'alert-head' },
      h('span', { class: `badge severity-${alert.severity.toLowerCase()}` }, SEVERITY[alert.severity] ?? alert.severity),
      h('span', { class: 'alert-kind' }, humanise(alert.kind)),
      alert.resolvedAt && h('span', { class: 'badge resolved' }, 'Resolved')),
    h('p', { class: 'alert-message' }, alert.message),
    h('p', { class: 'meta' },
      [...where, `seen ${plural(alert.occurrences, 'time')}`].join(' · '),
      ' · first ', timeElement(alert.createdAt), ' · last ', timeElement(alert.lastSeenAt)),
    details.length > 0 && h('dl', { class: 'kv' },
      details.map(([key, value]) => fact(humanise(key), describe(value)))),
    alert.resolvedAt
      ? h('p', { class: 'meta' }, 'Resolved ', timeElement(alert.resolvedAt), alert.resolvedBy ? ` by ${alert.resolvedBy}` : '')
      : h('button', { type: 'button', class: 'secondary', 'data-key': `alert:${alert.id}`, onclick: () => resolveAlert(alert) }, 'Resolve'));
}

async function resolveAlert(alert) {
  try {
    await gql(Q.resolve, { id: alert.id });
    announce('Alert resolved.', 'success');
    await loadAlerts({ quiet: true });
    $('alerts-heading').focus();
    loadAudit();
  } catch (error) {
    announce(`Could not resolve the alert: ${error.message}`, 'error');
  }
}

// -------------------------------------------------------------- products --

const RULE = { SKU: 'SKU', UPC: 'Barcode', NAME: 'Brand, name and size', ADMIN: 'Admin merge' };

async function loadMatches({ quiet = false } = {}) {
  if (!quiet) {
    $('suggested-matches').setAttribute('aria-busy', 'true');
    $('match-conflicts').setAttribute('aria-busy', 'true');
  }
  try {
    const [suggested, rejected] = await Promise.all([
      gql(Q.matches, { status: 'SUGGESTED' }),
      gql(Q.matches, { status: 'REJECTED' }),
    ]);
    state.matches = {
      suggested: suggested.productMatches,
      conflicts: rejected.productMatches.filter((m) => m.conflict && m.otherProduct),
    };
    state.matchesError = null;
  } catch (error) {
    if (quiet && state.matches) return;
    state.matchesError = error;
  }
  renderMatches();
}

function renderMatches() {
  const suggested = $('suggested-matches');
  const conflicts = $('match-conflicts');
  if (state.matchesError) {
    replace(suggested, errorNotice(state.matchesError, () => loadMatches()));
    replace(conflicts);
    return;
  }
  if (!state.matches) {
    replace(suggested, placeholder('Loading suggested matches…'));
    replace(conflicts, placeholder('Loading conflicts…'));
    return;
  }
  replace(suggested, state.matches.suggested.length === 0
    ? h('p', { class: 'empty' }, 'No matches wait for review.')
    : h('ul', { class: 'matches' }, state.matches.suggested.map(suggestedItem)));
  replace(conflicts, state.matches.conflicts.length === 0
    ? h('p', { class: 'empty' }, 'No conflicts.')
    : h('ul', { class: 'matches' }, state.matches.conflicts.map(conflictItem)));
}

function productName(product) {
  if (!product) return 'a product no longer in the catalog';
  return product.brand ? `${product.brand} ${product.name}` : product.name;
}

function evidenceFacts(match) {
  const evidence = match.evidence ?? {};
  return h('dl', { class: 'kv' },
    fact('Rule', RULE[match.rule] ?? match.rule),
    evidence.key && fact('Shared', describe(evidence.key)),
    evidence.differs && fact('Differs', `${humanise(evidence.differs).toLowerCase()}: ${describe(evidence.record)} against ${describe(evidence.product)}`),
    match.externalId && fact('Store product id', match.externalId),
    fact('Decided', match.decidedBy, ' ', timeElement(match.createdAt)));
}

function suggestedItem(match) {
  const label = `Suggested match: ${productName(match.product)}`;
  return h('li', { class: 'match', 'aria-label': label },
    h('p', { class: 'match-title' }, h('span', { class: 'badge' }, 'Suggested'), ' ', productName(match.product)),
    evidenceFacts(match),
    match.connectionId && h('button', {
      type: 'button', class: 'secondary', 'data-key': `split:${match.id}`,
      onclick: () => splitMatch(match),
    }, 'Split', h('span', { class: 'visually-hidden' }, ` ${productName(match.product)}`)));
}

function conflictItem(match) {
  const label = `Conflict: ${productName(match.product)}`;
  return h('li', { class: 'match conflict', 'aria-label': label },
    h('p', { class: 'match-title' }, h('span', { class: 'badge severity-warning' }, 'Conflict'), ' ',
      productName(match.product), ' and ', productName(match.otherProduct)),
    evidenceFacts(match),
    h('button', {
      type: 'button', class: 'secondary', 'data-key': `merge:${match.id}`,
      onclick: () => mergeMatch(match),
    }, 'Merge anyway', h('span', { class: 'visually-hidden' }, ` ${productName(match.otherProduct)}`)));
}

async function splitMatch(match) {
  try {
    const { splitProduct } = await gql(Q.split, { productId: match.product.id, connectionId: match.connectionId });
    announce(`Split off: ${productName(splitProduct)} is its own product again.`, 'success');
  } catch (error) {
    announce(`Could not split the product: ${error.message}`, 'error');
  }
  await loadMatches({ quiet: true });
  $('products-heading').focus();
  loadAudit();
}

async function mergeMatch(match) {
  try {
    const { mergeProducts } = await gql(Q.merge, { targetId: match.product.id, sourceId: match.otherProduct.id });
    announce(`Merged into ${productName(mergeProducts)}.`, 'success');
  } catch (error) {
    announce(`Could not merge the products: ${error.message}`, 'error');
  }
  await loadMatches({ quiet: true });
  $('products-heading').focus();
  loadAudit();
}

// ------------------------------------------------------------- audit log --

async function loadAudit({ more = false } = {}) {
  const audit = state.audit;
  audit.loading = true;
  audit.error = null;
  if (!more) $('audit').setAttribute('aria-busy', 'true');
  renderAudit();
  try {
    const page = (await gql(Q.audit, { first: AUDIT_PAGE, after: more ? audit.next : null })).auditLog;
    const entries = page.edges.map((edge) => edge.node);
    audit.entries = more ? [...audit.entries, ...entries] : entries;
    audit.total = page.totalCount;
    audit.next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } catch (error) {
    audit.error = error;
  }
  audit.loading = false;
  renderAudit();
}

function renderAudit() {
  const { entries, total, next, loading, error } = state.audit;
  const container = $('audit');
  if (error && entries.length === 0) {
    replace(container, errorNotice(error, () => loadAudit()));
    return;
  }
  if (entries.length === 0) {
    replace(container, placeholder(loading ? 'Loading the audit log…' : 'Nothing has been changed yet.'));
    return;
  }
  replace(container,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'audit' },
        h('caption', { class: 'visually-hidden' }, 'Audit log, newest first'),
        h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'What', 'Changes'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, entries.map(auditRow)))),
    h('div', { class: 'table-foot' },
      h('span', { class: 'muted' }, `Showing ${entries.length} of ${plural(total, 'entry', 'entries')}`),
      error && h('span', { class: 'error-text' }, error.message),
      next && h('button', {
        type: 'button', class: 'secondary', 'data-key': 'audit:more',
        'aria-disabled': loading ? 'true' : null,
        onclick: () => { if (!state.audit.loading) loadAudit({ more: true }); },
      }, loading ? 'Loading…' : 'Show older entries')));
}

function auditRow(entry) {
  // Name the target when we can; otherwise the end of its id (v7 ids share their start).
  const name = entry.after?.name ?? entry.before?.name
    ?? state.connections?.find((connection) => connection.id === entry.targetId)?.name;
  const label = name ? `“${name}”` : entry.targetId && `…${entry.targetId.slice(-8)}`;
  const target = [humanise(entry.targetType), label].filter(Boolean).join(' ');
  return h('tr', {},
    h('td', {}, timeElement(entry.at)),
    h('td', {}, entry.actor),
    h('td', {}, humanise(entry.action)),
    h('td', {}, h('span', { title: entry.targetId ?? '' }, target)),
    h('td', {}, changes(entry.before, entry.after)));
}

/** What changed between `before` and `after`, as a short list in words. */
function changes(before, after) {
  const isObject = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(before) && !isObject(after)) {
    return before == null && after == null ? '—' : `${describe(before)} → ${describe(after)}`;
  }
  if (!isObject(before)) return summary(after);
  if (!isObject(after)) return h('span', {}, 'Was: ', summary(before));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  if (keys.length === 0) return 'No field changed';
  return h('ul', { class: 'changes' }, keys.map((key) => h('li', {},
    h('span', { class: 'field-name' }, humanise(key)), `: ${describe(before[key])} → ${describe(after[key])}`)));
}

function summary(record) {
  const preferred = ['name', 'kind', 'baseUrl', 'enabled'];
  const keys = Object.keys(record);
  const shown = preferred.filter((key) => key in record);
  const pick = shown.length ? shown : keys.slice(0, 4);
  return pick.map((key) => `${humanise(key).toLowerCase()}: ${key === 'kind' ? kindLabel(record[key]) : describe(record[key])}`).join('; ');
}

// ------------------------------------------------------------------ start --

function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  $('connection-form').addEventListener('submit', submitForm);
  $('form-cancel').addEventListener('click', () => {
    resetForm();
    announce('Editing cancelled.');
    $('f-name').focus();
  });
  $('f-kind').addEventListener('change', updateSettingsHint);
  $('refresh-connections').addEventListener('click', () => loadConnections());
  $('refresh-audit').addEventListener('click', () => loadAudit());
  $('refresh-products').addEventListener('click', () => loadMatches());
  $('show-resolved').addEventListener('change', () => loadAlerts());
  for (const heading of ['connections-heading', 'products-heading', 'alerts-heading', 'audit-heading']) {
    $(heading).setAttribute('tabindex', '-1');
  }
  if (sessionStorage.getItem(TOKEN_KEY)) {
    startDashboard();
  } else {
    showSignedIn(false);
  }
  offerDemoToken();
}

start();
