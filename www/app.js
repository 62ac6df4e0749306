// The page: file input and drop zone, progress, and the report rendered as tables and charts.
// No analytics here — every number shown comes from the report JSON the worker produces
// (schema: qunlens-report.d.ts). Data is only ever put into the page as text (textContent).
import { t, getLang, setLang, locale, formatNumber, translateDom, LANGS } from './i18n.js';
import { downloadTable, saveBlob } from './export.js';
import { renderRoles, rolesConfig } from './views/roles.js';
import { renderHealth } from './views/health.js';
import { renderLeaderboard, leaderboardConfig } from './views/leaderboard.js';
import { renderFunnel, funnelConfig } from './views/funnel.js';
import { renderAttribution, attributionConfig } from './views/attribution.js';
import { importSetup, mergeConfig } from './setup.js';
import { buildHtmlReport } from './html-report.js';
import { renderIdentity, identityConfig } from './views/identity.js';
import { el, setShowContacts } from './views/dom.js';
import { tableExport } from './views/table-export.js';
import { renderActivity as renderActivityView } from './views/activity.js';
import { ReportAssembler } from './report-parts.js';
import { readingLeft, fmtSeconds } from './progress.js';

const PAGE_SIZE = 100;
const CONTACTS_KEY = 'qunlens.showContacts';
const $ = (id) => document.getElementById(id);

const state = {
  worker: null,
  ready: false,
  pending: 0,
  report: null,
  source: 'empty', // 'empty' | 'files' | 'sample'
  tab: 'groups',
  groupSort: null, // {key, dir}
  memberSort: null,
  memberQuery: '',
  memberGroup: '',
  memberPage: 0,
  memberHay: null, // lower-cased search text per member, same order as report.members (memberHay())
  groupNames: new Map(),
  activityGroup: '',
  notices: [],
  progress: null,
  sentAt: 0, // when the request in progress was sent (for the reading time left)
};

/** The report being received from the worker: its big arrays arrive in parts before it. */
const reportParts = new ReportAssembler();

// ---------------------------------------------------------------- small DOM helpers

