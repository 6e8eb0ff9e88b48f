// tendlc console: plain JS against the public API and the live feed. The token stays in this
// page's memory only; every decision (who may see what) is the server's.
'use strict';

const CARRIERS = [
  [10017, 'AT&T'], [10035, 'T-Mobile'], [10038, 'Verizon'],
  [10037, 'US Cellular'], [10631, 'ClearSky'], [10901, 'Interop'],
];
const GREEN = ['VERIFIED', 'VETTED_VERIFIED', 'REGISTERED', 'ACTIVE', 'APPROVED', 'ACCEPTED', 'COMPLETE'];
const RED = ['REJECTED', 'SUSPENDED', 'ABANDONED', 'FAILED', 'DELETED', 'EXPIRED', 'DECLINED', 'UNVERIFIED_FAILED'];

const state = {
  token: null, role: null, customer: null, customerLabel: null,
  socket: null, lastPosition: null, feedGeneration: 0,
  brands: new Map(), campaigns: new Map(),
};

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value; else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A status as a badge: colour, a symbol and the word, so colour is never the only signal. */
function badge(label, value, reason) {
  const text = value || 'NONE';
  const tone = !value ? 'grey' : GREEN.includes(value) ? 'green' : RED.includes(value) ? 'red' : 'amber';
  const symbol = { green: '✓', red: '✗', amber: '…', grey: '–' }[tone];
  const title = reason ? `${label}: ${text} — ${reason}` : `${label}: ${text}`;
  return el('span', { class: `badge ${tone}`, title, tabindex: reason ? '0' : null, 'data-status': text, 'aria-label': title },
    `${symbol} ${label ? label + ': ' : ''}${text}`);
}

function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
  } catch (_) {
    return null;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (state.role === 'superadmin' && state.customer) headers['X-Customer-ID'] = state.customer;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await response.json(); } catch (_) { json = null; }
  return { status: response.status, body: json };
}

// ---- signing in -------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const token = $('#token').value.trim();
  const error = $('#token-error');
  error.textContent = '';
  const claims = claimsOf(token);
  if (!claims) {
    error.textContent = 'This is not a JWT.';
    $('#token').setAttribute('aria-invalid', 'true');
    $('#token').focus();
    return;
  }
  state.token = token;
  state.role = claims.role;
  const probe = await api('GET', '/v1/messaging/brands?perPage=1');
  if (probe.status !== 200) {
    state.token = null;
    error.textContent = (probe.body && probe.body.message) || `The API answered ${probe.status}.`;
    $('#token').setAttribute('aria-invalid', 'true');
    $('#token').focus();
    return;
  }
  $('#token').removeAttribute('aria-invalid');
  $('#token').value = '';
  $('#sign-in').hidden = true;
  $('#app').hidden = false;
  $('#sign-out').hidden = false;
  $('#who').textContent = `Signed in as ${claims.sub} (${claims.role})`;
  $('#customer-picker').hidden = state.role !== 'superadmin';
  await switchCustomer(state.role === 'superadmin' ? null : claims.customer_id, null);
}

function signOut() {
  state.token = null;
  state.feedGeneration += 1;
  if (state.socket) state.socket.close(1000, 'signed out');
  $('#app').hidden = true;
  $('#sign-in').hidden = false;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#live-status').textContent = 'Live feed: not connected';
  $('#token').focus();
}

// ---- customer picker (super admins) ---------------------------------------------------------

async function searchCustomers(event) {
  event.preventDefault();
  const q = $('#customer-search').value.trim();
  const { status, body } = await api('GET', `/v1/customers?perPage=20&q=${encodeURIComponent(q)}`);
  const list = $('#customer-results');
  list.replaceChildren();
  if (status !== 200) {
    list.append(el('li', {}, (body && body.message) || `The API answered ${status}.`));
    return;
  }
  if (body.items.length === 0) list.append(el('li', {}, `No customer matches “${q}”.`));
  for (const customer of body.items) {
    const button = el('button', { type: 'button', 'data-customer': customer.id }, `${customer.ban} — ${customer.name}`);
    button.addEventListener('click', () => switchCustomer(customer.id, `${customer.name} (${customer.ban})`));
    list.append(el('li', {}, button));
  }
}

