// The Attribution / 归因 view: which groups, SDRs, channels and content produced the
// conversions and revenue, under every model side by side (the user picks which to show), the
// SDR credit rule's table, and a Sankey of channel -> group -> stage. Settings recompute in the
// worker from the cached journeys (never re-reading files). Renders report.attribution only;
// every string is set as text. Reusable by widgets: renderAttribution(container, report, opts).
import * as echarts from '../vendor/echarts.js';
import { t, formatNumber } from '../i18n.js';
import { el, field, select } from './dom.js';
import { tableExport } from './table-export.js';
import { chartBox } from './chart-box.js';
import { settingsStore } from './store.js';
import { recompute } from './recompute.js';
import { stepLabel, channelLabel } from './funnel.js';

const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'w_shaped', 'time_decay', 'markov', 'shapley', 'sdr_rule'];
const DIMENSIONS = ['group', 'sdr', 'channel', 'content'];
const DEFAULT_SHOWN = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay', 'markov', 'shapley', 'sdr_rule'];

/** Config key `attribution` (shared with the CLI) and the view's own choices (not config). */
const store = settingsStore('qunlens.attribution');
const viewStore = settingsStore('qunlens.attribution.view');

/** The config keys this view owns, merged into the page's config by app.js. */
export const attributionConfig = () => store.configUnder('attribution');

const view = { report: null, section: null, charts: [], seq: 0 };
const fmt = (n, digits = 1) => formatNumber(n, digits);
const pct = (x) => `${(x * 100).toFixed(1)}%`;

/** A model's display name. */
export const modelLabel = (name) => t(`attr.model.${name}`);

/** The view's choices: dimension, metric, models shown (`overrides` from a widget's attributes). */
function choices(overrides = {}) {
  const v = { ...viewStore.load(), ...Object.fromEntries(Object.entries(overrides).filter(([, x]) => x != null)) };
  return {
    dimension: DIMENSIONS.includes(v.dimension) ? v.dimension : 'group',
    metric: v.metric === 'revenue' ? 'revenue' : 'conversions',
    shown: Array.isArray(v.shown) ? MODELS.filter((m) => v.shown.includes(m)) : DEFAULT_SHOWN,
  };
}

/**
 * Renders report.attribution into `container`.
 * opts: { worker (recompute), config() -> the page's whole config, onError(e), dimension (fixed by a widget) }
 */
export function renderAttribution(container, report, opts = {}) {
  if (view.report !== report) {
    view.report = report;
    view.section = null;
  }
  const a = view.section || report?.attribution;
  for (const c of view.charts) c.dispose();
  view.charts = [];
  if (!a || !a.models) {
    container.replaceChildren(el('p', { class: 'empty-line', text: t('attr.empty') }));
    return;
  }
  const c = choices({ dimension: opts.dimension });
  const redraw = () => renderAttribution(container, report, opts);
  const change = (patch) => {
    store.save(patch);
    request(container, report, opts);
  };
  const choose = (patch) => {
    viewStore.save(patch);
    redraw();
  };
  const chart = chartBox('attr-chart');
  const sankey = chartBox('attr-sankey', 'chart-tall');
  const dim = a.dimensions.find((d) => d.dimension === c.dimension);
  container.replaceChildren(...[
    el('p', { class: 'hint', id: 'attr-semantics', text: t('attr.semantics') }),
    editor(a, report, change),
    pickers(c, choose),
    el('p', { class: 'hint', id: 'attr-summary', text: summary(a, dim) }),
    a.conversion_known ? null : el('p', { class: 'input-error', text: t('attr.unknownConversion', { step: a.settings.conversion }) }),
    comparisonTable(a, c),
    tableExport('attr-comparison', `attribution-${c.dimension}`, () => opts.worker, opts.onError),
    chart.box,
    el('h3', { text: t('attr.sdr') }),
    el('p', { class: 'hint', text: t('attr.sdrHint', { inviter: pct(a.settings.sdr_inviter_share), community: pct(a.settings.community_share) }) }),
    sdrTable(a),
    tableExport('attr-sdr', 'attribution-sdr', () => opts.worker, opts.onError),
    el('h3', { text: t('attr.sankey') }),
    sankey.box,
  ].filter(Boolean));
  drawComparison(chart.node, a, c);
  drawSankey(sankey.node, a);
}

