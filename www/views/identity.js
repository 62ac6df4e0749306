// The "Identity / 身份匹配" view: how CRM records, roster rows and SDR-invited people matched
// the chat members (counts per source, matched / ambiguous / unmatched lists), with a control
// to confirm or override each ambiguous or matched record. Overrides are kept in this browser
// (localStorage, like the column mappings), exportable as JSON, and sent to the worker in the
// config (`identity_overrides`): the report is recomputed without reading the files again.
// Renders report.identity only; every string is set as text. Reusable: renderIdentity().
import { t, formatNumber } from '../i18n.js';
import { downloadTable, saveBlob } from '../export.js';
import { el } from './dom.js';

const STORE_KEY = 'qunlens.identityOverrides';
const PAGE = 100;
const SOURCES = ['crm', 'roster', 'sdr_log'];

/** Overrides saved in this browser: [{source, record, member|null}]. */
export function savedOverrides() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) || '[]');
    return Array.isArray(v) ? v.filter((o) => o && typeof o.record === 'string' && SOURCES.includes(o.source)) : [];
  } catch {
    return [];
  }
}

/** The config keys this view owns, merged into the page's config by app.js. */
export function identityConfig() {
  const list = savedOverrides();
  return list.length ? { identity_overrides: list } : {};
}

function saveOverride(source, record, member) {
  const list = savedOverrides().filter((o) => !(o.source === source && o.record === record));
  if (member !== undefined) list.push({ source, record, member });
  try { localStorage.setItem(STORE_KEY, JSON.stringify(list)); } catch { /* private mode: this session only */ }
}

const fmt = (n) => formatNumber(n);
const view = { list: 'ambiguous', page: 0 };

/**
 * Renders the view into `container`.
 * opts: { worker, onConfig() (overrides changed: send the config), onError(e) }
 */
export function renderIdentity(container, report, opts = {}) {
  const id = report.identity;
  if (!id) {
    container.replaceChildren(el('p', { class: 'muted', text: t('identity.none') }));
    return;
  }
  const total = id.sources.reduce((n, s) => n + s.records, 0);
  if (!total) {
    container.replaceChildren(el('p', { class: 'muted', id: 'identity-empty', text: t('identity.none') }));
    return;
  }
  const changed = (source, record, member) => {
    saveOverride(source, record, member);
    opts.onConfig?.();
  };
  container.replaceChildren(
    countsTable(id),
    el('p', { class: 'muted', text: t('identity.summary', { members: fmt(id.members_matched), overrides: fmt(id.overrides_applied) }) }),
    listTabs(container, report, opts),
    listTable(report, changed),
    el('div', { class: 'toolbar' },
      el('button', { type: 'button', id: 'identity-export-overrides', text: t('identity.exportOverrides'), onclick: exportOverrides }),
      el('button', { type: 'button', text: t('identity.exportCsv'), onclick: () => exportList(report, 'csv', opts) }),
      el('button', { type: 'button', text: t('identity.exportXlsx'), onclick: () => exportList(report, 'xlsx', opts) }),
    ),
  );
}

