// The Brokkr web console: plain modern JavaScript, no framework, no build step. It talks to the
// broker's /api/v1 like any client. The API key lives in this module's memory only (never in
// localStorage, sessionStorage or a cookie): a reload or "Log out" forgets it. Every value from the
// API reaches the page as text (textContent), never as markup, and the broker's CSP allows no
// inline script at all.

const state = {
  key: null,       // the API key, in memory only
  admin: false,
  agentId: null,
  feed: null,      // AbortController of the every-item event feed
  feedListeners: new Set(),
  viewAbort: null, // aborts the current view's own streams when the view changes
  hints: null,     // failure reason -> {cause, action}, read from troubleshooting.md
};

const STATUSES = ['PENDING', 'CLAIMED', 'FAILED_RETRYABLE', 'COMPLETED', 'FAILED_PERMANENT', 'CANCELED'];
const TERMINAL = new Set(['COMPLETED', 'FAILED_PERMANENT', 'CANCELED']);
const WORK_TYPES = ['shipwright-build', 'kubernetes-apply'];

// ---- DOM helpers: elements are built from data, text is always text ----

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const main = () => document.getElementById('main');

function show(...nodes) {
  main().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false && n !== ''));
}

function flash(message, ok = false) {
  const f = document.getElementById('flash');
  f.textContent = message;
  f.className = ok ? 'ok' : '';
  f.hidden = !message;
}

function statusCell(status) {
  return h('span', { class: `status ${status}`, 'data-status': status }, status);
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

// ---- the API ----

class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const field = err.details && err.details.field;
    throw new ApiError(res.status, `${err.message || text || res.statusText}${field ? ` (field ${field})` : ''}`, field);
  }
  return { status: res.status, data };
}