/** Recomputes attribution in the worker with the saved settings; newest wins. */
function request(container, report, opts) {
  if (!opts.worker) return;
  const id = ++view.seq;
  const config = { ...(opts.config ? opts.config() : {}), ...attributionConfig() };
  const started = performance.now();
  recompute(opts.worker, 'attribution', config).then(({ section, ms }) => {
    if (id !== view.seq) return;
    view.section = section;
    renderAttribution(container, report, opts);
    container.dataset.recomputeMs = String(Math.round(performance.now() - started));
    container.dataset.workerMs = String(ms);
    container.dataset.recompute = String(id);
  }, (e) => opts.onError?.(e));
}

function number(id, value, onchange, { min = 0, max = '', step = '1' } = {}) {
  return el('input', { id, type: 'number', min: String(min), max: String(max), step, value: String(value), class: 'lb-number',
    onchange: (e) => { const v = Number(e.target.value); if (Number.isFinite(v)) onchange(v); } });
}

function editor(a, report, change) {
  const s = a.settings;
  const stages = (report.identity?.stage_ladder || ['lead', 'mql', 'sql', 'opportunity', 'won']).filter((x) => x !== 'lost');
  const steps = [...stages, 'joined', 'active', 'question', 'file'];
  const share = (id, value, key) => number(id, Math.round(value * 100), (v) => change({ [key]: Math.min(100, Math.max(0, v)) / 100 }), { max: 100 });
  const reset = el('button', { type: 'button', id: 'attr-reset', class: 'secondary', text: t('lb.reset'), onclick: () => { store.clear(); change({}); } });
  return el('div', { class: 'controls lb-controls', id: 'attr-settings' },
    field(t('attr.conversion'), select('attr-conversion', steps.map((x) => [x, stepLabel(x)]), s.conversion, (v) => change({ conversion: v }))),
    field(t('attr.lookback'), number('attr-lookback', s.lookback_days, (v) => change({ lookback_days: Math.max(1, Math.floor(v)) }), { min: 1 })),
    field(t('attr.halfLife'), number('attr-half-life', s.half_life_days, (v) => change({ half_life_days: Math.max(0.1, v) }), { min: 0.1, step: '0.5' })),
    field(t('attr.uFirst'), share('attr-u-first', s.position_first, 'position_first')),
    field(t('attr.uLast'), share('attr-u-last', s.position_last, 'position_last')),
    field(t('attr.markovOrder'), select('attr-markov-order', [1, 2, 3, 4].map((n) => [String(n), String(n)]), String(s.markov_order), (v) => change({ markov_order: Number(v) }))),
    field(t('attr.inviterShare'), share('attr-inviter-share', s.sdr_inviter_share, 'sdr_inviter_share')),
    field(t('attr.communityShare'), share('attr-community-share', s.community_share, 'community_share')),
    reset);
}

function pickers(c, choose) {
  const boxes = MODELS.map((m) => el('label', { class: 'attr-model' },
    el('input', { type: 'checkbox', dataset: { model: m }, checked: c.shown.includes(m),
      onchange: (e) => choose({ shown: e.target.checked ? [...c.shown, m] : c.shown.filter((x) => x !== m) }) }),
    el('span', { text: modelLabel(m) })));
  return el('div', { class: 'attr-pickers' },
    el('div', { class: 'controls lb-controls' },
      field(t('attr.dimension'), select('attr-dimension', DIMENSIONS.map((d) => [d, t(`attr.dim.${d}`)]), c.dimension, (v) => choose({ dimension: v }))),
      field(t('attr.metric'), select('attr-metric', [['conversions', t('attr.metric.conversions')], ['revenue', t('attr.metric.revenue')]], c.metric, (v) => choose({ metric: v })))),
    el('div', { id: 'attr-models', class: 'attr-models', role: 'group', 'aria-label': t('attr.models') }, ...boxes));
}

function summary(a, dim) {
  return t('attr.summary', {
    conversions: fmt(a.conversions, 0), step: stepLabel(a.settings.conversion), revenue: fmt(a.revenue, 2), lookback: fmt(a.settings.lookback_days, 0),
    paths: fmt(dim?.converting_paths ?? 0, 0), nulls: fmt(dim?.null_paths ?? 0, 0), unattributed: fmt(dim?.unattributed_conversions ?? 0, 0),
  });
}

