// The Funnel / 漏斗 view: a step editor (add, drop, reorder; mode, window, range — recomputed
// in the worker from the cached journeys, never re-reading files), the funnel chart and step
// table, drop-off lists, breakdowns by group / owner / channel / cohort, and the SDR funnel.
// Renders report.funnel only; every string is set as text. Reusable by widgets:
// renderFunnel(container, report, opts).
import * as echarts from '../vendor/echarts.js';
import { t, formatNumber } from '../i18n.js';
import { downloadTable } from '../export.js';
import { el, field, select } from './dom.js';
import { tableExport } from './table-export.js';
import { chartBox } from './chart-box.js';
import { settingsStore } from './store.js';
import { duration } from './health.js';
import { recompute } from './recompute.js';

const STORE_KEY = 'qunlens.funnel';
/** Chat steps; CRM stages come from the report's stage ladder. */
const CHAT_STEPS = ['invited', 'joined', 'first_message', 'active', 'question', 'file'];
const DIMENSIONS = ['group', 'owner', 'channel', 'cohort'];

const view = { report: null, section: null, charts: [], seq: 0, dropStep: null, dimension: 'owner' };
const fmt = (n) => formatNumber(n);
const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

const store = settingsStore(STORE_KEY);

/** Funnel settings kept in this browser (config key `funnel`). */
export const savedFunnel = store.load;

/** The config keys this view owns, merged into the page's config by app.js. */
export const funnelConfig = () => store.configUnder('funnel');

const save = store.save;

/** A step's display name: chat steps translated, CRM stages upper-cased (MQL, SQL). */
export function stepLabel(name) {
  const key = `funnel.step.${name}`;
  const s = t(key);
  return s === key ? name.toUpperCase() : s;
}

/**
 * Renders report.funnel into `container`.
 * opts: { worker (recompute + exports), config() -> the page's whole config, onError(e) }
 */
export function renderFunnel(container, report, opts = {}) {
  if (view.report !== report) {
    view.report = report;
    view.section = null;
  }
  const f = view.section || report?.funnel;
  for (const c of view.charts) c.dispose();
  view.charts = [];
  if (!f || !f.steps) {
    container.replaceChildren(el('p', { class: 'empty-line', text: t('funnel.empty') }));
    return;
  }
  const change = (patch) => {
    save(patch);
    request(container, report, opts, {});
  };
  const funnelChart = chartBox('funnel-chart');
  const breakdownChart = chartBox('funnel-bd-chart');
  container.replaceChildren(...[
    el('p', { class: 'hint', id: 'funnel-semantics', text: t('funnel.semantics') }),
    editor(f, report, change),
    f.unknown_steps.length ? el('p', { class: 'input-error', text: t('funnel.unknown', { steps: f.unknown_steps.join(', ') }) }) : null,
    el('p', { class: 'hint', id: 'funnel-people', text: t('funnel.people', { people: fmt(f.people), entered: fmt(f.steps[0]?.count ?? 0) }) }),
    funnelChart.box,
    stepsTable(f),
    exportButtons('funnel-steps', stepsExport(f), opts),
    el('h3', { text: t('funnel.dropoff') }),
    dropoff(f, opts, container, report),
    el('h3', { text: t('funnel.breakdown') }),
    breakdown(f, () => renderFunnel(container, report, opts)),
    tableExport('funnel-breakdown', 'funnel-breakdown', () => opts.worker, opts.onError),
    breakdownChart.box,
    el('h3', { text: t('funnel.sdr') }),
    el('p', { class: 'hint', text: t('funnel.sdrHint', { goal: pct(f.sdr.goal_join_rate) }) }),
    sdrTables(f, opts),
  ].filter(Boolean));
  drawFunnel(funnelChart.node, f);
  drawBreakdown(breakdownChart.node, f);
}

/** Recomputes the funnel in the worker with the saved settings (plus `extra`); newest wins. */
function request(container, report, opts, extra) {
  if (!opts.worker) return Promise.resolve(null);
  const id = ++view.seq;
  const base = { ...(opts.config ? opts.config() : {}), ...funnelConfig() };
  const config = { ...base, funnel: { ...(base.funnel || {}), ...extra } };
  const started = performance.now();
  return recompute(opts.worker, 'funnel', config).then(({ section, ms }) => {
    if (Object.keys(extra).length) return section; // an export's full lists, not a redraw
    if (id !== view.seq) return null;
    view.section = section;
    renderFunnel(container, report, opts);
    container.dataset.recomputeMs = String(Math.round(performance.now() - started));
    container.dataset.workerMs = String(ms);
    container.dataset.recompute = String(id);
    return section;
  }, (e) => opts.onError?.(e));
}

