// The "Roles / 角色" view: per-group composition against the target pyramid, a stacked-bar
// chart, recommendations, staff suggestions (confirm -> config), members with role + reason,
// and monthly transitions. Renders report.roles only (no analytics here); every string is
// set as text. Reusable by widgets: renderRoles(container, report, opts).
import * as echarts from '../vendor/echarts.js';
import { t, locale, formatNumber } from '../i18n.js';
import { downloadTable } from '../export.js';
import { el } from './dom.js';
import { tableExport } from './table-export.js';
import { chartBox } from './chart-box.js';
import { settingsStore } from './store.js';

export const ROLES = ['big_name', 'lecturer', 'kol', 'active', 'ordinary'];
const COLORS = { big_name: '#7c3aed', lecturer: '#2563eb', kol: '#0891b2', active: '#16a34a', ordinary: '#cbd5e1' };
const STORE_KEY = 'qunlens.roles';
const PAGE = 100;

const store = settingsStore(STORE_KEY);

/** Role settings kept in this browser: {staff: [], role_tags: [], roles: {targets}}. */
export const savedRoleSettings = store.load;

/** The config keys this view owns, merged into the page's config by app.js. */
export function rolesConfig() {
  const s = savedRoleSettings();
  const out = {};
  if (Array.isArray(s.staff) && s.staff.length) out.staff = s.staff;
  if (Array.isArray(s.role_tags) && s.role_tags.length) out.role_tags = s.role_tags;
  if (s.targets && typeof s.targets === 'object') out.roles = { targets: s.targets };
  return out;
}

const saveRoleSettings = store.save;

const fmt = (n) => formatNumber(n);
const pct = (n) => `${formatNumber(n, 1)}%`;
const signed = (n) => `${n > 0 ? '+' : ''}${formatNumber(n, 1)}`;
const roleName = (r) => t(`roles.role.${r}`);

/** A reason in the page language (falls back to the core's English sentence). */
export function reasonText(reason, settings) {
  const key = `roles.reason.${reason.code}`;
  const text = t(key, {
    count: fmt(reason.count), threshold: fmt(reason.threshold), average: reason.average ?? '',
    top: reason.top_percent ?? '', window: settings?.active_window_days ?? 30,
  });
  return text === key ? reason.text : text;
}

const view = {
  sort: { key: null, dir: 'desc' },
  group: '',
  role: '',
  page: 0,
  chart: null,
};

/**
 * Renders report.roles into `container`.
 * opts: { worker (for table exports), onConfig() (called after a setting changed, to send the
 *         page's config to the worker), groupNames: Map(id -> name) }
 */
export function renderRoles(container, report, opts = {}) {
  const roles = report?.roles;
  if (!roles) {
    container.replaceChildren(el('p', { class: 'empty-line', text: t('roles.empty') }));
    return;
  }
  const names = opts.groupNames || new Map(report.groups.map((g) => [g.id, g.name]));
  const rerender = () => renderRoles(container, report, opts);
  const chart = chartBox('roles-chart');
  container.replaceChildren(
    el('p', { class: 'hint', text: t('roles.hint') }),
    targetsEditor(roles, opts),
    el('h3', { text: t('roles.groups') }),
    groupTable(roles, rerender),
    tableExport('roles-groups', 'roles-groups', () => opts.worker, opts.onError),
    chart.box,
    el('h3', { text: t('roles.recommendations') }),
    recommendations(roles, names),
    el('h3', { text: t('roles.staff') }),
    staffSection(roles, opts),
    el('h3', { text: t('roles.members') }),
    memberSection(roles, names, opts, rerender),
    el('h3', { text: t('roles.transitions') }),
    transitions(roles, names),
  );
  drawChart(chart.node, roles);
}

// ---------------------------------------------------------------- targets

function targetsEditor(roles, opts) {
  const inputs = ROLES.map((r) => el('input', {
    type: 'number', min: 0, max: 100, step: 0.5, id: `roles-target-${r}`, value: roles.targets[r], class: 'target-input',
  }));
  const apply = () => {
    const targets = Object.fromEntries(ROLES.map((r, i) => [r, Math.max(0, Number(inputs[i].value) || 0)]));
    saveRoleSettings({ targets });
    opts.onConfig?.();
  };
  const reset = () => {
    saveRoleSettings({ targets: undefined });
    opts.onConfig?.();
  };
  return el('div', { class: 'toolbar roles-targets' },
    el('span', { class: 'muted', text: t('roles.targets') }),
    ...ROLES.map((r, i) => el('label', {}, el('span', { text: roleName(r) }), inputs[i], el('span', { text: '%' }))),
    el('button', { type: 'button', class: 'button small', id: 'roles-targets-apply', text: t('roles.apply'), onclick: apply }),
    el('button', { type: 'button', class: 'button subtle small', id: 'roles-targets-reset', text: t('roles.reset'), onclick: reset }));
}

