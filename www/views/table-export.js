// CSV / .xlsx buttons for a table as it is shown (sorted, translated): headers and cells are
// read from the table itself, numbers in numeric columns exported as numbers. For the tables
// whose view has no richer export of its own; the bytes are written by the wasm core in the
// worker like every other export.
//
//   container.append(tableExport('groups-table', 'groups', () => worker, onError));
import { t, formatNumber } from '../i18n.js';
import { downloadTable } from '../export.js';
import { el } from './dom.js';

/** Reads the table `id` (looked up from the buttons' own document or shadow root). */
function readTable(root, id) {
  const table = root.getElementById(id);
  if (!table) return null;
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.replace(/[▲▼]$/, '').trim());
  // Numbers as the locale writes them ("1,234" / "1.234") back to numbers; everything else as text.
  const group = formatNumber(1234.5).charAt(1);
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => {
    const text = td.textContent.trim();
    if (td.classList.contains('num')) {
      const n = Number(text.split(group).join(''));
      if (text !== '' && Number.isFinite(n)) return n;
    }
    return text;
  }));
  return { headers, rows };
}

/** CSV and .xlsx buttons for table `id`; `worker()` gives the analysis worker. */
export function tableExport(id, stem, worker, onError) {
  const button = (format) => el('button', {
    type: 'button', class: 'button small secondary', id: `${id}-${format}`, text: t(`export.${format}`),
    onclick: (e) => {
      const table = readTable(e.currentTarget.getRootNode(), id);
      const w = worker();
      if (!table || !w) return;
      downloadTable(w, stem, table.headers, table.rows, format).catch((err) => onError?.(err));
    },
  });
  return el('div', { class: 'controls table-export' }, button('csv'), button('xlsx'));
}