function countsTable(id) {
  const head = el('tr', {}, ...['source', 'records', 'matched', 'ambiguous', 'unmatched'].map((k) =>
    el('th', { class: k === 'source' ? '' : 'num', text: t(`identity.col.${k}`) })));
  const rows = id.sources.map((s) => el('tr', { dataset: { source: s.source } },
    el('td', { text: t(`identity.source.${s.source}`) }),
    ...['records', 'matched', 'ambiguous', 'unmatched'].map((k) => el('td', { class: `num ${k}`, text: fmt(s[k]) }))));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'identity-counts' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function listTabs(container, report, opts) {
  const id = report.identity;
  const btn = (name) => el('button', {
    type: 'button',
    class: `chip${view.list === name ? ' active' : ''}`,
    dataset: { list: name },
    text: `${t(`identity.list.${name}`)} (${fmt(id[name].length)})`,
    onclick: () => { view.list = name; view.page = 0; renderIdentity(container, report, opts); },
  });
  return el('div', { class: 'toolbar', id: 'identity-lists' }, btn('ambiguous'), btn('matched'), btn('unmatched'));
}

function recordCells(r) {
  return [
    el('td', { text: t(`identity.source.${r.source}`) }),
    el('td', { class: 'mono', text: r.record }),
    el('td', { text: r.label }),
  ];
}

/** A select: keep as is, one of the candidates, or "not this person". */
function choice(row, candidates, changed, current) {
  const select = el('select', { class: 'identity-choice', 'aria-label': t('identity.choose') },
    el('option', { value: '__keep', text: t('identity.keep') }),
    ...candidates.map((c) => el('option', { value: c.id, text: `${c.name} (${c.id})` })),
    el('option', { value: '__none', text: t('identity.notThisPerson') }),
    el('option', { value: '__reset', text: t('identity.reset') }));
  select.value = current ?? '__keep';
  select.addEventListener('change', () => {
    const v = select.value;
    if (v === '__keep') return;
    changed(row.source, row.record, v === '__reset' ? undefined : v === '__none' ? null : v);
  });
  return select;
}

function listTable(report, changed) {
  const id = report.identity;
  const list = id[view.list];
  const cols = ['source', 'record', 'label'];
  if (view.list === 'matched') cols.push('member', 'key', 'confidence', 'action');
  if (view.list === 'ambiguous') cols.push('key', 'candidates', 'action');
  if (view.list === 'unmatched') cols.push('rejected');
  const head = el('tr', {}, ...cols.map((c) => el('th', { class: c === 'confidence' ? 'num' : '', text: t(`identity.col.${c}`) })));
  const rows = list.slice(view.page * PAGE, (view.page + 1) * PAGE).map((r) => {
    const cells = recordCells(r);
    if (view.list === 'matched') {
      cells.push(el('td', { text: `${r.member.name} (${r.member.id})` }), el('td', { text: t(`identity.key.${r.key}`) }),
        el('td', { class: 'num', text: fmt(r.confidence) }), el('td', {}, choice(r, [r.member], changed)));
    } else if (view.list === 'ambiguous') {
      cells.push(el('td', { text: t(`identity.key.${r.key}`) }),
        el('td', { text: r.candidates.map((c) => `${c.name} (${c.id})`).join('; ') }), el('td', {}, choice(r, r.candidates, changed)));
    } else {
      cells.push(el('td', { text: r.rejected ? t('identity.rejected') : '' }));
    }
    return el('tr', { class: 'identity-row', dataset: { record: r.record, source: r.source } }, ...cells);
  });
  const empty = !list.length ? [el('tr', {}, el('td', { colspan: cols.length, class: 'empty-line', text: t('identity.emptyList') }))] : [];
  return el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'identity-list' }, el('thead', {}, head), el('tbody', {}, ...rows, ...empty)));
}

function exportOverrides() {
  const blob = new Blob([JSON.stringify({ identity_overrides: savedOverrides() }, null, 2)], { type: 'application/json' });
  saveBlob(blob, 'qunlens-identity-overrides.json');
}

async function exportList(report, format, opts) {
  const id = report.identity;
  const headers = ['status', 'source', 'record', 'label', 'file', 'line', 'member', 'key', 'confidence'];
  const rows = [
    ...id.matched.map((r) => ['matched', r.source, r.record, r.label, r.file, r.line, r.member.id, r.key, r.confidence]),
    ...id.ambiguous.map((r) => ['ambiguous', r.source, r.record, r.label, r.file, r.line, r.candidates.map((c) => c.id).join('; '), r.key, '']),
    ...id.unmatched.map((r) => [r.rejected ? 'rejected' : 'unmatched', r.source, r.record, r.label, r.file, r.line, '', '', '']),
  ];
  try {
    await downloadTable(opts.worker, t('identity.exportFile'), headers, rows, format);
  } catch (e) {
    opts.onError?.(e);
  }
}