// Reads a server-sent event stream of the broker (Accept: text/event-stream) with the key as a
// bearer header, which EventSource cannot send. Calls onEvent(object) per event until the stream
// ends or `signal` aborts; returns the last event id seen.
async function follow(path, onEvent, signal) {
  const res = await fetch(path, {
    headers: { Authorization: `Bearer ${state.key}`, Accept: 'text/event-stream' }, cache: 'no-store', signal,
  });
  if (!res.ok) throw new ApiError(res.status, `stream ${path}: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('data:')) data += line.slice(5).trimStart();
        if (line.startsWith('id:')) last = Number(line.slice(3).trim());
      }
      if (data) onEvent(JSON.parse(data));
    }
  }
  return last;
}

// The every-item feed (admins): one stream for the whole page; views subscribe to it. When the
// broker ends it (restart, follow limit), it is opened again after the last event seen.
function startFeed() {
  if (!state.admin || state.feed) return;
  const ctl = new AbortController();
  state.feed = ctl;
  let after = null;
  const live = document.createElement('span');
  (async () => {
    while (!ctl.signal.aborted) {
      try {
        const path = `/api/v1/events?follow=1${after !== null ? `&after=${after}` : ''}`;
        const last = await follow(path, (e) => {
          after = e.id;
          for (const fn of state.feedListeners) fn(e);
        }, ctl.signal);
        if (last !== null) after = last;
      } catch (e) {
        if (ctl.signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return live;
}

function onFeed(fn) {
  state.feedListeners.add(fn);
  return () => state.feedListeners.delete(fn);
}

// Calls fn at most once per `ms` after bursts of calls.
function debounce(fn, ms) {
  let t = null;
  return () => {
    if (t) return;
    t = setTimeout(() => { t = null; fn(); }, ms);
  };
}

// ---- troubleshooting hints, from the docs the broker embeds (one source for docs and console) ----

async function loadHints() {
  if (state.hints) return state.hints;
  const hints = new Map();
  try {
    const res = await fetch('/ui/troubleshooting.md', { cache: 'no-store' });
    const text = await res.text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('| `')) continue;
      const cells = line.split(' | ').map((c) => c.replace(/^\|\s*/, '').replace(/\s*\|$/, '').trim());
      if (cells.length < 3) continue;
      const plain = (s) => s.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/[`*]/g, '');
      const entry = { cause: cells.length >= 4 ? plain(cells[2]) : '', action: plain(cells[cells.length - 1]) };
      for (const m of cells[0].matchAll(/`([A-Za-z*]+)`/g)) if (!hints.has(m[1])) hints.set(m[1], entry);
    }
  } catch {
    // No hints is not an error: the reason and message are still shown.
  }
  state.hints = hints;
  return hints;
}

// ---- views ----

async function overviewView(signal) {
  const cards = h('div', { class: 'cards', id: 'status-cards' });
  const byType = h('tbody');
  const finished = h('div', { class: 'cards', id: 'finished-cards' });
  const agents = h('p', { id: 'agent-summary' });
  show(h('h1', {}, 'Queue overview'), cards,
    h('h2', {}, 'By work type'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Work type'), STATUSES.map((s) => h('th', {}, s)))), byType),
    h('h2', {}, 'Finished in the last hour'), finished,
    h('h2', {}, 'Agents'), agents);
  const render = async () => {
    const { data } = await api('GET', '/api/v1/summary');
    cards.replaceChildren(h('div', { class: 'card' }, h('div', { class: 'n', 'data-count': 'total' }, data.total), 'live items'),
      ...STATUSES.map((s) => h('div', { class: 'card' },
        h('div', { class: 'n', 'data-count': s }, data.by_status[s] ?? 0), statusCell(s))));
    byType.replaceChildren(...Object.entries(data.by_type).map(([type, counts]) =>
      h('tr', {}, h('td', {}, type), STATUSES.map((s) => h('td', {}, counts[s] ?? 0)))));
    const done = data.finished_last_hour;
    finished.replaceChildren(...['COMPLETED', 'FAILED_PERMANENT', 'CANCELED'].map((s) =>
      h('div', { class: 'card' }, h('div', { class: 'n' }, done[s] ?? 0), statusCell(s))));
    const list = await api('GET', '/api/v1/agents?limit=500');
    const all = list.data.items;
    const ready = all.filter((a) => a.connection && a.connection.ready).length;
    agents.textContent = `${ready} of ${all.length} agents ready`;
  };
  await render();
  const later = debounce(() => render().catch((e) => flash(e.message)), 500);
  const off = onFeed(later);
  const timer = setInterval(later, 10000);
  signal.addEventListener('abort', () => { off(); clearInterval(timer); });
}

function workQuery(filters, limit = 100) {
  const q = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  return q.toString();
}

async function workListView(signal, params) {
  const filters = {
    status: params.get('status') || '', work_type: params.get('work_type') || '',
    agent_id: params.get('agent_id') || '', labelSelector: params.get('labelSelector') || '',
  };
  const input = (name, label, attrs = {}) => h('label', {}, label,
    h('input', { name, value: filters[name], ...attrs }));
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: filters.status === s }, s)));
  const typeSelect = h('select', { name: 'work_type' }, h('option', { value: '' }, 'any'),
    WORK_TYPES.map((t) => h('option', { value: t, selected: filters.work_type === t }, t)));
  const form = h('form', { class: 'filters', id: 'work-filters' },
    h('label', {}, 'Status', statusSelect), h('label', {}, 'Type', typeSelect),
    input('agent_id', 'Agent id', { size: 36 }), input('labelSelector', 'Labels (selector)', { placeholder: 'team=web,tier!=db' }),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const el of form.elements) if (el.name && el.value) next.set(el.name, el.value);
    location.hash = `#/work?${next.toString()}`;
  });
  const body = h('tbody', { id: 'work-rows' });
  const live = h('span', { class: 'live' }, state.admin ? 'live' : 'refreshing every 3 s');
  show(h('h1', {}, 'Work ', live), form,
    h('table', { id: 'work-table' }, h('thead', {}, h('tr', {},
      ['ID', 'Type', 'Status', 'Attempt', 'Agent', 'Labels', 'Created', 'Reason', ''].map((c) => h('th', {}, c)))), body));
  const names = await agentNames();
  const render = async () => {
    const { data } = await api('GET', `/api/v1/ephemeral-work?${workQuery(filters)}`);
    body.replaceChildren(...data.items.map((w) => h('tr', { 'data-id': w.id },
      h('td', { class: 'mono' }, h('a', { href: `#/work/${w.id}` }, w.id)),
      h('td', {}, w.work_type), h('td', {}, statusCell(w.status)), h('td', {}, w.attempt),
      h('td', {}, w.claimed_by ? (names.get(w.claimed_by) || w.claimed_by) : ''),
      h('td', { class: 'mono' }, Object.entries(w.labels || {}).map(([k, v]) => `${k}=${v}`).join(',')),
      h('td', {}, ago(w.created_at)), h('td', {}, w.failure_reason || ''),
      h('td', {}, state.admin && !TERMINAL.has(w.status)
        ? h('button', { class: 'danger', 'data-cancel': w.id, onclick: () => cancel(w.id).then(render) }, 'Cancel') : ''))));
  };
  await render();
  const later = debounce(() => render().catch((e) => flash(e.message)), 300);
  const off = onFeed(later);
  const timer = setInterval(later, state.admin ? 15000 : 3000);
  signal.addEventListener('abort', () => { off(); clearInterval(timer); });
}

