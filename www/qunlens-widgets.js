// qunlens widgets: the page's views as Web Components for intranet pages and dashboards.
//
//   <script type="module" src="/qunlens/qunlens-widgets.js"></script>
//   <qunlens-leaderboard src="report.json" top="10"></qunlens-leaderboard>
//   <qunlens-funnel src="report.json"></qunlens-funnel>
//   <qunlens-attribution src="report.json" dimension="sdr"></qunlens-attribution>
//   <qunlens-health src="report.json" group="wechat:123@chatroom"></qunlens-health>
//   <qunlens-roles src="report.json"></qunlens-roles>
//   <qunlens-activity src="report.json" group="…"></qunlens-activity>
//   <qunlens-identity src="report.json"></qunlens-identity>
//
// Each element takes a report (the JSON the page, the CLI and `Analyzer.report_json` produce)
// by URL (`src`, fetched from the host's own origin) or by property (`el.report = json`), or
// reads files dropped on it when it has the `drop` attribute — analysed in a worker in the
// browser, nothing uploaded. Styles are isolated in a shadow root; the language follows the
// host page's `<html lang>` (or the element's own `lang`); charts resize with the container.
// Events (bubbling, composed): `qunlens-member` {detail: {member}} when a member row is
// clicked; `qunlens-report` {detail: {report}} when a report is shown; `qunlens-error`.
// Every string from the data is rendered as text.
import { setLang, getLang, t } from './i18n.js';
import { el, setShowContacts } from './views/dom.js';
import { renderLeaderboard } from './views/leaderboard.js';
import { renderFunnel } from './views/funnel.js';
import { renderAttribution } from './views/attribution.js';
import { renderHealth } from './views/health.js';
import { renderRoles } from './views/roles.js';
import { renderActivity } from './views/activity.js';
import { renderIdentity } from './views/identity.js';
import * as echarts from './vendor/echarts.js';
import { ReportAssembler } from './report-parts.js';

const STYLE_URL = new URL('./style.css', import.meta.url).href;
const WORKER_URL = new URL('./worker.js', import.meta.url).href;

/** One analysis worker for every widget that reads files or exports tables, started on first
 *  use (a page that only shows reports never loads the wasm). */
let sharedWorker = null;
function worker() {
  if (!sharedWorker) sharedWorker = new Worker(WORKER_URL, { type: 'module' });
  return sharedWorker;
}
const lazyWorker = {
  postMessage: (...a) => worker().postMessage(...a),
  addEventListener: (...a) => worker().addEventListener(...a),
  removeEventListener: (...a) => worker().removeEventListener(...a),
};