async function switchCustomer(id, label) {
  state.customer = id;
  state.customerLabel = label;
  if (state.role === 'superadmin') {
    $('#acting-for').textContent = id ? `Acting for: ${label}` : 'Acting for: all customers';
  }
  state.brands.clear();
  state.campaigns.clear();
  state.lastPosition = null;
  $('#changes').replaceChildren();
  // Listen first, then read: a change in between comes over the feed.
  await openFeed();
  await Promise.all([loadBrands(), loadCampaigns(), loadWebhooks()]);
}

// ---- brands -----------------------------------------------------------------------------

async function loadBrands() {
  const { status, body } = await api('GET', '/v1/messaging/brands?perPage=200');
  if (status !== 200) return;
  state.brands.clear();
  for (const brand of body.items) state.brands.set(brand.id, brand);
  renderBrands();
}

function renderBrands() {
  const rows = [...state.brands.values()].sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || ''));
  $('#brands tbody').replaceChildren(...rows.map((brand) => el('tr', { id: `brand-${brand.id}` },
    el('td', {}, brand.displayName || brand.companyName || brand.id),
    el('td', {}, brand.tcrBrandId || '—'),
    el('td', { class: 'status' }, badge('', brand.status)),
    el('td', { class: 'identity' }, badge('', brand.identityStatus)),
    el('td', { class: 'sync-source' }, brand.syncSource || '—'),
  )));
  $('#brands-empty').hidden = rows.length > 0;
}

// ---- registering a brand ----------------------------------------------------------------------

function clearFieldErrors() {
  for (const error of document.querySelectorAll('#brand-form .field-error')) error.textContent = '';
  for (const input of document.querySelectorAll('#brand-form [aria-invalid]')) input.removeAttribute('aria-invalid');
}

async function registerBrand(event) {
  event.preventDefault();
  clearFieldErrors();
  const result = $('#register-result');
  result.replaceChildren(el('p', {}, 'Sending to TCR…'));
  const body = {};
  for (const input of document.querySelectorAll('#brand-form input, #brand-form select')) {
    if (input.value.trim() !== '') body[input.name] = input.value.trim();
  }
  const button = $('#register-submit');
  button.disabled = true;
  let answer;
  try {
    answer = await api('POST', '/v1/messaging/brands', body);
  } finally {
    button.disabled = false;
  }
  showRegistration(answer);
}

