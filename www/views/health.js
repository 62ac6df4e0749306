// The Health / 健康度 view: per-group health with its score parts, silent members (filter by
// threshold, export), unanswered questions, weekly activity of a chosen group. Renders
// report.health only; reusable by the health widget.
import * as echarts from '../vendor/echarts.js';
import { t, locale, formatNumber } from '../i18n.js';
import { downloadTable } from '../export.js';
import { el, sortableTable } from './dom.js';
import { tableExport } from './table-export.js';
import { chartBox } from './chart-box.js';

const view = { sort: { key: null, dir: 'desc' }, threshold: null, group: null, chart: null };

const fmt = (n) => formatNumber(n);
const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
const minute = (s) => (s ? s.slice(0, 16).replace('T', ' ') : '—');

/** Seconds as "12 min" / "3.5 h" / "2 d". */
export function duration(s) {
  if (s == null) return '—';
  if (s < 3600) return t('health.minutes', { n: Math.round(s / 60) });
  if (s < 86400) return t('health.hours', { n: (s / 3600).toFixed(1) });
  return t('health.days', { n: (s / 86400).toFixed(1) });
}

/**
 * Renders report.health into `container`.
 * opts: { worker (table exports), group (only this group id), onError(e) }
 */
export function renderHealth(container, report, opts = {}) {
  const health = report?.health;
  if (!health) {
    container.replaceChildren(el('p', { class: 'empty-line', text: t('health.empty') }));
    return;
  }
  const rerender = () => renderHealth(container, report, opts);
  const groups = opts.group ? health.groups.filter((g) => g.id === opts.group) : health.groups;
  const names = new Map(report.groups.map((g) => [g.id, g.name]));
  view.threshold ??= health.settings.thresholds[0] ?? 7;
  if (!groups.some((g) => g.id === view.group)) view.group = groups[0]?.id ?? null;
  const chart = chartBox('health-chart');
  container.replaceChildren(
    el('p', { class: 'hint', text: t('health.hint', { window: duration(health.settings.response_window_s), days: health.settings.silent_days }) }),
    el('h3', { text: t('health.groups') }),
    groupTable(groups, rerender),
    tableExport('health-groups', 'health-groups', () => opts.worker, opts.onError),
    el('h3', { text: t('health.weekly') }),
    groupPicker(groups, rerender),
    chart.box,
    groupDetails(groups.find((g) => g.id === view.group)),
    el('h3', { text: t('health.silent') }),
    silentSection(health, names, opts, rerender),
    el('h3', { text: t('health.unanswered') }),
    unansweredList(health, names, opts),
  );
  drawWeekly(chart.node, groups.find((g) => g.id === view.group));
}

function groupTable(groups, rerender) {
  const cols = [
    { key: 'name', label: t('health.group'), text: true, cell: (g) => groupCell(g) },
    { key: 'score', label: t('health.score'), cell: (g) => scoreCell(g) },
    { key: 'members', label: t('health.members'), cell: (g) => fmt(g.members) },
    { key: 'silent_members', label: t('health.silentCount'), cell: (g) => fmt(g.silent_members) },
    { key: 'response_rate', label: t('health.responseRate'), cell: (g) => pct(g.response_rate) },
    { key: 'median_first_response_s', label: t('health.median'), cell: (g) => duration(g.median_first_response_s) },
    { key: 'p90_first_response_s', label: t('health.p90'), cell: (g) => duration(g.p90_first_response_s) },
    { key: 'questions', label: t('health.questions'), cell: (g) => fmt(g.questions) },
    { key: 'accepted_rate', label: t('health.accepted'), cell: (g) => pct(g.accepted_rate) },
    { key: 'staff_message_share', label: t('health.staffShare'), cell: (g) => pct(g.staff_message_share) },
    { key: 'mau', label: t('health.mau'), cell: (g) => fmt(g.mau) },
    { key: 'last_message', label: t('health.last'), text: true, cell: (g) => minute(g.last_message) },
  ];
  return sortableTable('health-groups', cols, groups, view.sort, rerender, (g) => g.id, new Intl.Collator(locale(), { numeric: true }));
}

function groupCell(g) {
  const badges = [];
  if (g.solo) badges.push(el('span', { class: 'badge error', text: t('health.solo') }));
  if (g.declining_weeks >= 3) badges.push(el('span', { class: 'badge partial', text: t('health.declining', { n: g.declining_weeks }) }));
  if (g.capacity.full) badges.push(el('span', { class: 'badge error', text: t('health.full') }));
  else if (g.capacity.at_fill_mark) badges.push(el('span', { class: 'badge partial', text: t('health.fillMark') }));
  return el('span', {}, el('span', { text: g.name || g.id }), ...badges);
}

function scoreCell(g) {
  const p = g.score_parts;
  const title = t('health.parts', { activity: p.activity, response: p.response, trend: p.trend, ugc: p.ugc });
  return el('span', { class: 'score', title }, el('strong', { text: String(g.score) }),
    el('span', { class: 'muted', text: ` (${p.activity} / ${p.response} / ${p.trend} / ${p.ugc})` }));
}