// ---------------------------------------------------------------- groups

function groupTable(roles, rerender) {
  const cols = [
    { key: 'name', label: t('roles.group'), text: true },
    { key: 'members', label: t('roles.total') },
    { key: 'ranked', label: t('roles.ranked') },
    ...ROLES.map((r) => ({ key: r, label: `${roleName(r)} (${pct(roles.targets[r])})` })),
    { key: 'silent', label: t('roles.silent') },
  ];
  const value = (g, key) => (ROLES.includes(key) ? g.counts[key] : g[key]);
  const rows = roles.groups.slice();
  if (view.sort.key) {
    const sign = view.sort.dir === 'asc' ? 1 : -1;
    const coll = new Intl.Collator(locale(), { numeric: true });
    rows.sort((a, b) => {
      const x = value(a, view.sort.key);
      const y = value(b, view.sort.key);
      return sign * (typeof x === 'string' ? coll.compare(x, y) : x - y);
    });
  }
  const head = el('tr', {}, ...cols.map((c) => {
    const sorted = view.sort.key === c.key ? view.sort.dir : null;
    return el('th', { class: c.text ? '' : 'num', dataset: { col: c.key }, 'aria-sort': sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : null },
      el('button', {
        type: 'button', class: 'th-button',
        onclick: () => {
          view.sort = { key: c.key, dir: sorted ? (sorted === 'asc' ? 'desc' : 'asc') : (c.text ? 'asc' : 'desc') };
          rerender();
        },
      }, el('span', { text: c.label }), el('span', { class: 'sort-mark', text: sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '' })));
  }));
  const body = rows.map((g) => el('tr', { dataset: { groupId: g.id } },
    el('td', { dataset: { col: 'name' } }, el('span', { text: g.name || g.id }),
      g.at_capacity ? el('span', { class: 'badge error', text: t('roles.atCap') })
        : g.near_capacity ? el('span', { class: 'badge partial', text: t('roles.nearCap') }) : null),
    el('td', { class: 'num', dataset: { col: 'members' }, text: fmt(g.members) }),
    el('td', { class: 'num', dataset: { col: 'ranked' }, text: fmt(g.ranked) }),
    ...ROLES.map((r) => {
      const dev = g.deviation[r];
      return el('td', { class: 'num', dataset: { col: r } },
        el('span', { class: 'count', text: fmt(g.counts[r]) }),
        el('span', { class: 'muted share', text: ` ${pct(g.shares[r])}` }),
        el('span', { class: `dev ${dev < 0 ? 'below' : 'above'}`, text: ` (${signed(dev)})`, title: t('roles.deviation') }));
    }),
    el('td', { class: 'num', dataset: { col: 'silent' }, text: fmt(g.silent) })));
  return el('div', { class: 'table-wrap' },
    el('table', { id: 'roles-groups', class: 'data sortable' }, el('thead', {}, head), el('tbody', {}, ...body)));
}

function drawChart(box, roles) {
  if (view.chart && !view.chart.isDisposed()) view.chart.dispose();
  const groups = roles.groups.slice(0, 30);
  box.style.height = `${Math.max(160, 48 + (groups.length + 1) * 28)}px`;
  const chart = echarts.init(box, null, { renderer: 'canvas' });
  view.chart = chart;
  const labels = [t('roles.target'), ...groups.map((g) => g.name || g.id)];
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: 160, right: 24, top: 8, bottom: 24 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => pct(v) },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: labels, inverse: true },
    series: ROLES.map((r) => ({
      type: 'bar', stack: 'share', name: roleName(r), itemStyle: { color: COLORS[r] },
      data: [roles.targets[r], ...groups.map((g) => g.shares[r])],
    })),
  }, true);
  new ResizeObserver(() => { if (!chart.isDisposed()) chart.resize(); }).observe(box);
  const legend = el('div', { class: 'roles-legend' }, ...ROLES.map((r) =>
    el('span', { class: 'legend-item' }, el('span', { class: 'swatch', style: `background:${COLORS[r]}` }), el('span', { text: roleName(r) }))));
  box.before(legend);
}

