// Asks the analysis worker for one section under a new config, recomputed from the loaded
// model without re-reading files (worker messages 'leaderboard' and 'funnel').
//
//   const { section, ms } = await recompute(worker, 'funnel', config);

let nextId = 1;

/** Resolves with the parsed section and the worker's own time in ms; rejects on an error. */
export function recompute(worker, type, config) {
  const id = `${type}-${nextId++}`;
  return new Promise((resolve, reject) => {
    const onMessage = ({ data }) => {
      if (data.type !== type || data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (data.error) reject(new Error(data.error));
      else resolve({ section: JSON.parse(data.json), ms: data.ms });
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ type, id, config });
  });
}
