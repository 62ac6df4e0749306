// The example dashboard's own script (what an intranet page would write): give every widget
// the report — from ?src=URL, else the built-in sample analysed in this browser — switch the
// page language, and listen to member clicks.
import init, { analyze, sample_files } from './pkg/qunlens.js';

const widgets = [...document.querySelectorAll('.tile > *:not(h2)')];
const src = new URLSearchParams(location.search).get('src');
if (src) {
  for (const w of widgets) w.setAttribute('src', src);
} else {
  await init();
  const report = JSON.parse(analyze(sample_files(), '{}'));
  for (const w of widgets) w.report = report;
}
document.getElementById('lang-zh').addEventListener('click', () => { document.documentElement.lang = 'zh-CN'; });
document.getElementById('lang-en').addEventListener('click', () => { document.documentElement.lang = 'en'; });
document.addEventListener('qunlens-member', (e) => {
  document.getElementById('last-member').textContent = e.detail.member;
});
document.body.dataset.ready = 'true';
