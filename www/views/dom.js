// DOM helper shared by app.js and the views: data goes into the page only as text, and phone
// numbers and e-mail addresses in it are masked unless the user chose to show them.

/** Phone numbers: an international number written with `+`, or a mainland mobile (optionally
 *  +86, with spaces or dashes); e-mail addresses. Ids, counts and dates do not match. */
const PHONE = /(?:\+\d[\d ()-]{6,}\d)|(?<![\w+])(?:1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?!\d)/g;
const EMAIL = /[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g;

let showContacts = false;

/** Shows (true) or masks (false, the default) phone numbers and e-mails in what `el` renders. */
export function setShowContacts(on) {
  showContacts = !!on;
}

/** `text` with phone numbers as `+49 1•••••678` / `138••••0001` and e-mails as `a•••@example.com`. */
export function maskContacts(text) {
  if (showContacts || typeof text !== 'string' || !/\d{3}|@/.test(text)) return text;
  return text
    .replace(EMAIL, (m) => `${m[0]}•••${m.slice(m.indexOf('@'))}`)
    .replace(PHONE, (m) => {
      const digits = [...m].filter((c) => /\d/.test(c)).length;
      let seen = 0;
      // Keep the prefix (country code and first digits) and the last three digits.
      return m.replace(/\d/g, (d) => { seen += 1; return seen <= 3 || seen > digits - 3 ? d : '•'; });
    });
}

/** Creates an element; `text` is set with textContent, other props as attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'text') node.textContent = maskContacts(String(v));
    else if (k === 'title') node.setAttribute('title', maskContacts(String(v)));
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

/**
 * A sortable table: `cols` = [{key, label, text?: true, value?(row), cell?(row) -> Node|string}],
 * `sort` = {key, dir} kept by the caller (mutated on header clicks), `rerender()` redraws.
 * Rows carry `data-row-id` from `rowId(row)`; cells carry `data-col`.
 */
export function sortableTable(id, cols, rows, sort, rerender, rowId, collator) {
  const value = (r, c) => (c.value ? c.value(r) : r[c.key]);
  const sorted = rows.slice();
  const col = cols.find((c) => c.key === sort.key);
  if (col) {
    const sign = sort.dir === 'asc' ? 1 : -1;
    sorted.sort((a, b) => {
      const x = value(a, col);
      const y = value(b, col);
      if (x == null || y == null) return (x == null) - (y == null);
      return sign * (typeof x === 'string' ? collator.compare(x, y) : x - y);
    });
  }
  const head = el('tr', {}, ...cols.map((c) => {
    const dir = sort.key === c.key ? sort.dir : null;
    return el('th', { class: c.text ? '' : 'num', dataset: { col: c.key }, 'aria-sort': dir ? (dir === 'asc' ? 'ascending' : 'descending') : null },
      el('button', {
        type: 'button', class: 'th-button',
        onclick: () => {
          Object.assign(sort, { key: c.key, dir: dir ? (dir === 'asc' ? 'desc' : 'asc') : (c.text ? 'asc' : 'desc') });
          rerender();
        },
      }, el('span', { text: c.label }), el('span', { class: 'sort-mark', text: dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '' })));
  }));
  const body = sorted.map((r) => el('tr', { dataset: { rowId: rowId(r) } },
    ...cols.map((c) => {
      const content = c.cell ? c.cell(r) : value(r, c);
      const td = el('td', { class: c.text ? '' : 'num', dataset: { col: c.key } });
      td.append(content instanceof Node ? content : String(content ?? '—'));
      return td;
    })));
  return el('div', { class: 'table-wrap' },
    el('table', { id, class: 'data sortable' }, el('thead', {}, head), el('tbody', {}, ...body)));
}

/** A labelled settings control (`<label><span>label</span>control</label>`). */
export function field(label, control) {
  return el('label', { class: 'lb-field' }, el('span', { text: label }), control);
}

/** A `<select>` of `[value, label]` options calling `onchange(value)`. */
export function select(id, options, value, onchange) {
  const s = el('select', { id, onchange: (e) => onchange(e.target.value) },
    ...options.map(([v, label]) => el('option', { value: v, text: label })));
  s.value = value ?? '';
  return s;
}