// ---------------------------------------------------------------- recommendations

function recommendations(roles, names) {
  if (!roles.recommendations.length) return el('p', { class: 'muted', text: t('roles.noRecommendations') });
  return el('ul', { id: 'roles-recommendations', class: 'roles-recs' }, ...roles.recommendations.map((rec) => {
    const key = `roles.rec.${rec.code}`;
    const params = { group: rec.group_name || names.get(rec.group) || rec.group, have: fmt(rec.have), target: fmt(rec.target), cap: fmt(roles.settings.capacity) };
    const text = t(key, params);
    const li = el('li', { dataset: { code: rec.code, group: rec.group } }, el('span', { text: text === key ? rec.text : text }));
    if (rec.code.startsWith('lacking_')) {
      li.append(el('span', { class: 'muted', text: rec.candidates.length ? ` ${t('roles.candidates')}` : ` ${t('roles.noCandidates')}` }));
      for (const c of rec.candidates) {
        li.append(el('span', { class: 'candidate', dataset: { memberId: c.id } },
          el('span', { text: c.name || c.id }),
          el('span', { class: 'muted', text: ` (${t('roles.candidateWhere', { role: roleName(c.role), group: c.group_name || c.group })})` })));
      }
    }
    return li;
  }));
}

// ---------------------------------------------------------------- staff

function staffSection(roles, opts) {
  const confirmed = roles.staff.map((s) => `${s.name || s.id} · ${t(`roles.staffKind.${s.kind}`)}`).join('、');
  const box = el('div', {}, el('p', { class: 'muted', text: t('roles.staffNow', { list: confirmed || t('dash') }) }));
  if (!roles.staff_suggestions.length) {
    box.append(el('p', { class: 'muted', text: t('roles.noSuggestions') }));
    return box;
  }
  const confirm = (s) => {
    const saved = savedRoleSettings();
    const staff = Array.isArray(saved.staff) ? saved.staff : [];
    if (!staff.includes(s.id)) saveRoleSettings({ staff: [...staff, s.id] });
    opts.onConfig?.();
  };
  const signal = (x) => t(`roles.signal.${x.code}`, { count: fmt(x.count), percent: x.percent ?? '', time: x.time ?? '' });
  box.append(el('p', { class: 'hint', text: t('roles.suggestHint') }),
    el('div', { class: 'table-wrap' }, el('table', { id: 'roles-suggestions', class: 'data' },
      el('thead', {}, el('tr', {}, el('th', { text: t('roles.member') }), el('th', { text: t('roles.signals') }), el('th', {}))),
      el('tbody', {}, ...roles.staff_suggestions.map((s) => el('tr', { dataset: { memberId: s.id } },
        el('td', { text: s.name || s.id, title: s.platform_id || s.id }),
        el('td', { text: s.signals.map(signal).join('；') }),
        el('td', {}, el('button', { type: 'button', class: 'button small confirm-staff', text: t('roles.confirmStaff'), onclick: () => confirm(s) }))))))));
  return box;
}

// ---------------------------------------------------------------- members