const fmtNum = (n) => (n == null ? t('dash') : formatNumber(n));
/** Report times are RFC 3339 in the report's zone; show them in that zone, to the minute. */
const fmtTime = (s) => (s ? s.slice(0, 16).replace('T', ' ') : t('dash'));
const fmtDay = (s) => (s ? s.slice(0, 10) : t('dash'));
function fmtBytes(b) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = b;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${formatNumber(v, i === 0 ? 0 : 1)} ${units[i]}`;
}
const pct = (done, total) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0);

// ---------------------------------------------------------------- worker

function startWorker() {
  // `?workers=N` on the page caps the parse workers (1: read everything in one worker).
  const url = new URL('./worker.js', import.meta.url);
  const workers = new URLSearchParams(location.search).get('workers');
  if (workers) url.searchParams.set('workers', workers);
  state.worker = new Worker(url, { type: 'module' });
  state.ready = false;
  state.pending = 0;
  state.worker.onmessage = ({ data }) => onWorkerMessage(data);
  state.worker.onerror = (e) => {
    if (state.ready) fatal(e.message || 'worker error');
    else notify('error', 'notice.wasm', { message: e.message || 'worker error' });
  };
}

function onWorkerMessage(msg) {
  switch (msg.type) {
    case 'ready':
      state.ready = true;
      $('sample-button').disabled = false;
      if (Object.keys(pageConfig()).length) send({ type: 'config', config: pageConfig() });
      // Loads are what this page is for: the workers fault in memory for them while idle
      // (worker.js, WARM_MEMORY_BYTES), unless the device says it has little.
      if (!(navigator.deviceMemory < 4)) state.worker.postMessage({ type: 'warm-memory' });
      // The first number formatter loads the locale data (≈17 ms in Chromium): now, while idle,
      // not at the first load's first progress line, beside the workers reading it.
      formatNumber(0);
      document.body.dataset.ready = 'true';
      break;
    case 'preview':
      if (msg.json) openMapDialog(msg.file, JSON.parse(msg.json));
      else notify('error', 'map.not_csv', { file: msg.file });
      break;
    case 'progress':
      state.progress = msg;
      renderProgress();
      break;
    case 'report-part':
      reportParts.add(msg);
      break;
    case 'duplicates':
      notify('info', 'notice.duplicate', { files: msg.files.join(', ') });
      break;
    case 'unchanged':
      // Every file dropped was loaded already: the report stands.
      answered();
      state.newData = false;
      renderAll();
      break;
    case 'report':
      answered();
      state.source = msg.source;
      // For benchmarks and tests: the worker's wasm memory peak, threads that read the files
      // (and pieces of large files taken back from parse workers) and that computed the report.
      window.__qunlensWasmBytes = msg.wasmBytes;
      window.__qunlensThreads = msg.threads;
      window.__qunlensPieces = msg.pieces;
      window.__qunlensTimes = { readMs: msg.readMs, reportMs: msg.reportMs, reportThreads: msg.reportThreads };
      if (msg.source === 'empty') {
        reportParts.reset();
        setReport(null);
      } else {
        setReport(reportParts.finish(msg.json, msg.parts));
      }
      break;
    case 'cancelled':
      // The batch being read was dropped (the worker forgets it: its files may be dropped again).
      notify('info', 'notice.cancelled');
      break;
    case 'error':
      if (state.ready) fatal(msg.message);
      else notify('error', 'notice.wasm', { message: msg.message }); // no retry loop
      break;
  }
}

/** The worker's wasm instance is gone (trap, out of memory): start over with a fresh one. */
function fatal(message) {
  if (state.worker) state.worker.terminate();
  notify('error', 'notice.fatal', { message });
  reportParts.reset();
  state.progress = null;
  state.source = 'empty';
  setReport(null);
  renderProgress();
  startWorker();
}

/** A request to the worker was answered (a report, or 'unchanged'). */
function answered() {
  state.pending = Math.max(0, state.pending - 1);
  if (state.pending === 0) state.progress = null;
}

function send(msg) {
  // User Timing marks: "qunlens:load" spans request -> report on screen (benchmarks read it).
  performance.mark('qunlens:load-start');
  state.sentAt = performance.now();
  state.pending++;
  state.progress = { phase: 'start' };
  renderProgress();
  state.worker.postMessage(msg);
}

function loadFiles(files) {
  clearNotices('notice.sample');
  state.newData = true;
  // File objects are passed by reference (no byte copy); the worker streams them, and skips
  // (with a 'duplicates' notice) those loaded already.
  send({ type: 'files', files, replace: state.source === 'sample' });
}

function loadSample() {
  state.newData = true;
  clearNotices();
  send({ type: 'sample' });
}

function clearAll() {
  clearNotices();
  send({ type: 'clear' });
}

// ---------------------------------------------------------------- notices and progress

/** Shows a notice; `key` and `params` are kept so a language switch re-translates it. */
function notify(kind, key, params = {}, tag = key) {
  state.notices = state.notices.filter((n) => n.tag !== tag);
  state.notices.push({ kind, key, params, tag });
  renderNotices();
}

function clearNotices(tag) {
  state.notices = tag ? state.notices.filter((n) => n.tag !== tag) : [];
  renderNotices();
}

function renderNotices() {
  const box = $('notices');
  box.replaceChildren(
    ...state.notices.map((n, i) =>
      el('div', { class: `notice ${n.kind}`, role: n.kind === 'error' ? 'alert' : 'status', dataset: { tag: n.tag } },
        el('span', { text: t(n.key, n.params) }),
        el('button', {
          type: 'button', class: 'close', 'aria-label': '×', text: '×',
          onclick: () => { state.notices.splice(i, 1); renderNotices(); },
        }))),
  );
}

function renderProgress() {
  const p = state.progress;
  const busy = state.pending > 0;
  $('progress').hidden = !busy;
  document.body.dataset.busy = busy ? 'true' : 'false';
  $('clear-button').hidden = busy || state.source === 'empty';
  if (!busy || !p) return;
  const label = $('progress-label');
  const bytes = $('progress-bytes');
  const bar = $('progress-bar');
  if (p.phase === 'read') {
    label.textContent = t('progress.file', { file: p.file, index: p.fileIndex + 1, count: p.fileCount });
    const parts = [t('progress.bytes', { done: fmtBytes(p.allDone), total: fmtBytes(p.allTotal) }), `${pct(p.allDone, p.allTotal)}%`];
    if (p.messages != null) parts.push(t('progress.messages', { count: fmtNum(p.messages) }));
    const left = readingLeft(p.allDone, p.allTotal, performance.now() - state.sentAt);
    if (left != null) parts.push(t('progress.eta', { time: fmtSeconds(left) }));
    bytes.textContent = parts.join(' · ');
    bar.max = Math.max(1, p.allTotal);
    bar.value = p.allDone;
  } else {
    const key = { report: 'progress.report', restoring: 'progress.restoring', sample: 'progress.sample' }[p.phase] || 'load.starting';
    label.textContent = t(key);
    bytes.textContent = p.phase === 'report' && p.messages ? t('progress.messages', { count: fmtNum(p.messages) }) : '';
    if (p.phase === 'report') bar.value = bar.max;
    else bar.removeAttribute('value'); // indeterminate
  }
}

// ---------------------------------------------------------------- report

function setReport(report) {
  state.report = report;
  window.__qunlensReport = report;
  state.groupNames = new Map((report?.groups || []).map((g) => [g.id, g.name]));
  // Built at the first search: ≈60 ms of the main thread at 79,000 members.
  state.memberHay = null;
  state.memberPage = 0;
  if (report && !report.groups.some((g) => g.id === state.activityGroup)) state.activityGroup = '';
  if (report && !report.groups.some((g) => g.id === state.memberGroup)) state.memberGroup = '';
  if (report && state.newData) {
    state.newData = false;
    const problems = report.inputs.filter((i) => i.error || i.skipped_count > 0).length;
    clearNotices('notice.problems');
    if (problems) notify('warn', 'notice.problems', { count: problems });
    if (state.source === 'sample') notify('info', 'notice.sample');
    state.tab = report.groups.length ? 'groups' : 'inputs';
  }
  renderAll();
  if (report && performance.getEntriesByName('qunlens:load-start').length) {
    performance.measure('qunlens:load', 'qunlens:load-start');
  }
  document.body.dataset.report = report ? 'ready' : 'none';
  document.dispatchEvent(new CustomEvent('qunlens:report', { detail: report }));
}

function renderAll() {
  translateDom();
  renderLangSelect();
  const r = state.report;
  $('empty').hidden = !!r;
  $('results').hidden = !r;
  $('clear-button').hidden = state.pending > 0 || !r;
  $('generator').textContent = r ? `· ${r.generator}` : '';
  renderProgress();
  if (!r) {
    $('activity-view').replaceChildren();
    return;
  }
  renderSummary(r);
  renderTabs(r);
  renderInputs(r);
  renderGroups(r);
  renderMembersControls(r);
  renderActivityControls(r);
  // The tabs not shown are rendered when they are opened (showTab): a load's report reaches
  // the screen sooner (the members table sorts every member: 79,000 in a year's field data).
  if (state.tab === 'members') renderMembers();
  if (state.tab === 'activity') renderActivity();
  if (state.tab === 'roles') renderRolesTab();
  if (state.tab === 'health') renderHealthTab();
  if (state.tab === 'leaderboard') renderLeaderboardTab();
  if (state.tab === 'funnel') renderFunnelTab();
  if (state.tab === 'attribution') renderAttributionTab();
  if (state.tab === 'identity') renderIdentityTab();
}

/** The config the page sends the worker: saved column mappings plus the roles view's settings. */
function pageConfig() {
  const config = mergeConfig({ ...rolesConfig(), ...identityConfig(), ...leaderboardConfig(), ...funnelConfig(), ...attributionConfig() });
  if (savedMaps().length) config.column_maps = savedMaps();
  return config;
}

function renderRolesTab() {
  if (!state.report) return;
  renderRoles($('roles-view'), state.report, {
    worker: state.worker,
    groupNames: state.groupNames,
    onConfig: () => send({ type: 'config', config: pageConfig() }),
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderHealthTab() {
  if (!state.report) return;
  renderHealth($('health-view'), state.report, {
    worker: state.worker,
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderIdentityTab() {
  if (!state.report) return;
  renderIdentity($('identity-view'), state.report, {
    worker: state.worker,
    onConfig: () => send({ type: 'config', config: pageConfig() }),
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderLeaderboardTab() {
  if (!state.report) return;
  renderLeaderboard($('leaderboard-view'), state.report, {
    worker: state.worker,
    config: pageConfig,
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderFunnelTab() {
  if (!state.report) return;
  renderFunnel($('funnel-view'), state.report, {
    worker: state.worker,
    config: pageConfig,
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderAttributionTab() {
  if (!state.report) return;
  renderAttribution($('attribution-view'), state.report, {
    worker: state.worker,
    config: pageConfig,
    onError: (e) => notify('error', 'notice.export', { message: String(e.message || e) }),
  });
}

function renderSummary(r) {
  const card = (label, value, extra) =>
    el('div', { class: 'stat' }, el('div', { class: 'stat-label', text: label }), el('div', { class: 'stat-value', text: value }),
      extra ? el('div', { class: 'stat-extra', text: extra }) : null);
  $('summary').replaceChildren(
    card(t('summary.files'), fmtNum(r.inputs.length)),
    card(t('summary.groups'), fmtNum(r.groups.length)),
    card(t('summary.members'), fmtNum(r.members.length)),
    card(t('summary.asof'), fmtDay(r.as_of), t('summary.zone', { zone: r.timezone })),
  );
}

function renderTabs(r) {
  const counts = { inputs: r.inputs.length, groups: r.groups.length, members: r.members.length, activity: null, roles: null, health: null,
    identity: r.identity ? r.identity.sources.reduce((n, s) => n + s.records, 0) : null };
  for (const btn of document.querySelectorAll('.tab')) {
    const name = btn.dataset.tab;
    const active = name === state.tab;
    btn.classList.toggle('active', active);
    btn.setAttribute('aria-selected', active ? 'true' : 'false');
    btn.querySelector('.count').textContent = counts[name] == null ? '' : fmtNum(counts[name]);
    $(`panel-${name}`).hidden = !active;
  }
}

function showTab(name) {
  state.tab = name;
  renderTabs(state.report);
  if (name === 'members') renderMembers();
  if (name === 'activity') renderActivity();
  if (name === 'roles') renderRolesTab();
  if (name === 'health') renderHealthTab();
  if (name === 'leaderboard') renderLeaderboardTab();
  if (name === 'funnel') renderFunnelTab();
  if (name === 'attribution') renderAttributionTab();
  if (name === 'identity') renderIdentityTab();
}

// ---------------------------------------------------------------- inputs

function renderInputs(r) {
  renderOverlap(r);
  const body = $('inputs-table').tBodies[0];
  if (!r.inputs.length) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'empty-line', text: t('inputs.empty') })));
    return;
  }
  const rows = [];
  for (const input of r.inputs) {
    // A file stopped at a cap (config limits) keeps what was read: partly read, not unread.
    const stopped = input.error_code === 'limit_reached' && input.messages > 0;
    const status = stopped ? 'stopped' : input.error ? 'error' : input.skipped_count > 0 ? 'partial' : 'ok';
    rows.push(el('tr', { class: `input-row ${status}`, dataset: { file: input.file } },
      el('td', { class: 'file', text: input.file }),
      el('td', { class: input.format ? 'mono' : 'muted', text: input.format || t('inputs.unknown') }),
      el('td', { class: 'mono', text: input.encoding || t('dash') }),
      el('td', { class: 'num', text: fmtBytes(input.bytes) }),
      el('td', { class: 'num', dataset: { col: 'rows' }, text: fmtNum(input.rows) }),
      el('td', { class: 'num', dataset: { col: 'messages' }, text: fmtNum(input.messages) }),
      el('td', { class: 'num', dataset: { col: 'skipped' }, text: fmtNum(input.skipped_count) }),
      el('td', {}, el('span', { class: `badge ${status}`, text: t(`inputs.${status}`) }))));
    const details = [];
    if (input.error) {
      // The core's message is English; show the translated sentence for its code first (a
      // file a cap kept from being read at all is told apart from one it stopped part way).
      const code = input.error_code === 'limit_reached' && !stopped ? 'limit_reached_unread' : input.error_code;
      const key = `error.${code}`;
      const translated = getLang() === 'en' || !input.error_code ? null : t(key);
      const text = translated && translated !== key ? `${translated}（${input.error}）` : input.error;
      details.push(el('p', { class: 'input-error', text }));
      const mappable = input.error_code === 'unknown_format' || input.error_code === 'missing_columns';
      if (mappable && /\.(csv|txt|xlsx|xls)$/i.test(input.file) && state.source === 'files') {
        details.push(el('button', {
          type: 'button', class: 'button map-button', dataset: { file: input.file }, text: t('map.button'),
          onclick: () => state.worker.postMessage({ type: 'preview', file: input.file }),
        }));
      }
    }
    if (input.skipped.length) {
      const list = el('ul', { class: 'skips' },
        ...input.skipped.map((s) => el('li', {},
          // Line 0: a skip that belongs to no line (dates out of range, a message in a zip's JSON).
          el('span', { class: 'skip-where', text: s.line ? t('inputs.where', { file: input.file, line: fmtNum(s.line) }) : input.file }),
          el('span', { class: 'skip-reason', text: skipReason(s) }))));
      details.push(list);
      const more = input.skipped_count - input.skipped.length;
      if (more > 0) details.push(el('p', { class: 'muted', text: t('inputs.more_skipped', { count: fmtNum(more) }) }));
    }
    for (const note of input.notes || []) {
      const key = `note.${note.code}`;
      const translated = t(key, { count: fmtNum(note.count), detail: note.detail || '' });
      details.push(el('p', { class: 'muted input-note', text: translated !== key ? translated : note.message }));
    }
    if (input.malformed_bytes > 0) {
      details.push(el('p', { class: 'muted', text: t('inputs.malformed', { count: fmtNum(input.malformed_bytes), encoding: input.encoding || '' }) }));
    }
    if (details.length) rows.push(el('tr', { class: `input-details ${status}` }, el('td', { colspan: 8 }, ...details)));
  }
  body.replaceChildren(...rows);
}

/** Overlapping exports (the same group exported twice): each file's row counts the messages
 *  read from it, so a line says how many are in more than one file, and in which groups. */
function renderOverlap(r) {
  const groups = (r.groups || []).filter((g) => g.duplicates > 0).sort((a, b) => b.duplicates - a.duplicates);
  const p = $('inputs-overlap');
  p.hidden = !groups.length;
  if (!groups.length) return;
  const sep = getLang() === 'en' ? ', ' : '、';
  const names = groups.slice(0, 3).map((g) => g.name).join(sep) + (groups.length > 3 ? sep + '…' : '');
  p.textContent = t('inputs.overlap', { count: fmtNum(groups.reduce((n, g) => n + g.duplicates, 0)), groups: names });
}

/** A skip's reason in the page's language: the core's English sentence, or the sentence kept
 *  for its code with its detail (a report saved before skips had codes keeps its English). */
function skipReason(s) {
  const key = `skip.${s.code}`;
  const sentence = getLang() === 'en' || !s.code ? key : t(key, { detail: s.detail });
  if (sentence === key) return s.reason;
  return s.detail && !t(key).includes('{detail}') ? `${sentence}（${s.detail}）` : sentence;
}

// ---------------------------------------------------------------- sorting

function compareBy(key, type, dir) {
  const sign = dir === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(locale(), { numeric: true });
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x == null && y == null) return 0;
    if (x == null) return 1; // missing values last either way
    if (y == null) return -1;
    if (type === 'num') return sign * (x - y);
    return sign * (type === 'text' ? collator.compare(x, y) : x < y ? -1 : x > y ? 1 : 0);
  };
}

/** Header cells that sort `sortState` on click. */
function sortableHeader(cols, sortState, onSort) {
  return cols.map((c) => {
    const sorted = sortState && sortState.key === c.key ? sortState.dir : null;
    const th = el('th', {
      class: [c.type === 'num' ? 'num' : '', c.sortable === false ? '' : 'sortable-th'].join(' ').trim(),
      dataset: { col: c.key },
      'aria-sort': sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : null,
    });
    if (c.sortable === false) {
      th.textContent = c.label();
      return th;
    }
    const btn = el('button', { type: 'button', class: 'th-button' },
      el('span', { text: c.label() }), el('span', { class: 'sort-mark', text: sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '' }));
    btn.addEventListener('click', () => {
      const first = c.type === 'text' ? 'asc' : 'desc';
      const dir = sorted ? (sorted === 'asc' ? 'desc' : 'asc') : first;
      onSort({ key: c.key, type: c.type, dir });
    });
    th.append(btn);
    return th;
  });
}

// ---------------------------------------------------------------- groups

const GROUP_COLS = [
  { key: 'name', type: 'text', label: () => t('groups.name') },
  { key: 'platform', type: 'text', label: () => t('groups.platform') },
  { key: 'members', type: 'num', label: () => t('groups.members') },
  { key: 'speakers', type: 'num', label: () => t('groups.speakers') },
  { key: 'active_members', type: 'num', label: () => t('groups.active', { days: state.report?.active_days ?? 30 }) },
  { key: 'messages', type: 'num', label: () => t('groups.messages') },
  { key: 'joins', type: 'num', label: () => t('groups.joins') },
  { key: 'leaves', type: 'num', label: () => t('groups.leaves') },
  { key: 'first_message', type: 'time', label: () => t('groups.first') },
  { key: 'last_message', type: 'time', label: () => t('groups.last') },
];

function renderGroups(r) {
  const table = $('groups-table');
  table.tHead.rows[0].replaceChildren(...sortableHeader(GROUP_COLS, state.groupSort, (s) => {
    state.groupSort = s;
    renderGroups(state.report);
  }));
  const body = table.tBodies[0];
  if (!r.groups.length) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: GROUP_COLS.length, class: 'empty-line', text: t('groups.empty') })));
    return;
  }
  const groups = r.groups.slice();
  if (state.groupSort) groups.sort(compareBy(state.groupSort.key, state.groupSort.type, state.groupSort.dir));
  body.replaceChildren(...groups.map((g) => el('tr', { dataset: { groupId: g.id } },
    el('td', { class: 'group-name', dataset: { col: 'name' } },
      el('button', { type: 'button', class: 'link', text: g.name || g.id, title: g.id, onclick: () => { state.activityGroup = g.id; renderActivityControls(state.report); showTab('activity'); } })),
    el('td', { dataset: { col: 'platform' }, text: t(`platform.${g.platform}`) }),
    ...['members', 'speakers', 'active_members', 'messages', 'joins', 'leaves'].map((k) =>
      el('td', { class: 'num', dataset: { col: k }, text: fmtNum(g[k]) })),
    el('td', { class: 'time', dataset: { col: 'first_message' }, text: fmtTime(g.first_message) }),
    el('td', { class: 'time', dataset: { col: 'last_message' }, text: fmtTime(g.last_message) }),
  )));
}

// ---------------------------------------------------------------- members

const MEMBER_COLS = [
  { key: 'name', type: 'text', label: () => t('members.name') },
  { key: 'platform_id', type: 'text', label: () => t('members.id') },
  { key: 'groups', type: 'text', sortable: false, label: () => t('members.groups') },
  { key: 'messages', type: 'num', label: () => t('members.messages') },
  { key: 'last_active', type: 'time', label: () => t('members.lastActive') },
  { key: 'inviter', type: 'text', sortable: false, label: () => t('members.inviter') },
];

function renderMembersControls(r) {
  const select = $('member-group');
  select.replaceChildren(el('option', { value: '', text: t('members.allGroups') }),
    ...r.groups.map((g) => el('option', { value: g.id, text: g.name || g.id })));
  select.value = state.memberGroup;
  $('member-search').value = state.memberQuery;
}

/** Lower-cased search text per member (names, ids, group names), in report.members order. */
function memberHay() {
  state.memberHay ||= state.report.members.map((m) =>
    [m.name, ...m.names.map((n) => n.name), m.platform_id || '', m.id, ...m.groups.map((g) => state.groupNames.get(g) || g)]
      .join('\n').toLowerCase());
  return state.memberHay;
}

/** Indices of report.members that pass the search and group filter, in display order. */
function filteredMembers() {
  const r = state.report;
  const q = state.memberQuery.trim().toLowerCase();
  const terms = q ? q.split(/\s+/) : [];
  const out = [];
  for (let i = 0; i < r.members.length; i++) {
    if (state.memberGroup && !r.members[i].groups.includes(state.memberGroup)) continue;
    if (terms.length && !terms.every((term) => memberHay()[i].includes(term))) continue;
    out.push(i);
  }
  if (state.memberSort) {
    const cmp = compareBy(state.memberSort.key, state.memberSort.type, state.memberSort.dir);
    out.sort((a, b) => cmp(r.members[a], r.members[b]) || a - b);
  }
  return out;
}

function renderMembers() {
  const r = state.report;
  if (!r) return;
  const table = $('members-table');
  table.tHead.rows[0].replaceChildren(...sortableHeader(MEMBER_COLS, state.memberSort, (s) => {
    state.memberSort = s;
    state.memberPage = 0;
    renderMembers();
  }));
  const body = table.tBodies[0];
  const idx = filteredMembers();
  const pages = Math.max(1, Math.ceil(idx.length / PAGE_SIZE));
  state.memberPage = Math.min(state.memberPage, pages - 1);
  const from = state.memberPage * PAGE_SIZE;
  const shown = idx.slice(from, from + PAGE_SIZE);
  $('member-count').textContent = idx.length
    ? t('members.showing', { from: fmtNum(from + 1), to: fmtNum(from + shown.length), total: fmtNum(idx.length) })
    : '';
  $('page-info').textContent = t('members.page', { page: fmtNum(state.memberPage + 1), pages: fmtNum(pages) });
  $('page-prev').disabled = state.memberPage === 0;
  $('page-next').disabled = state.memberPage >= pages - 1;
  if (!shown.length) {
    const text = r.members.length ? t('members.none') : t('members.empty');
    body.replaceChildren(el('tr', {}, el('td', { colspan: MEMBER_COLS.length, class: 'empty-line', text })));
    return;
  }
  body.replaceChildren(...shown.map((i) => memberRow(r.members[i])));
}

/** The filtered, sorted member list as a spreadsheet (all pages, not just the visible one). */
async function exportMembers(format) {
  const r = state.report;
  if (!r) return;
  const headers = MEMBER_COLS.map((c) => c.label());
  const rows = filteredMembers().map((i) => {
    const m = r.members[i];
    return [m.name, m.platform_id ?? null, m.groups.map((g) => state.groupNames.get(g) || g).join('; '),
      m.messages, m.last_active ?? null, m.inviter?.name ?? null];
  });
  try {
    await downloadTable(state.worker, t('export.membersFile'), headers, rows, format);
  } catch (e) {
    notify('error', 'notice.export', { message: String(e.message || e) });
  }
}

function memberRow(m) {
  const nameCell = el('td', { class: 'member-name', dataset: { col: 'name' } },
    el('span', { class: 'name', text: m.name || t('dash') }),
    m.is_self ? el('span', { class: 'badge self', text: t('members.self') }) : null);
  const earlier = m.names.filter((n) => n.name !== m.name);
  if (earlier.length) {
    nameCell.append(el('div', { class: 'names-history' },
      el('span', { class: 'muted', text: t('members.formerly') }),
      ...earlier.map((n, k) => el('span', { class: 'old-name', title: `${fmtTime(n.first_seen)} – ${fmtTime(n.last_seen)}` },
        el('span', { text: n.name }),
        el('span', { class: 'muted', text: ` (${fmtDay(n.first_seen)} – ${fmtDay(n.last_seen)})${k < earlier.length - 1 ? ', ' : ''}` })))));
  }
  const names = m.groups.map((g) => state.groupNames.get(g) || g);
  const groupsText = names.length > 3 ? `${names.slice(0, 3).join('、')} ${t('members.more', { count: names.length - 3 })}` : names.join('、');
  let inviter = t('dash');
  if (m.inviter) inviter = m.inviter.name || m.inviter.id;
  const method = m.join_method ? t(`join.${m.join_method}`) : '';
  return el('tr', { dataset: { memberId: m.id } },
    nameCell,
    el('td', { class: 'mono small', dataset: { col: 'platform_id' }, text: m.platform_id || t('dash') }),
    el('td', { class: 'groups-cell', dataset: { col: 'groups' }, title: names.join('\n'), text: groupsText || t('dash') }),
    el('td', { class: 'num', dataset: { col: 'messages' }, text: fmtNum(m.messages) }),
    el('td', { class: 'time', dataset: { col: 'last_active' }, text: fmtTime(m.last_active) }),
    el('td', { dataset: { col: 'inviter' } },
      el('span', { text: inviter }),
      method ? el('span', { class: 'badge method', text: method }) : null));
}

// ---------------------------------------------------------------- activity

function renderActivityControls(r) {
  const select = $('activity-group');
  select.replaceChildren(el('option', { value: '', text: t('activity.all') }),
    ...r.groups.map((g) => el('option', { value: g.id, text: g.name || g.id })));
  select.value = state.activityGroup;
  $('activity-note').textContent = t('activity.note', { zone: r.timezone });
}

function renderActivity() {
  if (!state.report) return;
  renderActivityView($('activity-view'), state.report, { group: state.activityGroup });
}

// ---------------------------------------------------------------- language

function renderLangSelect() {
  const select = $('lang-select');
  if (!select.options.length) {
    for (const [code, name] of Object.entries(LANGS)) select.append(el('option', { value: code, text: name }));
  }
  select.value = getLang();
}

// ---------------------------------------------------------------- drag and drop (files and folders)

/** Media an export folder holds beside the chat (QQ Chat Exporter's resources/, WeChat's
 *  images and voice notes): not read when a folder is dropped or chosen, only counted. Files
 *  chosen one by one are all read (a wrong one gets its error line). */
const MEDIA = /\.(jpe?g|png|gif|webp|bmp|heic|ico|svg|mp4|mov|avi|mkv|webm|amr|silk|slk|mp3|m4a|aac|wav|ogg|opus|flac|pdf|docx?|pptx?)$/i;

/** Loads the files of dropped or chosen folders, without their media (with a notice). */
function loadFolderFiles(files) {
  const media = files.filter((f) => MEDIA.test(f.name)).length;
  if (media) notify('info', 'notice.media_skipped', { count: fmtNum(media) });
  const exports = files.filter((f) => !MEDIA.test(f.name));
  if (exports.length) loadFiles(exports);
}

/** The files of a drop, and whether it held a folder (walked: its media are left out). */
async function filesFromDrop(dt) {
  const entries = [...(dt.items || [])].map((it) => (it.webkitGetAsEntry ? it.webkitGetAsEntry() : null));
  if (!entries.length || entries.some((e) => !e)) return { files: [...dt.files], folder: false };
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      if (!entry.name.startsWith('.')) out.push(await new Promise((res, rej) => entry.file(res, rej)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return { files: out, folder: entries.some((e) => e.isDirectory) };
}

function wireDropZone() {
  const zone = $('drop-zone');
  let depth = 0;
  document.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; zone.classList.add('dragging'); });
  document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) zone.classList.remove('dragging'); });
  document.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dragging');
    if (!e.dataTransfer) return;
    const { files, folder } = await filesFromDrop(e.dataTransfer);
    if (folder) loadFolderFiles(files);
    else if (files.length) loadFiles(files);
  });
}

// ---------------------------------------------------------------- column mappings

const MAPS_KEY = 'qunlens.columnMaps';
const MAP_FIELDS = [
  ['time', true], ['sender', true], ['text', true], ['group', false], ['sender_id', false], ['reply_to', false],
];

/** Mappings saved in this browser (config `column_maps`, see qunlens-report.d.ts `Config`). */
function savedMaps() {
  try {
    const maps = JSON.parse(localStorage.getItem(MAPS_KEY) || '[]');
    return Array.isArray(maps) ? maps : [];
  } catch {
    return [];
  }
}

/**
 * Business-file fields a mapping can name, per kind (config `column_maps[].kind` / `.fields`,
 * see qunlens-report.d.ts `ColumnMap`); identity fields first.
 */
const BUSINESS_FIELDS = {
  crm: ['name', 'phone', 'email', 'platform_id', 'remark', 'nickname', 'id', 'company', 'owner', 'source', 'campaign', 'created', 'stage', 'amount', 'currency', 'close_date'],
  roster: ['member', 'name', 'group', 'tag', 'inviter', 'channel', 'join_time', 'phone', 'email', 'remark'],
  sdr_log: ['sdr', 'date', 'calls', 'invitations', 'invited', 'phone'],
};
const MAP_KINDS = ['messages', 'crm', 'roster', 'sdr_log'];

/** Shows an unrecognised CSV's first rows and lets the user name its columns. */
function openMapDialog(file, preview) {
  const dialog = $('map-dialog');
  const columnSelect = (field, required) => el('select', { id: `map-${field}`, name: field },
    required ? null : el('option', { value: '', text: t('map.none') }),
    ...preview.columns.map((c) => el('option', { value: c, text: c })));
  const head = el('tr', {}, ...preview.columns.map((c) => el('th', { text: c })));
  const rows = preview.rows.map((r) => el('tr', {}, ...preview.columns.map((_, i) => el('td', { text: r[i] ?? '' }))));
  const fieldLabel = (text, select) => el('label', {}, el('span', { text }), select);
  const messageFields = () => [
    ...MAP_FIELDS.map(([field, required]) => fieldLabel(t(`map.${field}`) + (required ? ' *' : ''), columnSelect(field, required))),
    fieldLabel(t('map.date_order'),
      el('select', { id: 'map-date_order' }, ...['ymd', 'dmy', 'mdy'].map((o) => el('option', { value: o, text: t(`map.order.${o}`) })))),
  ];
  const businessFields = (kind) => BUSINESS_FIELDS[kind].map((f) => fieldLabel(t(`mapb.f.${f}`), columnSelect(f, false)));
  const fields = el('div', { class: 'map-fields', id: 'map-fields' });
  const help = el('p', { class: 'muted' });
  const showKind = (kind) => {
    fields.replaceChildren(...(kind === 'messages' ? messageFields() : businessFields(kind)));
    help.textContent = kind === 'messages' ? t('map.help', { encoding: preview.encoding }) : t('mapb.help', { encoding: preview.encoding });
  };
  // A file refused for missing columns looks like a business file already.
  const refused = state.report?.inputs.find((i) => i.file === file);
  const initial = refused?.error_code === 'missing_columns' ? 'crm' : 'messages';
  const kindSelect = el('select', { id: 'map-kind', onchange: (e) => showKind(e.target.value) },
    ...MAP_KINDS.map((k) => el('option', { value: k, text: t(`mapb.kind.${k}`) })));
  kindSelect.value = initial;
  dialog.replaceChildren(el('form', { method: 'dialog', class: 'map-form' },
    el('h2', { text: t('map.title', { file }) }),
    fieldLabel(t('mapb.kind'), kindSelect),
    help,
    el('div', { class: 'table-wrap' }, el('table', { class: 'data preview' }, el('thead', {}, head), el('tbody', {}, ...rows))),
    fields,
    el('div', { class: 'map-actions' },
      el('button', { type: 'button', class: 'button primary', id: 'map-save', text: t('map.save'), onclick: () => saveMap(dialog, file) }),
      el('button', { type: 'button', class: 'button', id: 'map-export', text: t('map.export'), onclick: exportSetup }),
      el('button', { type: 'button', class: 'button subtle', text: t('map.cancel'), onclick: () => dialog.close() }))));
  showKind(initial);
  // Preselect likely message columns by name.
  const guess = { time: /time|date|时间|日期/i, sender: /sender|author|from|name|发送|昵称|用户/i, text: /text|content|message|内容|消息/i };
  for (const [field, re] of Object.entries(initial === 'messages' ? guess : {})) {
    const hit = preview.columns.find((c) => re.test(c));
    if (hit) $(`map-${field}`).value = hit;
  }
  dialog.showModal();
}

/** The mapping the dialog describes, or null while a required choice is missing. */
function mapFromDialog(file) {
  const kind = $('map-kind').value;
  if (kind !== 'messages') {
    const fields = {};
    for (const f of BUSINESS_FIELDS[kind]) if ($(`map-${f}`).value) fields[f] = $(`map-${f}`).value;
    return Object.keys(fields).length ? { name: file, kind, fields } : null;
  }
  const map = { name: file, date_order: $('map-date_order').value };
  for (const [field, required] of MAP_FIELDS) {
    const v = $(`map-${field}`).value;
    if (v) map[field] = v;
    else if (required) return null;
  }
  return map;
}

function saveMap(dialog, file) {
  const map = mapFromDialog(file);
  if (!map) return;
  const maps = [map, ...savedMaps().filter((m) => m.name !== file)];
  localStorage.setItem(MAPS_KEY, JSON.stringify(maps));
  dialog.close();
  send({ type: 'config', config: pageConfig() });
}

/** Downloads the whole setup (every setting, mapping and decision) as a config file the CLI
 *  accepts (`--config`). */
function exportSetup() {
  const blob = new Blob([JSON.stringify(pageConfig(), null, 2)], { type: 'application/json' });
  saveBlob(blob, 'qunlens-config.json');
}

/** Reads a setup file chosen by the user, stores it, and recomputes with it. */
async function importSetupFile(file) {
  try {
    const n = importSetup(await file.text());
    notify('info', 'setup.imported', { n, file: file.name });
    send({ type: 'config', config: pageConfig() });
  } catch (e) {
    notify('error', 'setup.bad', { file: file.name, message: String(e.message || e) });
  }
}

// ---------------------------------------------------------------- wiring

/** The report as JSON, exactly as the worker produced it (the CLI writes the same). */
function downloadReportJson() {
  if (!state.report) return;
  saveBlob(new Blob([JSON.stringify(state.report, null, 2)], { type: 'application/json' }), `qunlens-report-${(state.report.as_of || '').slice(0, 10) || 'empty'}.json`);
}

/** A single self-contained HTML file of the main views, charts inlined. */
async function downloadReportHtml() {
  if (!state.report) return;
  try {
    const html = await buildHtmlReport(state.report);
    saveBlob(new Blob([html], { type: 'text/html;charset=utf-8' }), `qunlens-report-${(state.report.as_of || '').slice(0, 10) || 'empty'}.html`);
  } catch (e) {
    notify('error', 'notice.export', { message: String(e.message || e) });
  } finally {
    renderAll(); // the views drew into the staging area; draw the visible tab again
  }
}

function wire() {
  $('groups-export').append(tableExport('groups-table', 'groups', () => state.worker,
    (e) => notify('error', 'notice.export', { message: String(e.message || e) })));
  $('report-json').addEventListener('click', downloadReportJson);
  $('report-html').addEventListener('click', downloadReportHtml);
  $('setup-export').addEventListener('click', exportSetup);
  $('setup-input').addEventListener('change', (e) => {
    const [file] = e.target.files;
    e.target.value = '';
    if (file) importSetupFile(file);
  });
  $('file-input').addEventListener('change', (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    if (files.length) loadFiles(files);
  });
  $('folder-input').addEventListener('change', (e) => {
    const files = [...e.target.files].filter((f) => !f.name.startsWith('.'));
    e.target.value = '';
    loadFolderFiles(files);
  });
  $('sample-button').addEventListener('click', loadSample);
  $('clear-button').addEventListener('click', clearAll);
  $('cancel-button').addEventListener('click', () => state.worker.postMessage({ type: 'cancel' }));
  $('members-csv').addEventListener('click', () => exportMembers('csv'));
  $('members-xlsx').addEventListener('click', () => exportMembers('xlsx'));
  $('lang-select').addEventListener('change', (e) => {
    setLang(e.target.value);
    renderNotices();
    renderAll();
  });
  // Phone numbers and e-mails are masked on screen unless the user shows them (exports keep them).
  const contacts = $('show-contacts');
  contacts.checked = localStorage.getItem(CONTACTS_KEY) === 'true';
  setShowContacts(contacts.checked);
  contacts.addEventListener('change', () => {
    setShowContacts(contacts.checked);
    try { localStorage.setItem(CONTACTS_KEY, String(contacts.checked)); } catch { /* storage off */ }
    renderAll();
  });
  for (const btn of document.querySelectorAll('.tab')) btn.addEventListener('click', () => showTab(btn.dataset.tab));
  let timer = 0;
  $('member-search').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.memberQuery = e.target.value; state.memberPage = 0; renderMembers(); }, 120);
  });
  $('member-group').addEventListener('change', (e) => { state.memberGroup = e.target.value; state.memberPage = 0; renderMembers(); });
  $('page-prev').addEventListener('click', () => { state.memberPage--; renderMembers(); });
  $('page-next').addEventListener('click', () => { state.memberPage++; renderMembers(); });
  $('activity-group').addEventListener('change', (e) => { state.activityGroup = e.target.value; renderActivity(); });
  wireDropZone();
}

wire();
renderAll();
startWorker();
