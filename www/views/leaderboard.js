// The Leaderboard / 积分榜 view: window picker, group filter, rules editor (re-ranks in the
// worker from the cached classification, no re-reading), ranked table with an expandable
// per-rule breakdown, bar chart, monthly stars, CSV/xlsx export. Renders report.leaderboard
// only; every string is set as text. Reusable by widgets: renderLeaderboard(container, report, opts).
import * as echarts from '../vendor/echarts.js';
import { t, formatNumber } from '../i18n.js';
import { downloadTable } from '../export.js';
import { el, field, select, maskContacts } from './dom.js';
import { tableExport } from './table-export.js';
import { chartBox } from './chart-box.js';
import { settingsStore } from './store.js';
import { recompute } from './recompute.js';

const STORE_KEY = 'qunlens.leaderboard';
/** Point rules in breakdown order (the report's `rules.points` keys). */
export const RULES = ['discussion', 'question', 'answer', 'share', 'long_share', 'replied', 'checkin', 'sticker', 'red_packet', 'invite', 'invite_active'];
/** Numeric anti-spam settings the editor offers. */
const LIMITS = ['cooldown_s', 'daily_cap_per_rule', 'daily_cap', 'min_len', 'long_share_len'];

const view = { section: null, report: null, chart: null, open: new Set(), seq: 0 };
const fmt = (n) => formatNumber(n);

const store = settingsStore(STORE_KEY);

/** Leaderboard settings kept in this browser (config key `leaderboard`). */
export const savedLeaderboard = store.load;

/** The config keys this view owns, merged into the page's config by app.js. */
export const leaderboardConfig = () => store.configUnder('leaderboard');

const save = store.save;

/**
 * Renders report.leaderboard into `container`.
 * opts: { worker (re-rank + exports), config() -> the page's whole config, onError(e) }
 */
export function renderLeaderboard(container, report, opts = {}) {
  if (view.report !== report) {
    view.report = report;
    view.section = null;
  }
  const lb = view.section || report?.leaderboard;
  if (!lb) {
    container.replaceChildren(el('p', { class: 'empty-line', text: t('lb.empty') }));
    return;
  }
  const rerank = (patch) => {
    save(patch);
    requestRerank(container, report, opts);
  };
  const chart = chartBox('lb-chart');
  container.replaceChildren(
    el('p', { class: 'hint', id: 'lb-semantics', text: t('lb.semantics') }),
    windowControls(lb, report, rerank),
    rulesEditor(lb.rules, rerank),
    el('h3', { text: t('lb.table', { n: lb.entries.length }) }),
    exportButtons(lb, opts),
    entriesTable(lb),
    chart.box,
    el('h3', { text: t('lb.stars') }),
    starsTable(lb),
    tableExport('lb-stars', 'leaderboard-stars', () => opts.worker, opts.onError),
  );
  drawChart(chart.node, lb.entries.slice(0, 20));
}

/** Asks the worker for the leaderboard under the saved rules; only the newest answer is drawn. */
function requestRerank(container, report, opts) {
  if (!opts.worker) return;
  const id = ++view.seq;
  const config = { ...(opts.config ? opts.config() : {}), ...leaderboardConfig() };
  const started = performance.now();
  recompute(opts.worker, 'leaderboard', config).then(({ section, ms }) => {
    if (id !== view.seq) return;
    view.section = section;
    renderLeaderboard(container, report, opts);
    // For tests and benchmarks: round trip and the worker's own time.
    container.dataset.rerankMs = String(Math.round(performance.now() - started));
    container.dataset.workerMs = String(ms);
    container.dataset.rerank = String(id);
  }, (e) => opts.onError?.(e));
}

function windowControls(lb, report, rerank) {
  const w = lb.window;
  const kinds = ['month', 'week', 'custom', 'all'].map((k) => [k, t(`lb.window.${k}`)]);
  const parts = [field(t('lb.window'), select('lb-window', kinds, w.kind, (v) => rerank({ window: v, period: null })))];
  if (w.kind === 'month' || w.kind === 'week') {
    parts.push(field(t('lb.period'), select('lb-period', w.periods.map((p) => [p, p]), w.period, (v) => rerank({ period: v }))));
  }
  if (w.kind === 'custom') {
    const day = (id, key, value) => el('input', { id, type: 'date', value: value || '', onchange: (e) => rerank({ [key]: e.target.value || null }) });
    parts.push(field(t('lb.from'), day('lb-from', 'from', lb.rules.from)), field(t('lb.to'), day('lb-to', 'to', lb.rules.to)));
  }
  const groups = [['', t('lb.allGroups')], ...report.groups.map((g) => [g.id, g.name || g.id])];
  parts.push(field(t('lb.group'), select('lb-group', groups, w.group || '', (v) => rerank({ group: v || null }))));
  const range = w.start || w.end ? `${(w.start || '…').slice(0, 10)} – ${(w.end || '…').slice(0, 10)} (${t('lb.endExclusive')})` : t('lb.window.all');
  parts.push(el('span', { class: 'hint', id: 'lb-range', text: range }));
  return el('div', { class: 'controls lb-controls' }, ...parts);
}