/** Rows of the chosen dimension, with the shown models' numbers (index into `models`). */
function comparisonRows(a, c) {
  const rows = a.comparison.filter((r) => r.dimension === c.dimension);
  // Models that do not cover this dimension (the SDR rule outside SDRs) are left out.
  const index = c.shown.map((m) => a.models.findIndex((x) => x.name === m))
    .filter((i) => i >= 0 && (!rows.length || rows.some((r) => r[c.metric][i] != null)));
  const values = (r) => index.map((i) => r[c.metric][i]);
  return { index, rows, values };
}

function comparisonTable(a, c) {
  const { index, rows, values } = comparisonRows(a, c);
  const digits = c.metric === 'revenue' ? 2 : 2;
  return el('table', { id: 'attr-comparison', class: 'data' },
    el('thead', {}, el('tr', {},
      el('th', { text: t(`attr.dim.${c.dimension}`) }),
      ...index.map((i) => el('th', { class: 'num', dataset: { model: a.models[i].name }, text: modelLabel(a.models[i].name) })),
      el('th', { class: 'num', text: t('attr.spread') }))),
    el('tbody', {}, ...rows.map((r) => el('tr', { dataset: { key: r.key } },
      el('td', { text: keyLabel(r, c.dimension) }),
      ...values(r).map((v) => el('td', { class: 'num', text: v == null ? '' : fmt(v, digits) })),
      el('td', { class: 'num', text: pct(r.spread) })))));
}

function sdrTable(a) {
  const head = ['attr.sdrName', 'attr.invited', 'attr.owned', 'attr.ruleConversions', 'attr.ruleRevenue'];
  return el('table', { id: 'attr-sdr', class: 'data' },
    el('thead', {}, el('tr', {}, ...head.map((k, i) => el('th', { class: i ? 'num' : '', text: t(k) })))),
    el('tbody', {}, ...a.sdr.map((s) => el('tr', { dataset: { sdr: s.sdr } },
      el('td', { text: s.sdr === '(community)' ? t('attr.community') : s.sdr }),
      el('td', { class: 'num', text: fmt(s.invited, 0) }),
      el('td', { class: 'num', text: fmt(s.owned_conversions, 0) }),
      el('td', { class: 'num', text: fmt(s.conversions, 2) }),
      el('td', { class: 'num', text: fmt(s.revenue, 2) })))));
}

function drawComparison(node, a, c) {
  const { index, rows, values } = comparisonRows(a, c);
  const top = rows.slice(0, 12);
  if (!top.length) { node.hidden = true; return; }
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  view.charts.push(chart);
  chart.setOption({
    animation: false,
    legend: { top: 0, type: 'scroll' },
    grid: { left: 56, right: 16, top: 40, bottom: 72 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: top.map((r) => keyLabel(r, c.dimension)), axisLabel: { rotate: 30, interval: 0, width: 120, overflow: 'truncate' } },
    yAxis: { type: 'value', name: t(`attr.metric.${c.metric}`) },
    series: index.map((i, k) => ({ type: 'bar', name: modelLabel(a.models[i].name), data: top.map((r) => values(r)[k] ?? 0) })),
  });
}

/** A credited key as shown: `(other)`, `(community)` and join channels translated. */
function keyLabel(r, dimension) {
  if (r.key === '(other)') return t('attr.other');
  if (r.key === '(community)') return t('attr.community');
  const label = r.label || r.key || t('attr.none');
  return dimension === 'channel' ? channelLabel(label) : label;
}

function nodeLabel(n) {
  if (n.label === '(none)') return t('attr.none');
  if (n.label === '(other)') return t('attr.other');
  if (n.id.startsWith('stage:')) return stepLabel(n.label);
  return n.id.startsWith('channel:') ? channelLabel(n.label) : n.label;
}

function drawSankey(node, a) {
  const { nodes, links } = a.sankey;
  if (!links.length) { node.hidden = true; return; }
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  view.charts.push(chart);
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'item' },
    series: [{
      type: 'sankey', left: 8, right: 120, top: 8, bottom: 8, nodeAlign: 'left', emphasis: { focus: 'adjacency' },
      data: nodes.map((n) => ({ name: n.id, label: { formatter: () => nodeLabel(n) } })),
      links: links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
      lineStyle: { color: 'gradient', opacity: 0.35 },
    }],
  });
}