async function agentNames() {
  const names = new Map();
  if (!state.admin) return names;
  try {
    const { data } = await api('GET', '/api/v1/agents?limit=500');
    for (const a of data.items) names.set(a.id, a.name);
  } catch { /* ids stay bare */ }
  return names;
}

async function cancel(id) {
  try {
    const { status, data } = await api('DELETE', `/api/v1/ephemeral-work/${encodeURIComponent(id)}`);
    flash(status === 202 ? `cancel requested for ${id}: its agent stops it` : `work ${id} ${data.status}`, true);
  } catch (e) {
    flash(e.message);
  }
}

function eventLine(e, names) {
  const agent = e.agent_id ? ` agent ${names.get(e.agent_id) || e.agent_id}` : '';
  const why = [e.reason, e.message].filter(Boolean).join(': ');
  return h('tr', { 'data-event': e.id },
    h('td', { class: 'mono' }, e.at), h('td', {}, e.from_status || 'new', ' → ', statusCell(e.to_status)),
    h('td', {}, `attempt ${e.attempt}${agent}`), h('td', {}, why));
}

async function itemView(signal, id) {
  const [{ data: w }, names, hints] = await Promise.all([
    api('GET', `/api/v1/ephemeral-work/${encodeURIComponent(id)}`), agentNames(), loadHints()]);
  const details = w.result_details || {};
  const rows = [
    ['ID', h('span', { class: 'mono' }, w.id)], ['Type', w.work_type], ['Status', statusCell(w.status)],
    ['Attempt', `${w.attempt} (retries ${w.retry_count} of ${w.max_retries})`],
    ['Claimed by', w.claimed_by ? (names.has(w.claimed_by) ? `${names.get(w.claimed_by)} (${w.claimed_by})` : w.claimed_by) : ''],
    ['Targets', [w.targets.labels.length ? `labels ${w.targets.labels.join(',')} (${w.targets.match})` : '',
      w.targets.agent_ids.length ? `agents ${w.targets.agent_ids.join(',')}` : '',
      Object.keys(w.targets.annotations).length ? `annotations ${Object.entries(w.targets.annotations).map(([k, v]) => `${k}=${v}`).join(',')}` : '']
      .filter(Boolean).join('; ')],
    ['Labels', Object.entries(w.labels || {}).map(([k, v]) => `${k}=${v}`).join(',')],
    ['Retry of', w.retry_of ? h('a', { href: `#/work/${w.retry_of}` }, w.retry_of) : ''],
    ['Priority', w.priority], ['Created', w.created_at], ['Completed', w.completed_at || ''],
    ['Image', details.image_ref || ''], ['Message', w.result_message || ''],
  ].filter(([, v]) => v !== '' && v !== null && v !== undefined);
  const actions = h('div', { class: 'row' });
  if (state.admin && !TERMINAL.has(w.status))
    actions.append(h('button', { class: 'danger', id: 'cancel', onclick: async () => { await cancel(w.id); route(); } }, 'Cancel'));
  if (state.admin && (w.status === 'FAILED_PERMANENT' || w.status === 'CANCELED'))
    actions.append(h('button', {
      class: 'primary', id: 'retry',
      onclick: async () => {
        try {
          const { data } = await api('POST', `/api/v1/ephemeral-work/${encodeURIComponent(w.id)}/retry`);
          flash(`submitted ${data.id} as a retry`, true);
          location.hash = `#/work/${data.id}`;
        } catch (e) { flash(e.message); }
      },
    }, 'Retry'));
  const failure = [];
  if (w.failure_reason) {
    const hint = hints.get(w.failure_reason);
    failure.push(h('h2', {}, 'Failure'), h('div', { class: 'hint', id: 'failure' },
      h('strong', {}, w.failure_reason), w.result_message ? `: ${w.result_message}` : '',
      hint && hint.cause ? h('p', {}, `Cause: ${hint.cause}`) : '',
      hint ? h('p', { id: 'hint' }, `What to do: ${hint.action}`) : ''));
  }
  const liveLog = w.status === 'CLAIMED' ? h('pre', { id: 'live-log' }) : null;
  const liveState = h('span', { id: 'live-log-state', class: 'muted' }, ' connecting…');
  const log = liveLog ? [h('h2', {}, 'Live log', liveState), liveLog]
    : details.log_tail
      ? [h('h2', {}, `Log${details.log_container ? ` (${details.log_container})` : ''}`), h('pre', { id: 'log' }, details.log_tail)]
      : [h('h2', {}, 'Log'), h('p', { id: 'log-none' }, TERMINAL.has(w.status)
        ? 'The agent reported no log.' : 'The log appears here once an agent claims the item.')];
  const timeline = h('tbody', { id: 'timeline' });
  const result = Object.keys(details).length
    ? [h('h2', {}, 'Result'), h('pre', { id: 'result' }, JSON.stringify(details, null, 2))] : [];
  show(h('h1', {}, 'Work item'), actions, h('dl', { id: 'item' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)])),
    failure, log, result, h('h2', {}, 'Timeline'), h('table', {}, timeline));
  // The history, then the live transitions of this item on its own stream until it ends.
  let after = 0;
  const add = (e) => {
    if (e.id <= after) return;
    after = e.id;
    timeline.append(eventLine(e, names));
  };
  if (liveLog) followLog(w.id, liveLog, liveState, signal);
  const { data: history } = await api('GET', `/api/v1/ephemeral-work/${encodeURIComponent(id)}/events`);
  history.items.forEach(add);
  if (!TERMINAL.has(w.status)) {
    (async () => {
      try {
        await follow(`/api/v1/ephemeral-work/${encodeURIComponent(id)}/events?follow=1&after=${after}`, (e) => {
          add(e);
          // A status change re-renders the page: result, failure and log arrive with the end.
          if (TERMINAL.has(e.to_status) || e.to_status !== w.status) setTimeout(() => { if (!signal.aborted) route(); }, 100);
        }, signal);
      } catch (e) {
        if (!signal.aborted) flash(e.message);
      }
    })();
  }
}