function showRegistration({ status, body }) {
  const result = $('#register-result');
  const details = el('details', {}, el('summary', {}, 'The full answer'), el('pre', {}, JSON.stringify(body, null, 2)));
  if (status === 201 || status === 200) {
    state.brands.set(body.id, body);
    renderBrands();
    result.replaceChildren(el('div', { class: 'result ok' },
      el('p', {}, `TCR registered the brand as ${body.tcrBrandId}: status ${body.status}, TCR status ${body.tcrStatus || 'not given'}, identity ${body.identityStatus || 'not given'}.`),
      details));
    return;
  }
  if (status === 202) {
    result.replaceChildren(el('div', { class: 'result pending' },
      el('p', {}, `TCR has not answered yet: the registration is recorded as ${body.status || 'PENDING'} (id ${body.id}) and goes on; it appears below when TCR answers.`),
      details));
    return;
  }
  const fields = (body && body.fields) || [];
  let first = null;
  for (const { field, message } of fields) {
    const input = document.querySelector(`#brand-form [name="${CSS.escape(field)}"]`);
    const error = document.getElementById(`e-${field}`);
    if (input && error) {
      error.textContent = message;
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  const tcr = (body && body.tcr) || [];
  const lines = [el('p', {}, body && body.message ? body.message : `The API answered ${status}.`)];
  if (tcr.length) {
    lines.push(el('ul', { 'aria-label': 'What TCR answered' }, ...tcr.map((e) => el('li', {}, `TCR ${e.code}: ${e.description}${e.fields && e.fields.length ? ` (fields: ${e.fields.join(", ")})` : ''}`))));
  }
  const unplaced = fields.filter(({ field }) => !document.getElementById(`e-${field}`));
  if (unplaced.length) lines.push(el('ul', {}, ...unplaced.map(({ field, message }) => el('li', {}, `${field}: ${message}`))));
  result.replaceChildren(el('div', { class: 'result refused' }, ...lines, details));
  if (first) first.focus();
}

// ---- campaigns --------------------------------------------------------------------------------

async function loadCampaigns() {
  const { status, body } = await api('GET', '/v1/messaging/campaigns?perPage=200');
  if (status !== 200) return;
  state.campaigns.clear();
  for (const campaign of body.items) state.campaigns.set(campaign.id, campaign);
  renderCampaigns();
}

function reasonText(reason) {
  if (!reason) return null;
  if (typeof reason === 'string') return reason;
  return [reason.category, reason.text].filter(Boolean).join(': ');
}

function renderCampaigns() {
  const rows = [...state.campaigns.values()];
  $('#campaigns tbody').replaceChildren(...rows.map((campaign) => {
    const carriers = new Map((campaign.carriers || []).map((c) => [c.mnoId, c]));
    return el('tr', { id: `campaign-${campaign.id}` },
      el('td', {}, `${campaign.usecase || ''} ${campaign.tcrCampaignId || campaign.id}`),
      el('td', {}, badge('', campaign.status)),
      el('td', { class: 'carriers' }, ...CARRIERS.map(([id, name]) => {
        const carrier = carriers.get(id);
        const shown = badge(name, carrier && carrier.status, carrier && reasonText(carrier.reason));
        shown.dataset.carrier = String(id);
        return shown;
      })));
  }));
  $('#campaigns-empty').hidden = rows.length > 0;
}

// ---- webhook audit log ------------------------------------------------------------------------

async function loadWebhooks() {
  const { status, body } = await api('GET', '/v1/messaging/webhook-events?perPage=50');
  if (status !== 200) return;
  $('#webhooks tbody').replaceChildren(...body.items.map((d) => el('tr', {},
    el('td', {}, new Date(d.receivedAt).toLocaleString()),
    el('td', {}, d.eventType || d.category),
    el('td', {}, d.tcrCampaignId || d.tcrBrandId || '—'),
    el('td', {}, d.signature),
    el('td', {}, d.disposition),
    el('td', {}, [d.processingOutcome, d.processingDetail].filter(Boolean).join(': ') || (d.processed ? 'processed' : 'waiting')),
  )));
}

// ---- the live feed ----------------------------------------------------------------------------

let reloads = {};
/** Reloads a list once, shortly after the last change asking for it. */
function reloadSoon(name, load) {
  clearTimeout(reloads[name]);
  reloads[name] = setTimeout(load, 300);
}

// A notification's status change: listed with the changes. It has no stream position (it is not
// an event), so it never moves lastPosition; what was missed while away is in GET /v1/notifications.
function applyNotification(note) {
  const at = new Date(note.at).toLocaleTimeString();
  const subject = `${note.subject.type.toLowerCase()} ${note.subject.name || note.subject.id.slice(0, 8)}`;
  const moved = note.previousStatus ? `${note.previousStatus} → ${note.status}` : note.status;
  const item = el('li', {}, `${at} notification ${note.kind} (${subject}) to ${note.recipient}: ${moved}${note.reason ? ' — ' + note.reason : ''}`);
  $('#changes').prepend(item);
  while ($('#changes').children.length > 50) $('#changes').lastElementChild.remove();
}

function applyChange(change) {
  state.lastPosition = change.position;
  // A confirmation that nothing changed is not news.
  if (!change.event.endsWith('SyncConfirmed')) {
    const at = new Date(change.at).toLocaleTimeString();
    const item = el('li', {}, `${at} ${change.entity.type} ${change.entity.id.slice(0, 8)}: ${change.summary}, via ${change.source || 'unknown'}${change.reason ? ' — ' + change.reason : ''}`);
    $('#changes').prepend(item);
    while ($('#changes').children.length > 50) $('#changes').lastElementChild.remove();
  }

  if (change.entity.type === 'brand') {
    const brand = state.brands.get(change.entity.id);
    if (!brand) { reloadSoon('brands', loadBrands); return; }
    if (change.field === 'status') brand.status = change.to;
    if (change.field === 'identityStatus') brand.identityStatus = change.to;
    if (change.field === 'tcrStatus') brand.tcrStatus = change.to;
    if (change.source && change.source !== 'api') brand.syncSource = change.source;
    if (!change.field) reloadSoon('brands', loadBrands);
    renderBrands();
  } else if (change.entity.type === 'campaign') {
    const campaign = state.campaigns.get(change.entity.id);
    if (!campaign || change.field !== 'carrierStatus') { reloadSoon('campaigns', loadCampaigns); }
    if (campaign && change.field === 'carrierStatus') {
      campaign.carriers = campaign.carriers || [];
      let carrier = campaign.carriers.find((c) => c.mnoId === change.carrier.mnoId);
      if (!carrier) { carrier = { mnoId: change.carrier.mnoId, mno: change.carrier.name }; campaign.carriers.push(carrier); }
      carrier.status = change.to;
      carrier.reason = change.reason || null;
      renderCampaigns();
    }
  }
  if (change.source === 'webhook') reloadSoon('webhooks', loadWebhooks);
}

async function openFeed() {
  const generation = ++state.feedGeneration;
  if (state.socket) state.socket.close(1000, 'switching customer');
  const status = $('#live-status');
  status.textContent = 'Live feed: connecting…';
  // A single-use ticket: the token never goes into a URL.
  const { status: code, body } = await api('POST', '/v1/ws-tickets');
  if (code !== 201 || generation !== state.feedGeneration) {
    if (code !== 201) status.textContent = `Live feed: refused (${(body && body.message) || code})`;
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = `${scheme}//${location.host}/ws?ticket=${encodeURIComponent(body.ticket)}`;
  if (state.lastPosition !== null) url += `&after=${state.lastPosition}`;
  const socket = new WebSocket(url, ['tendlc.v1']);
  state.socket = socket;
  await new Promise((resolve) => {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'live') {
        status.textContent = 'Live feed: connected';
        status.dataset.state = 'live';
        resolve();
      } else if (message.type === 'change') {
        applyChange(message);
      } else if (message.type === 'notification') {
        applyNotification(message);
      } else if (message.type === 'lagged') {
        status.textContent = 'Live feed: fell behind; catching up…';
      }
    });
    socket.addEventListener('close', (event) => {
      resolve();
      if (generation !== state.feedGeneration || !state.token) return;
      status.textContent = `Live feed: disconnected (${event.code}${event.reason ? ': ' + event.reason : ''}); reconnecting…`;
      status.dataset.state = 'closed';
      // Resume where it stopped: the server sends what was missed, then live.
      setTimeout(() => { if (generation === state.feedGeneration) openFeed(); }, 2000);
    });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', signOut);
  $('#customer-search-form').addEventListener('submit', searchCustomers);
  $('#all-customers').addEventListener('click', () => switchCustomer(null, null));
  $('#brand-form').addEventListener('submit', registerBrand);
  $('#webhooks-refresh').addEventListener('click', loadWebhooks);
  $('#token').focus();
});