function editor(f, report, change) {
  const s = f.settings;
  const steps = s.steps.slice();
  const move = (i, d) => {
    const next = steps.slice();
    [next[i], next[i + d]] = [next[i + d], next[i]];
    change({ steps: next });
  };
  const chips = steps.map((name, i) => el('li', { class: 'funnel-chip', dataset: { step: name } },
    el('span', { text: `${i + 1}. ${stepLabel(name)}` }),
    el('button', { type: 'button', class: 'icon', title: t('funnel.up'), 'aria-label': t('funnel.up'), disabled: i === 0, text: '↑', onclick: () => move(i, -1) }),
    el('button', { type: 'button', class: 'icon', title: t('funnel.down'), 'aria-label': t('funnel.down'), disabled: i === steps.length - 1, text: '↓', onclick: () => move(i, 1) }),
    el('button', { type: 'button', class: 'icon', title: t('funnel.remove'), 'aria-label': t('funnel.remove'), disabled: steps.length <= 1, text: '✕',
      onclick: () => change({ steps: steps.filter((_, k) => k !== i) }) })));
  const stages = (report.identity?.stage_ladder || ['lead', 'mql', 'sql', 'opportunity', 'won']).filter((x) => x !== 'lost');
  const addable = [...CHAT_STEPS, ...stages].filter((x) => !steps.includes(x));
  const add = select('funnel-add', [['', t('funnel.add')], ...addable.map((x) => [x, stepLabel(x)])], '', (v) => v && change({ steps: [...steps, v] }));
  const number = (id, value, key) => el('input', {
    id, type: 'number', min: '1', step: '1', value: String(value), class: 'lb-number',
    onchange: (e) => change({ [key]: Math.max(1, Math.floor(Number(e.target.value) || 1)) }),
  });
  const day = (id, key, value) => el('input', { id, type: 'date', value: value || '', onchange: (e) => change({ [key]: e.target.value || null }) });
  const reset = el('button', { type: 'button', id: 'funnel-reset', class: 'secondary', text: t('lb.reset'), onclick: () => {
    store.clear();
    change({});
  } });
  return el('div', { class: 'funnel-editor' },
    el('ol', { id: 'funnel-steps-editor', class: 'funnel-chips' }, ...chips),
    el('div', { class: 'controls lb-controls' },
      field(t('funnel.addLabel'), add),
      field(t('funnel.mode'), select('funnel-mode', [['ordered', t('funnel.mode.ordered')], ['any_order', t('funnel.mode.any_order')]], s.mode, (v) => change({ mode: v }))),
      field(t('funnel.window'), number('funnel-window', s.window_days, 'window_days')),
      field(t('funnel.activeDays'), number('funnel-active-days', s.active_min_days, 'active_min_days')),
      field(t('lb.from'), day('funnel-from', 'from', s.from)),
      field(t('lb.to'), day('funnel-to', 'to', s.to)),
      reset));
}

const STEP_COLS = ['step', 'count', 'from_previous', 'from_first', 'median', 'p90', 'dropped'];

function stepCells(s) {
  return [stepLabel(s.name), fmt(s.count), pct(s.conversion_from_previous), pct(s.conversion_from_first),
    duration(s.median_time_from_previous_s), duration(s.p90_time_from_previous_s), fmt(s.dropped)];
}