// The claimed item's live log (text/plain, streamed by the broker from the claiming agent) appended
// as text as it arrives; the newest 1 MiB is kept on the page.
async function followLog(id, pre, stateLine, signal) {
  try {
    const res = await fetch(`/api/v1/ephemeral-work/${encodeURIComponent(id)}/logs?follow=true`, {
      headers: { Authorization: `Bearer ${state.key}`, Accept: 'text/plain' }, cache: 'no-store', signal,
    });
    if (!res.ok) {
      stateLine.textContent = ` (not available: ${res.status})`;
      return;
    }
    stateLine.textContent = ' (streaming)';
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pre.append(document.createTextNode(decoder.decode(value, { stream: true })));
      if (pre.textContent.length > 1 << 20) pre.textContent = pre.textContent.slice(-(1 << 20));
      pre.scrollTop = pre.scrollHeight;
    }
    stateLine.textContent = ' (ended)';
  } catch (e) {
    if (!signal.aborted) stateLine.textContent = ` (stopped: ${e.message})`;
  }
}

async function agentsView(signal) {
  const body = h('tbody', { id: 'agent-rows' });
  show(h('h1', {}, 'Agents'), h('table', {}, h('thead', {}, h('tr', {},
    ['Name', 'ID', 'Cluster', 'Status', 'Ready', 'Via', 'Last seen', 'Labels', 'Running'].map((c) => h('th', {}, c)))), body));
  const render = async () => {
    const [{ data: agents }, { data: claimed }] = await Promise.all([
      api('GET', '/api/v1/agents?limit=500'), api('GET', '/api/v1/ephemeral-work?status=CLAIMED&limit=500')]);
    const running = new Map();
    for (const w of claimed.items) running.set(w.claimed_by, (running.get(w.claimed_by) || 0) + 1);
    body.replaceChildren(...agents.items.map((a) => {
      const c = a.connection || {};
      return h('tr', { 'data-agent': a.id },
        h('td', {}, a.name), h('td', { class: 'mono' }, a.id), h('td', {}, a.cluster_name), h('td', {}, a.status),
        h('td', {}, h('span', { class: c.ready ? 'ready' : 'notready' }, c.ready ? 'READY' : 'not ready')),
        h('td', {}, c.transport || ''), h('td', {}, ago(c.last_seen_at)),
        h('td', { class: 'mono' }, (a.labels || []).join(',')),
        h('td', {}, h('a', { href: `#/work?agent_id=${a.id}&status=CLAIMED` }, String(running.get(a.id) || 0))));
    }));
  };
  await render();
  const later = debounce(() => render().catch((e) => flash(e.message)), 1000);
  const off = onFeed(later);
  const timer = setInterval(later, 10000);
  signal.addEventListener('abort', () => { off(); clearInterval(timer); });
}

