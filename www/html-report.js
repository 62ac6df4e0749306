// The single-file HTML report for a manager: the summary and the leaderboard, funnel, attribution, health,
// roles and activity views rendered as static tables, every chart inlined as a PNG data URL,
// the page's stylesheet inlined — one file that opens offline by double-click and fetches
// nothing (its own Content-Security-Policy forbids it). It shows what the page shows,
// phone numbers and e-mails masked unless the user chose to show them; the raw report is not
// embedded (that is the JSON download).
import * as echarts from './vendor/echarts.js';
import { t, getLang, formatNumber } from './i18n.js';
import { el } from './views/dom.js';
import { renderLeaderboard } from './views/leaderboard.js';
import { renderFunnel } from './views/funnel.js';
import { renderAttribution } from './views/attribution.js';
import { renderHealth } from './views/health.js';
import { renderRoles } from './views/roles.js';
import { renderActivity } from './views/activity.js';

const SECTIONS = [
  ['leaderboard', 'tab.leaderboard', renderLeaderboard],
  ['funnel', 'tab.funnel', renderFunnel],
  ['attribution', 'tab.attribution', renderAttribution],
  ['health', 'tab.health', renderHealth],
  ['roles', 'tab.roles', renderRoles],
  ['activity', 'tab.activity', renderActivity],
];

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

/** The page's style.css as text, from the sheet the page has loaded: fetching it again was a
 *  request after load, and without the host (offline) the saved report had no styles. */
function pageCss() {
  const sheet = [...document.styleSheets].find((s) => s.href && new URL(s.href).pathname.endsWith('/style.css'));
  try {
    return sheet ? [...sheet.cssRules].map((rule) => rule.cssText).join('\n') : '';
  } catch {
    return ''; // a sheet the page may not read (another origin): the report is unstyled
  }
}

/** Builds the report's HTML text (the page saves it as a file). */
export async function buildHtmlReport(report) {
  const css = pageCss();
  // Rendered off screen at a fixed width, so the charts have a size to draw at.
  const host = el('div', { class: 'html-report-staging', style: 'position:fixed;left:-30000px;top:0;width:1100px' });
  document.body.append(host);
  try {
    const parts = [];
    for (const [id, title, render] of SECTIONS) {
      const body = el('div', {});
      const section = el('section', { class: 'card report-section', id: `report-${id}` }, el('h2', { text: t(title) }), body);
      host.append(section);
      render(body, report, {});
      parts.push(section);
    }
    await frame();
    await frame();
    for (const node of host.querySelectorAll('.chart')) {
      const chart = echarts.getInstanceByDom(node);
      if (!chart) continue;
      const src = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
      chart.dispose();
      node.replaceWith(el('img', { class: 'chart-img', src, alt: '' }));
    }
    // Static: no controls, every folded part open.
    for (const n of host.querySelectorAll('button, input, select, .controls, .lb-rules, .funnel-editor, .attr-pickers, label.lb-field')) n.remove();
    for (const d of host.querySelectorAll('details')) d.setAttribute('open', '');
    const fmt = (n) => formatNumber(n);
    const summary = el('p', { class: 'muted', text: t('htmlReport.summary', {
      groups: fmt(report.groups.length), members: fmt(report.members.length), asof: (report.as_of || '').slice(0, 10), zone: report.timezone,
    }) });
    const sections = parts.map((p) => p.outerHTML).join('\n');
    const lang = getLang() === 'zh' ? 'zh-CN' : 'en';
    const title = t('htmlReport.title');
    return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${css.replace(/<\/style/gi, '<\\/style')}
.chart-img { width: 100%; max-width: 1100px; height: auto; display: block; }
.report-section { margin: 16px auto; max-width: 1140px; }
</style>
</head>
<body>
<header class="topbar"><div class="brand"><span class="logo">群</span><div><h1>${escapeHtml(title)}</h1>${summary.outerHTML}</div></div></header>
<main>
${sections}
<p class="muted">${escapeHtml(t('htmlReport.footer', { generator: report.generator }))}</p>
</main>
</body>
</html>
`;
  } finally {
    host.remove();
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
