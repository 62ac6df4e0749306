// A chart's place on the page: the node ECharts draws in, with PNG / SVG download buttons
// beside it. The files are made in the browser from the chart itself (PNG at 2× from the
// canvas; SVG by drawing the same option once with ECharts' SVG renderer) and saved locally.
//
//   const { box, node } = chartBox('lb-chart');   // put `box` in the page, draw on `node`
import * as echarts from '../vendor/echarts.js';
import { t } from '../i18n.js';
import { saveBlob } from '../export.js';
import { el } from './dom.js';

/** A wrapper (`box`) holding the chart node (`node`, id `id`) and its download buttons. */
export function chartBox(id, extraClass = '') {
  const node = el('div', { id, class: `chart ${extraClass}`.trim() });
  const button = (format) => el('button', {
    type: 'button', class: 'chart-download', dataset: { format }, title: t(`chart.${format}`), text: format.toUpperCase(),
    onclick: () => downloadChart(node, format, id),
  });
  const box = el('div', { class: 'chart-box' }, el('div', { class: 'chart-tools' }, button('png'), button('svg')), node);
  return { box, node };
}

/** Saves the chart drawn in `node` as `<stem>.png` or `<stem>.svg`. */
export function downloadChart(node, format, stem) {
  const chart = echarts.getInstanceByDom(node);
  if (!chart) return;
  if (format === 'png') {
    const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    saveBlob(new Blob([bytes], { type: 'image/png' }), `${stem}.png`);
    return;
  }
  const scratch = el('div', {});
  const svg = echarts.init(scratch, null, { renderer: 'svg', width: chart.getWidth(), height: chart.getHeight() });
  try {
    svg.setOption({ ...chart.getOption(), animation: false, backgroundColor: '#fff' });
    saveBlob(new Blob([svg.renderToSVGString()], { type: 'image/svg+xml' }), `${stem}.svg`);
  } finally {
    svg.dispose();
  }
}