function groupPicker(groups, rerender) {
  const select = el('select', { id: 'health-group', onchange: (e) => { view.group = e.target.value; rerender(); } },
    ...groups.map((g) => el('option', { value: g.id, text: g.name || g.id })));
  select.value = view.group ?? '';
  return el('div', { class: 'toolbar' }, el('label', {}, el('span', { text: t('health.group') }), select));
}

function drawWeekly(box, group) {
  if (view.chart && !view.chart.isDisposed()) view.chart.dispose();
  if (!group || !group.weekly.length) {
    box.replaceChildren(el('p', { class: 'empty-line', text: t('health.noWeeks') }));
    return;
  }
  box.style.height = '260px';
  view.chart = echarts.init(box, null, { renderer: 'canvas' });
  view.chart.setOption({
    animation: false,
    grid: { left: 48, right: 48, top: 24, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: group.weekly.map((w) => w.week) },
    yAxis: [{ type: 'value', name: t('health.messages') }, { type: 'value', name: t('health.speakers') }],
    series: [
      { name: t('health.messages'), type: 'bar', data: group.weekly.map((w) => w.messages), itemStyle: { color: '#2563eb' } },
      { name: t('health.speakers'), type: 'line', yAxisIndex: 1, data: group.weekly.map((w) => w.speakers), itemStyle: { color: '#16a34a' } },
    ],
  });
}

/** DAU/WAU/MAU, joins by inviter and join-month cohorts of the chosen group. */
function groupDetails(group) {
  if (!group) return el('div');
  const pctOf = (n, of) => (of ? `${fmt(n)} (${((n / of) * 100).toFixed(0)}%)` : '—');
  const table = (id, headers, rows) => el('div', { class: 'table-wrap' }, el('table', { id, class: 'data' },
    el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { class: i ? 'num' : '', text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', { class: i ? 'num' : '', text: String(c) })))))));
  const inviters = group.inviters.length
    ? table('health-inviters', [t('health.inviter'), t('health.joins'), t('health.left')],
      group.inviters.map((i) => [i.inviter == null ? t('health.noInviter') : (i.name || i.inviter), fmt(i.joins), fmt(i.left)]))
    : el('p', { class: 'empty-line', text: t('health.noJoins') });
  return el('div', { id: 'health-details' },
    el('p', { id: 'health-active', class: 'muted', text: t('health.activeLine', { dau: fmt(group.dau), wau: fmt(group.wau), mau: fmt(group.mau) }) }),
    el('h4', { text: t('health.inviters') }),
    inviters,
    el('h4', { text: t('health.cohorts') }),
    group.cohorts.length
      ? table('health-cohorts', [t('health.month'), t('health.joins'), ...[1, 2, 3].map((n) => t('health.after', { n }))],
        group.cohorts.map((c) => [c.month, fmt(c.joined), ...c.speaking_after.map((n) => pctOf(n, c.joined))]))
      : el('p', { class: 'empty-line', text: t('health.noJoins') }));
}

function silentSection(health, names, opts, rerender) {
  const rows = health.members_silent.filter((s) =>
    (!opts.group || s.group === opts.group) && (s.never_spoke || (s.days_silent ?? 0) >= view.threshold));
  const select = el('select', { id: 'health-threshold', onchange: (e) => { view.threshold = Number(e.target.value); rerender(); } },
    ...health.settings.thresholds.map((d) => el('option', { value: d, text: t('health.threshold', { days: d }) })));
  select.value = String(view.threshold);
  const headers = [t('health.member'), t('health.group'), t('health.lastSpoke'), t('health.daysSilent')];
  const table = rows.map((s) => [s.name, names.get(s.group) || s.group, s.never_spoke ? t('health.never') : minute(s.last_message), s.days_silent]);
  const exportAs = (format) => downloadTable(opts.worker, t('health.silentFile'), headers, table, format).catch((e) => opts.onError?.(e));
  return el('div', {},
    el('div', { class: 'toolbar' }, el('label', {}, select),
      el('span', { id: 'health-silent-count', class: 'muted', text: t('health.silentShown', { n: fmt(rows.length) }) }),
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'button small', id: 'health-silent-csv', text: t('export.csv'), onclick: () => exportAs('csv') }),
      el('button', { type: 'button', class: 'button small', id: 'health-silent-xlsx', text: t('export.xlsx'), onclick: () => exportAs('xlsx') })),
    el('div', { class: 'table-wrap' }, el('table', { id: 'health-silent', class: 'data' },
      el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { class: i === 3 ? 'num' : '', text: h })))),
      el('tbody', {}, ...table.slice(0, 200).map((r, i) => el('tr', { dataset: { member: rows[i].member, group: rows[i].group } },
        ...r.map((c, j) => el('td', { class: j === 3 ? 'num' : '', text: c == null ? '—' : String(c) }))))))));
}

function unansweredList(health, names, opts) {
  const rows = health.unanswered.filter((q) => !opts.group || q.group === opts.group).slice(0, 50);
  if (!rows.length) return el('p', { class: 'empty-line', text: t('health.allAnswered') });
  return el('ul', { id: 'health-unanswered', class: 'skips' }, ...rows.map((q) => el('li', {},
    el('span', { class: 'skip-where', text: `${minute(q.time)} · ${names.get(q.group) || q.group} · ${q.name}` }),
    el('span', { class: 'skip-reason', text: q.text }))));
}