function stepsTable(f) {
  const head = el('tr', {}, ...STEP_COLS.map((k) => el('th', { class: k === 'step' ? '' : 'num', dataset: { col: k }, text: t(`funnel.col.${k}`) })));
  const rows = f.steps.map((s) => {
    const notes = [];
    if (s.already_reached) notes.push(t('funnel.already', { n: fmt(s.already_reached) }));
    if (s.times_unknown) notes.push(t('funnel.unknownTimes', { n: fmt(s.times_unknown) }));
    const cells = stepCells(s);
    return el('tr', { dataset: { step: s.name } },
      ...cells.map((c, i) => el('td', { class: i === 0 ? '' : 'num', dataset: { col: STEP_COLS[i] }, text: c })),
      el('td', { class: 'hint', text: notes.join(' · ') }));
  });
  return el('div', { class: 'table-wrap' },
    el('table', { id: 'funnel-table', class: 'data' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function stepsExport(f) {
  return {
    stem: 'funnel',
    headers: STEP_COLS.map((k) => t(`funnel.col.${k}`)),
    rows: () => Promise.resolve(f.steps.map((s) => [stepLabel(s.name), s.count, s.conversion_from_previous, s.conversion_from_first,
      s.median_time_from_previous_s, s.p90_time_from_previous_s, s.dropped])),
  };
}

function exportButtons(id, spec, opts) {
  const button = (format) => el('button', {
    type: 'button', id: `${id}-${format}`, class: 'secondary', text: t(`lb.export.${format}`),
    onclick: () => spec.rows()
      .then((rows) => downloadTable(opts.worker, spec.stem, spec.headers, rows, format))
      .catch((e) => opts.onError?.(e)),
  });
  return el('div', { class: 'controls' }, button('csv'), button('xlsx'));
}

const DROP_COLS = ['name', 'person', 'group', 'owner', 'last_activity'];

function dropRow(d) {
  return [d.name, d.person, d.group_name || d.group || '', d.owner || '', (d.last_activity || '').slice(0, 16).replace('T', ' ')];
}

function dropoff(f, opts, container, report) {
  const withDrops = f.steps.filter((s) => s.dropped > 0);
  if (!withDrops.length) return el('p', { class: 'empty-line', text: t('funnel.noDropoff') });
  if (!withDrops.some((s) => s.name === view.dropStep)) view.dropStep = withDrops[0].name;
  const step = f.steps.find((s) => s.name === view.dropStep);
  const picker = select('funnel-drop-step', withDrops.map((s) => [s.name, t('funnel.stoppedBefore', { step: stepLabel(s.name), n: fmt(s.dropped) })]),
    view.dropStep, (v) => { view.dropStep = v; renderFunnel(container, report, opts); });
  const head = el('tr', {}, ...DROP_COLS.map((k) => el('th', { dataset: { col: k }, text: t(`funnel.drop.${k}`) })));
  const rows = step.dropoff.map((d) => el('tr', { dataset: { person: d.person } },
    ...dropRow(d).map((c, i) => el('td', { dataset: { col: DROP_COLS[i] }, text: c }))));
  const spec = {
    stem: `funnel-dropoff-${step.name}`,
    headers: DROP_COLS.map((k) => t(`funnel.drop.${k}`)),
    // The report lists the first few; the export asks the worker for everyone.
    rows: () => request(container, report, opts, { dropoff_limit: 0 }).then((full) => {
      const s = full && full.steps.find((x) => x.name === step.name);
      return (s ? s.dropoff : step.dropoff).map(dropRow);
    }),
  };
  return el('div', {},
    el('div', { class: 'controls' }, picker),
    step.dropoff.length < step.dropped ? el('p', { class: 'hint', text: t('funnel.dropShown', { shown: fmt(step.dropoff.length), n: fmt(step.dropped) }) }) : null,
    el('div', { class: 'table-wrap' }, el('table', { id: 'funnel-dropoff', class: 'data' }, el('thead', {}, head), el('tbody', {}, ...rows))),
    exportButtons('funnel-dropoff', spec, opts));
}

function valueLabel(v) {
  if (v.key === '') return t('funnel.none');
  if (v.key === '(other)') return t('funnel.other');
  return channelLabel(v.label || v.key);
}

/** How-they-joined channels (used when nothing better is known) in the page's language. */
const JOIN_CHANNELS = { invite: 'join.invite', qr_code: 'join.qr_code', link: 'join.link', join: 'join.unknown' };
export function channelLabel(name) {
  return JOIN_CHANNELS[name] ? t(JOIN_CHANNELS[name]) : name;
}

function breakdown(f, rerender) {
  const dim = f.breakdowns.find((b) => b.dimension === view.dimension) || f.breakdowns[0];
  if (!dim) return null;
  const picker = select('funnel-dim', DIMENSIONS.map((d) => [d, t(`funnel.dim.${d}`)]), dim.dimension, (v) => { view.dimension = v; rerender(); });
  const head = el('tr', {}, el('th', { text: t(`funnel.dim.${dim.dimension}`) }),
    ...f.steps.map((s) => el('th', { class: 'num', text: stepLabel(s.name) })), el('th', { class: 'num', text: t('funnel.col.from_first') }));
  const rows = dim.values.map((v) => el('tr', { dataset: { key: v.key } },
    el('td', { text: valueLabel(v) }), ...v.counts.map((c) => el('td', { class: 'num', text: fmt(c) })),
    el('td', { class: 'num', text: pct(v.conversion_from_first) })));
  return el('div', {},
    el('div', { class: 'controls' }, picker),
    el('div', { class: 'table-wrap' }, el('table', { id: 'funnel-breakdown', class: 'data', dataset: { dimension: dim.dimension } },
      el('thead', {}, head), el('tbody', {}, ...rows))));
}

const SDR_COLS = ['sdr', 'week', 'calls', 'invitations', 'joined', 'active', 'lead', 'sql', 'won', 'join_rate'];

function sdrCells(r) {
  return [r.sdr, r.week || t('funnel.allWeeks'), fmt(r.calls), fmt(r.invitations), fmt(r.joined), fmt(r.active), fmt(r.lead), fmt(r.sql), fmt(r.won), pct(r.join_rate)];
}

function sdrTables(f, opts) {
  if (!f.sdr.totals.length) return el('p', { class: 'empty-line', text: t('funnel.noSdr') });
  const table = (id, rows) => el('div', { class: 'table-wrap' }, el('table', { id, class: 'data' },
    el('thead', {}, el('tr', {}, ...SDR_COLS.map((k) => el('th', { class: k === 'sdr' || k === 'week' ? '' : 'num', dataset: { col: k }, text: t(`funnel.sdr.${k}`) })))),
    el('tbody', {}, ...rows.map((r) => el('tr', { class: r.meets_goal === false ? 'below-goal' : '', dataset: { sdr: r.sdr, week: r.week || '' } },
      ...sdrCells(r).map((c, i) => el('td', { class: i < 2 ? '' : 'num', dataset: { col: SDR_COLS[i] }, text: c })))))));
  const all = [...f.sdr.totals, ...f.sdr.weeks];
  const spec = { stem: 'sdr-funnel', headers: SDR_COLS.map((k) => t(`funnel.sdr.${k}`)),
    rows: () => Promise.resolve(all.map((r) => [r.sdr, r.week || '', r.calls, r.invitations, r.joined, r.active, r.lead, r.sql, r.won, r.join_rate])) };
  return el('div', {}, table('funnel-sdr', f.sdr.totals),
    el('details', {}, el('summary', { text: t('funnel.sdrWeeks', { n: fmt(f.sdr.weeks.length) }) }), table('funnel-sdr-weeks', f.sdr.weeks)),
    exportButtons('funnel-sdr', spec, opts));
}

function drawFunnel(node, f) {
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  view.charts.push(chart);
  const first = f.steps[0]?.count || 0;
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'item' },
    series: [{
      type: 'funnel', sort: 'none', left: '10%', width: '80%', top: 8, bottom: 8, min: 0, max: Math.max(first, 1), minSize: '4%', gap: 2,
      label: { show: true, position: 'inside', formatter: (p) => `${p.name}  ${fmt(p.value)}` },
      data: f.steps.map((s) => ({ name: stepLabel(s.name), value: s.count })),
    }],
  });
}

function drawBreakdown(node, f) {
  const dim = f.breakdowns.find((b) => b.dimension === view.dimension) || f.breakdowns[0];
  if (!dim || !dim.values.length) { node.hidden = true; return; }
  node.hidden = false;
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  view.charts.push(chart);
  const values = dim.values.slice(0, 12);
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 64 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: values.map(valueLabel), axisLabel: { rotate: 30, interval: 0 } },
    yAxis: { type: 'value' },
    series: f.steps.map((s, k) => ({ type: 'bar', name: stepLabel(s.name), data: values.map((v) => v.counts[k]) })),
  });
}
