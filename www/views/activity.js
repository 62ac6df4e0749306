// The Activity / 活跃度 view: messages per local day (line, zoomable) and the weekday × hour
// heatmap, for all groups or one (`opts.group`, a report group id). Renders report.activity
// only. Used by the page's Activity tab and the <qunlens-activity> widget.
import * as echarts from '../vendor/echarts.js';
import { t, formatNumber } from '../i18n.js';
import { el } from './dom.js';
import { chartBox } from './chart-box.js';

/** Charts per container, so several views (page, widgets) never share one. */
const charts = new WeakMap();
const fmt = (n) => formatNumber(n);

/** Dates `start + i` for a dense daily series (calendar arithmetic only, in UTC). */
function dayLabels(start, n) {
  const [y, m, d] = start.split('-').map(Number);
  const base = Date.UTC(y, m - 1, d);
  return Array.from({ length: n }, (_, i) => new Date(base + i * 86400000).toISOString().slice(0, 10));
}

/** Renders the two charts of report.activity (or of one group) into `container`. */
export function renderActivity(container, report, opts = {}) {
  for (const c of charts.get(container) || []) c.dispose();
  charts.set(container, []);
  const r = report?.activity;
  const a = opts.group ? r?.by_group.find((g) => g.group === opts.group) : r;
  const daily = a?.daily || { start: null, messages: [] };
  const heat = a?.heatmap || [];
  if (!daily.start || !daily.messages.length) {
    container.replaceChildren(el('p', { id: 'activity-empty', class: 'empty-line', text: t('activity.empty') }));
    return;
  }
  const { box: dailyBox, node: dailyNode } = chartBox('chart-daily');
  const { box: heatBox, node: heatNode } = chartBox('chart-heatmap', 'heat');
  container.replaceChildren(el('h3', { text: t('activity.daily') }), dailyBox, el('h3', { text: t('activity.heatmap') }), heatBox);
  const font = { fontFamily: getComputedStyle(container).fontFamily };
  const make = (node) => {
    const c = echarts.init(node, null, { renderer: 'canvas' });
    charts.get(container).push(c);
    new ResizeObserver(() => c.isDisposed() || c.resize()).observe(node);
    return c;
  };
  const days = dayLabels(daily.start, daily.messages.length);
  make(dailyNode).setOption({
    textStyle: font,
    animation: false,
    grid: { left: 56, right: 24, top: 16, bottom: days.length > 31 ? 72 : 40 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v) },
    xAxis: { type: 'category', data: days, boundaryGap: false, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v) => fmt(v) } },
    dataZoom: days.length > 31 ? [{ type: 'inside' }, { type: 'slider', height: 22, bottom: 12 }] : [],
    series: [{
      type: 'line', name: t('activity.messages'), data: daily.messages, showSymbol: false, smooth: false,
      lineStyle: { width: 1.5, color: '#2563eb' }, itemStyle: { color: '#2563eb' }, areaStyle: { color: 'rgba(37,99,235,0.12)' },
    }],
  });
  const weekdays = t('weekdays');
  const cells = [];
  let max = 0;
  heat.forEach((row, wd) => row.forEach((v, h) => { cells.push([h, wd, v]); if (v > max) max = v; }));
  make(heatNode).setOption({
    textStyle: font,
    animation: false,
    grid: { left: 56, right: 96, top: 8, bottom: 28 },
    tooltip: {
      formatter: (p) => `${weekdays[p.value[1]]} ${String(p.value[0]).padStart(2, '0')}:00 · ${fmt(p.value[2])}`,
    },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), splitArea: { show: true } },
    yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0, max: Math.max(1, max), calculable: true, orient: 'vertical', right: 8, top: 'middle', itemHeight: 200,
      inRange: { color: ['#f1f5f9', '#bfdbfe', '#60a5fa', '#2563eb', '#1e3a8a'] }, formatter: (v) => fmt(Math.round(v)),
    },
    series: [{ type: 'heatmap', data: cells, emphasis: { itemStyle: { borderColor: '#111827', borderWidth: 1 } } }],
  });
}