/** The language a widget shows: its own `lang`, else the nearest ancestor's, else the page's. */
function languageOf(node) {
  const lang = node.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';
  return lang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

class QunlensWidget extends HTMLElement {
  static observedAttributes = ['src', 'lang', 'group', 'top', 'drop', 'show-contacts', 'dimension'];

  constructor() {
    super();
    this._report = null;
    this.attachShadow({ mode: 'open' });
    this._body = el('div', { class: 'qunlens-widget', part: 'body' });
    this.shadowRoot.append(el('link', { rel: 'stylesheet', href: STYLE_URL }), this._body);
    this._body.addEventListener('click', (e) => {
      const row = e.target.closest('[data-member], [data-member-id], [data-person]');
      const member = row && (row.dataset.member || row.dataset.memberId || row.dataset.person);
      if (member) this.dispatchEvent(new CustomEvent('qunlens-member', { detail: { member }, bubbles: true, composed: true }));
    });
    // A report set before this element was upgraded sits on the instance; re-set it through
    // the accessor.
    if (Object.prototype.hasOwnProperty.call(this, 'report')) {
      const value = this.report;
      delete this.report;
      this._report = typeof value === 'string' ? JSON.parse(value) : value;
    }
  }

  connectedCallback() {
    // Charts follow the element's size; the language follows the host page.
    this._resize = new ResizeObserver(() => {
      for (const node of this._body.querySelectorAll('.chart')) echarts.getInstanceByDom(node)?.resize();
    });
    this._resize.observe(this);
    this._langWatch = new MutationObserver(() => this.render());
    this._langWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    if (this.hasAttribute('src') && !this._report) this.load(this.getAttribute('src'));
    else this.render();
  }

  disconnectedCallback() {
    this._resize?.disconnect();
    this._langWatch?.disconnect();
  }

  attributeChangedCallback(name, old, value) {
    if (!this.isConnected || old === value) return;
    if (name === 'src' && value) this.load(value);
    else this.render();
  }

  /** The report shown (set it to show another). */
  get report() {
    return this._report;
  }

  set report(value) {
    this._report = typeof value === 'string' ? JSON.parse(value) : value;
    this.render();
    if (this._report) this.dispatchEvent(new CustomEvent('qunlens-report', { detail: { report: this._report }, bubbles: true, composed: true }));
  }

  async load(src) {
    try {
      const res = await fetch(src, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
      this.report = await res.json();
    } catch (e) {
      this.fail(e);
    }
  }

  fail(e) {
    this._body.replaceChildren(el('p', { class: 'input-error', text: String(e.message || e) }));
    this.dispatchEvent(new CustomEvent('qunlens-error', { detail: { message: String(e.message || e) }, bubbles: true, composed: true }));
  }

  /** Reads dropped files in the shared worker and shows their report. */
  async analyse(files) {
    const w = worker();
    this._body.replaceChildren(el('p', { class: 'hint', text: t('widget.reading', { n: files.length }) }));
    const parts = new ReportAssembler();
    const report = await new Promise((resolve, reject) => {
      const onMessage = ({ data }) => {
        if (data.type === 'report-part') parts.add(data);
        if (data.type === 'report') {
          w.removeEventListener('message', onMessage);
          try {
            resolve(parts.finish(data.json, data.parts));
          } catch (e) {
            reject(e);
          }
        }
        if (data.type === 'error') { w.removeEventListener('message', onMessage); reject(new Error(data.message)); }
      };
      w.addEventListener('message', onMessage);
      w.postMessage({ type: 'files', files, replace: true });
    });
    this._hasFiles = true;
    this.report = report;
  }

  dropZone() {
    const input = el('input', { type: 'file', multiple: true, class: 'visually-hidden', onchange: (e) => this.analyse([...e.target.files]).catch((err) => this.fail(err)) });
    const zone = el('label', { class: 'drop-zone widget-drop' }, el('span', { text: t('widget.drop') }), input);
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      this.analyse([...e.dataTransfer.files]).catch((err) => this.fail(err));
    });
    return zone;
  }

  render() {
    if (!this.isConnected) return;
    const lang = languageOf(this);
    if (lang !== getLang()) setLang(lang, false);
    this._body.lang = lang === 'zh' ? 'zh-CN' : 'en';
    // Phone numbers and e-mails are masked unless the host opts in with `show-contacts`.
    setShowContacts(this.hasAttribute('show-contacts'));
    const parts = [];
    if (this.hasAttribute('drop')) parts.push(this.dropZone());
    const view = el('div', { class: 'widget-view' });
    parts.push(view);
    this._body.replaceChildren(...parts);
    if (!this._report) {
      if (!this.hasAttribute('drop') && !this.hasAttribute('src')) view.append(el('p', { class: 'empty-line', text: t('widget.noReport') }));
      return;
    }
    // With files the worker holds the model: settings recompute and tables export there.
    const opts = { worker: this._hasFiles || this.needsWorker ? lazyWorker : null, group: this.getAttribute('group') || null, onError: (e) => this.fail(e) };
    this.draw(view, this._report, opts);
  }
}

/** `top` trims the ranking shown (ties at the boundary kept, like the report's own `top`). */
class LeaderboardWidget extends QunlensWidget {
  get needsWorker() { return true; } // CSV / xlsx export
  draw(node, report, opts) {
    const top = Number(this.getAttribute('top')) || 0;
    const lb = report.leaderboard;
    const trimmed = top && lb ? { ...report, leaderboard: { ...lb, entries: lb.entries.filter((e) => e.rank <= top) } } : report;
    renderLeaderboard(node, trimmed, opts);
  }
}

class FunnelWidget extends QunlensWidget {
  get needsWorker() { return true; }
  draw(node, report, opts) { renderFunnel(node, report, opts); }
}

/** `dimension` (group, sdr, channel, content) fixes what credit goes to. */
class AttributionWidget extends QunlensWidget {
  get needsWorker() { return true; }
  draw(node, report, opts) { renderAttribution(node, report, { ...opts, dimension: this.getAttribute('dimension') }); }
}

class HealthWidget extends QunlensWidget {
  get needsWorker() { return true; }
  draw(node, report, opts) { renderHealth(node, report, opts); }
}

class RolesWidget extends QunlensWidget {
  draw(node, report, opts) { renderRoles(node, report, opts); }
}

class ActivityWidget extends QunlensWidget {
  draw(node, report, opts) { renderActivity(node, report, opts); }
}

class IdentityWidget extends QunlensWidget {
  draw(node, report, opts) { renderIdentity(node, report, opts); }
}

const ELEMENTS = {
  'qunlens-leaderboard': LeaderboardWidget,
  'qunlens-funnel': FunnelWidget,
  'qunlens-attribution': AttributionWidget,
  'qunlens-health': HealthWidget,
  'qunlens-roles': RolesWidget,
  'qunlens-activity': ActivityWidget,
  'qunlens-identity': IdentityWidget,
};
for (const [name, cls] of Object.entries(ELEMENTS)) {
  if (!customElements.get(name)) customElements.define(name, cls);
}