function memberSection(roles, names, opts, rerender) {
  const list = roles.members.filter((m) => (!view.role || m.memberships.some((x) => x.role === view.role && (!view.group || x.group === view.group)))
    && (!view.group || m.memberships.some((x) => x.group === view.group)));
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  view.page = Math.min(view.page, pages - 1);
  const shown = list.slice(view.page * PAGE, view.page * PAGE + PAGE);
  const groupSelect = el('select', { id: 'roles-member-group', onchange: (e) => { view.group = e.target.value; view.page = 0; rerender(); } },
    el('option', { value: '', text: t('roles.allGroups') }), ...roles.groups.map((g) => el('option', { value: g.id, text: g.name || g.id })));
  groupSelect.value = view.group;
  const roleSelect = el('select', { id: 'roles-member-role', onchange: (e) => { view.role = e.target.value; view.page = 0; rerender(); } },
    el('option', { value: '', text: t('roles.allRoles') }), ...ROLES.map((r) => el('option', { value: r, text: roleName(r) })));
  roleSelect.value = view.role;
  const row = (m) => {
    const own = view.group ? m.memberships.find((x) => x.group === view.group) : null;
    const shownRole = own || m;
    const others = m.memberships.filter((x) => x !== own).map((x) => `${names.get(x.group) || x.group}: ${roleName(x.role)}`).join('、');
    return [m.name || m.id, roleName(shownRole.role), reasonText(shownRole.reason, roles.settings), own ? (names.get(own.group) || own.group) : (names.get(m.group) || m.group), others];
  };
  const headers = [t('roles.member'), t('roles.role'), t('roles.reason'), t('roles.group'), t('roles.perGroup')];
  const exportAs = async (format) => {
    try {
      await downloadTable(opts.worker, t('roles.exportFile'), headers, list.map(row), format);
    } catch (e) {
      opts.onError?.(e);
    }
  };
  return el('div', {},
    el('div', { class: 'toolbar' }, groupSelect, roleSelect,
      el('span', { class: 'muted', id: 'roles-member-count', text: t('roles.memberCount', { count: fmt(list.length) }) }),
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'button small', id: 'roles-csv', text: t('export.csv'), onclick: () => exportAs('csv') }),
      el('button', { type: 'button', class: 'button small', id: 'roles-xlsx', text: t('export.xlsx'), onclick: () => exportAs('xlsx') })),
    el('div', { class: 'table-wrap' }, el('table', { id: 'roles-members', class: 'data' },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h })))),
      el('tbody', {}, ...shown.map((m) => {
        const cells = row(m);
        return el('tr', { dataset: { memberId: m.id } }, ...cells.map((c, i) => el('td', { text: c, dataset: { col: ['name', 'role', 'reason', 'group', 'groups'][i] } })));
      })))),
    pages > 1 ? el('div', { class: 'pager' },
      el('button', { type: 'button', class: 'button subtle small', disabled: view.page === 0, text: t('members.prev'), onclick: () => { view.page--; rerender(); } }),
      el('span', { class: 'muted', text: t('members.page', { page: fmt(view.page + 1), pages: fmt(pages) }) }),
      el('button', { type: 'button', class: 'button subtle small', disabled: view.page >= pages - 1, text: t('members.next'), onclick: () => { view.page++; rerender(); } })) : null);
}

// ---------------------------------------------------------------- transitions

function transitions(roles, names) {
  const tr = roles.transitions;
  const level = (l) => t(`roles.level.${l}`);
  if (!tr.snapshots.length) return el('p', { class: 'muted', text: t('roles.noTransitions') });
  const snapshots = el('table', { id: 'roles-snapshots', class: 'data' },
    el('thead', {}, el('tr', {}, el('th', { text: t('roles.month') }), ...tr.levels.map((l) => el('th', { class: 'num', text: level(l) })),
      el('th', { class: 'num', text: t('roles.up') }), el('th', { class: 'num', text: t('roles.down') }))),
    el('tbody', {}, ...tr.snapshots.map((s) => el('tr', { dataset: { month: s.month } }, el('td', { text: s.month }),
      ...s.counts.map((c) => el('td', { class: 'num', text: fmt(c) })),
      el('td', { class: 'num', text: fmt(s.up) }), el('td', { class: 'num', text: fmt(s.down) })))));
  const matrix = el('table', { id: 'roles-matrix', class: 'data' },
    el('thead', {}, el('tr', {}, el('th', { text: t('roles.fromTo') }), ...tr.levels.map((l) => el('th', { class: 'num', text: level(l) })))),
    el('tbody', {}, ...tr.matrix.map((row, i) => el('tr', {}, el('th', { text: level(tr.levels[i]) }),
      ...row.map((c, j) => el('td', { class: `num${i === j ? ' muted' : ''}`, text: fmt(c) }))))));
  const movers = el('ul', { id: 'roles-movers', class: 'roles-movers' }, ...tr.movers.slice(-50).reverse().map((m) =>
    el('li', {}, el('span', { class: m.up ? 'dev above' : 'dev below', text: m.up ? '▲ ' : '▼ ' }),
      el('span', { text: t('roles.moved', { month: m.month, name: m.name || m.id, group: names.get(m.group) || m.group, from: level(m.from), to: level(m.to) }) }))));
  return el('div', {},
    el('div', { class: 'table-wrap' }, snapshots),
    el('h4', { text: t('roles.matrix') }), el('div', { class: 'table-wrap' }, matrix),
    el('h4', { text: t('roles.movers') }), movers);
}