function rulesEditor(rules, rerank) {
  const number = (id, value, onchange) => el('input', {
    id, type: 'number', min: '0', step: '1', value: String(value), class: 'lb-number',
    onchange: (e) => { const n = Math.max(0, Math.floor(Number(e.target.value) || 0)); onchange(n); },
  });
  const points = RULES.map((r) => field(t(`lb.rule.${r}`), number(`lb-rule-${r}`, rules.points[r], (n) => rerank({ points: { ...rules.points, [r]: n } }))));
  const limits = LIMITS.map((k) => field(t(`lb.limit.${k}`), number(`lb-limit-${k}`, rules[k], (n) => rerank({ [k]: n }))));
  const staff = el('input', { id: 'lb-include-staff', type: 'checkbox', onchange: (e) => rerank({ include_staff: e.target.checked }) });
  staff.checked = !!rules.include_staff;
  const reset = el('button', { type: 'button', id: 'lb-reset', class: 'secondary', text: t('lb.reset'), onclick: () => {
    store.clear();
    rerank({});
  } });
  return el('details', { class: 'lb-rules', open: true },
    el('summary', { text: t('lb.rules') }),
    el('div', { class: 'lb-grid' }, ...points),
    el('div', { class: 'lb-grid' }, ...limits, field(t('lb.includeStaff'), staff)),
    reset);
}

/** "question 3 × 10 = 30 (−10 capped)". */
function lineText(l) {
  const capped = l.capped ? ` ${t('lb.capped', { n: fmt(l.capped) })}` : '';
  return `${t(`lb.rule.${l.rule}`)} ${fmt(l.count)} × ${fmt(l.value)} = ${fmt(l.points)}${capped}`;
}

function entriesTable(lb) {
  const head = el('tr', {}, ...['rank', 'member', 'points', 'breakdown'].map((k) =>
    el('th', { class: k === 'rank' || k === 'points' ? 'num' : '', dataset: { col: k }, text: t(`lb.col.${k}`) })));
  const rows = lb.entries.map((e) => {
    const details = el('details', { ontoggle: (ev) => (ev.target.open ? view.open.add(e.member) : view.open.delete(e.member)) },
      el('summary', { text: e.breakdown.map((l) => `${t(`lb.rule.${l.rule}`)} ${fmt(l.points)}`).join(' · ') }),
      el('ul', { class: 'lb-breakdown' }, ...e.breakdown.map((l) => el('li', { dataset: { rule: l.rule }, text: lineText(l) })),
        el('li', { class: 'hint', text: t('lb.skipped', { cooldown: fmt(e.skipped.cooldown), duplicate: fmt(e.skipped.duplicate), short: fmt(e.skipped.too_short) }) })));
    details.open = view.open.has(e.member);
    return el('tr', { dataset: { member: e.member } },
      el('td', { class: 'num', dataset: { col: 'rank' }, text: String(e.rank) }),
      el('td', { dataset: { col: 'member' }, title: e.member, text: e.name || e.member }),
      el('td', { class: 'num', dataset: { col: 'points' }, text: fmt(e.points) }),
      el('td', { dataset: { col: 'breakdown' } }, details));
  });
  return el('div', { class: 'table-wrap' },
    el('table', { id: 'lb-table', class: 'data' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function exportButtons(lb, opts) {
  const headers = ['rank', 'member', 'name', 'points', 'breakdown'].map((k) => t(`lb.col.${k}`));
  const rows = lb.entries.map((e) => [e.rank, e.member, e.name, e.points, e.breakdown.map(lineText).join('; ')]);
  const stem = `leaderboard-${lb.window.period || lb.window.kind}`;
  const button = (format) => el('button', {
    type: 'button', id: `lb-${format}`, class: 'secondary', text: t(`lb.export.${format}`),
    onclick: () => downloadTable(opts.worker, stem, headers, rows, format).catch((e) => opts.onError?.(e)),
  });
  return el('div', { class: 'controls' }, button('csv'), button('xlsx'));
}

function starsTable(lb) {
  const who = (s) => (s ? `${s.name || s.member} (${fmt(s.value)})` : '—');
  const head = el('tr', {}, ...['month', 'most_active', 'best_promoter', 'best_helper'].map((k) => el('th', { text: t(`lb.star.${k}`) })));
  const rows = lb.stars.slice().reverse().map((s) => el('tr', { dataset: { month: s.month } },
    el('td', { text: s.month }), el('td', { text: who(s.most_active) }), el('td', { text: who(s.best_promoter) }), el('td', { text: who(s.best_helper) })));
  return el('div', { class: 'table-wrap' }, el('table', { id: 'lb-stars', class: 'data' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function drawChart(node, entries) {
  view.chart?.dispose();
  view.chart = echarts.init(node, null, { renderer: 'canvas' });
  const names = entries.map((e) => maskContacts(`${e.rank}. ${e.name || e.member}`)).reverse();
  view.chart.setOption({
    animation: false,
    grid: { left: 160, right: 24, top: 16, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: names },
    tooltip: { trigger: 'axis' },
    series: [{ type: 'bar', name: t('lb.col.points'), data: entries.map((e) => e.points).reverse(), itemStyle: { color: '#2563eb' } }],
  });
}
