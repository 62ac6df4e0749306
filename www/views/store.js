// Settings a view keeps in this browser (localStorage), as one object under one key. The page
// merges every view's config keys into the config it sends the worker, so the same JSON drives
// the CLI (`--config`).
//
//   const store = settingsStore('qunlens.funnel');
//   store.save({ window_days: 30 }); store.load(); store.clear();

/** A view's stored settings object (`{}` when none, unreadable or storage is off). */
export function settingsStore(storageKey) {
  const load = () => {
    try {
      const v = JSON.parse(localStorage.getItem(storageKey) || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch {
      return {};
    }
  };
  return {
    load,
    /** Merges `patch` into what is stored (private mode: kept for this session only). */
    save(patch) {
      try { localStorage.setItem(storageKey, JSON.stringify({ ...load(), ...patch })); } catch { /* storage off */ }
    },
    clear() {
      try { localStorage.removeItem(storageKey); } catch { /* storage off */ }
    },
    /** `{[configKey]: settings}`, or `{}` when nothing is stored. */
    configUnder(configKey) {
      const s = load();
      return Object.keys(s).length ? { [configKey]: s } : {};
    },
  };
}