function submitView() {
  const spec = h('textarea', { name: 'crd_spec', id: 'spec', spellcheck: 'false', required: true });
  const form = h('form', { class: 'stack', id: 'submit-form' },
    h('div', { class: 'row' },
      h('label', {}, 'Work type', h('select', { name: 'work_type' }, WORK_TYPES.map((t) => h('option', { value: t }, t)))),
      h('label', {}, 'Target labels (agents having all)', h('input', { name: 'labels', placeholder: 'gpu,linux' })),
      h('label', {}, 'Target agent ids', h('input', { name: 'agent_ids', size: 40 })),
      h('label', {}, 'Work labels', h('input', { name: 'work_labels', placeholder: 'team=web,release=1.4' })),
      h('label', {}, 'Priority', h('input', { name: 'priority', type: 'number', value: '0', min: '-1000', max: '1000' }))),
    h('label', {}, 'Spec (Shipwright Build manifest, or Kubernetes manifests)', spec),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, 'Submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const list = (name) => String(f.get(name) || '').split(',').map((s) => s.trim()).filter(Boolean);
    const labels = {};
    for (const kv of list('work_labels')) {
      const eq = kv.indexOf('=');
      if (eq <= 0) return flash(`work label '${kv}' must be KEY=VALUE`);
      labels[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const body = {
      work_type: f.get('work_type'), crd_spec: f.get('crd_spec'),
      targets: { labels: list('labels'), agent_ids: list('agent_ids') },
      priority: Number(f.get('priority') || 0), labels,
    };
    try {
      const { data } = await api('POST', '/api/v1/ephemeral-work', body);
      flash(`submitted ${data.id}`, true);
      location.hash = `#/work/${data.id}`;
    } catch (e) {
      flash(e.message);
    }
  });
  show(h('h1', {}, 'Submit work'), form);
}

function loginView() {
  const key = h('input', { name: 'key', type: 'password', id: 'key', autocomplete: 'off', size: 60, required: true });
  const form = h('form', { class: 'stack', id: 'login' },
    h('label', {}, 'API key (kept in this page\'s memory only; a reload forgets it)', key),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, 'Log in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.key = key.value.trim();
    try {
      const { data } = await api('GET', '/api/v1/whoami');
      state.admin = data.role === 'admin';
      state.agentId = data.agent_id || null;
      document.getElementById('who').textContent = state.admin ? 'admin' : `agent ${data.agent_id}`;
      document.getElementById('nav').hidden = false;
      document.getElementById('logout').hidden = false;
      for (const a of document.querySelectorAll('[data-admin]')) a.hidden = !state.admin;
      flash('');
      startFeed();
      if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
      else route();
    } catch (e) {
      state.key = null;
      flash(e.status === 401 ? 'That key is not valid.' : e.message);
    }
  });
  show(h('h1', {}, 'Log in'), form);
  key.focus();
}

function logout() {
  state.key = null;
  state.admin = false;
  if (state.feed) state.feed.abort();
  state.feed = null;
  state.feedListeners.clear();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  location.hash = '#/login';
  route();
}

// ---- routing: #/overview, #/work?filters, #/work/ID, #/agents, #/submit ----

async function route() {
  if (state.viewAbort) state.viewAbort.abort();
  const ctl = new AbortController();
  state.viewAbort = ctl;
  if (!state.key) return loginView();
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const view = parts[0] || 'overview';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === view);
  try {
    if (view === 'work' && parts[1]) await itemView(ctl.signal, decodeURIComponent(parts[1]));
    else if (view === 'work') await workListView(ctl.signal, new URLSearchParams(query || ''));
    else if (view === 'agents' && state.admin) await agentsView(ctl.signal);
    else if (view === 'submit' && state.admin) submitView();
    else if (state.admin) await overviewView(ctl.signal);
    else await workListView(ctl.signal, new URLSearchParams(query || ''));
  } catch (e) {
    if (!ctl.signal.aborted) flash(e.message);
  }
}

window.addEventListener('hashchange', () => route());
document.getElementById('logout').addEventListener('click', logout);
route();
