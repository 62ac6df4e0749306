// Table downloads (CSV with BOM, .xlsx): the bytes are written by the wasm core in the
// worker (one writer for page, widgets and CLI, formula-like cells made inert); this module
// only asks for them and saves the file. Usable by every view and widget.
//
//   import { downloadTable } from './export.js';
//   await downloadTable(worker, 'leaderboard-2026-11', ['名次', '成员', '积分'], [[1, '张三', 35]], 'xlsx');

const MIME = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

let nextId = 1;

/** Asks `worker` (the analysis worker) for the table's bytes in `format` ('csv' | 'xlsx'). */
export function tableBytes(worker, headers, rows, format, sheet) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = ({ data }) => {
      if (data.type !== 'exported' || data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (data.error) reject(new Error(data.error));
      else resolve(data.bytes);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ type: 'export', id, table: { sheet, headers, rows }, format });
  });
}

/** Builds the table file in the worker and saves it as `<stem>.<format>`. */
export async function downloadTable(worker, stem, headers, rows, format = 'csv') {
  const bytes = await tableBytes(worker, headers, rows, format, stem);
  saveBlob(new Blob([bytes], { type: MIME[format] || 'application/octet-stream' }), `${safeStem(stem)}.${format}`);
}

/** Saves a Blob through a temporary object URL (stays in the browser; nothing is sent). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** File names keep letters (incl. Chinese), digits, dash and underscore. */
function safeStem(stem) {
  return String(stem).replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '') || 'qunlens';
}
