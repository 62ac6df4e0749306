// Saved setups: the page's whole config — every view's settings, column mappings, identity
// decisions, and any other config key (time zone, health thresholds, stage ladder, …) — as
// one JSON file, the same file the CLI reads (`qunlens analyze --config setup.json FILE…`), so
// a weekly report can be scripted from what was set up in the browser.
//
// Each view keeps its own keys in its own store; keys no view edits live in 'qunlens.setup'.
// Importing writes every key back to the store that owns it.
import { settingsStore } from './views/store.js';

const extra = settingsStore('qunlens.setup');

/** Array-valued stores (not objects): their localStorage keys. */
const LISTS = { column_maps: 'qunlens.columnMaps', identity_overrides: 'qunlens.identityOverrides' };
/** Object stores of the views: config key -> localStorage key. */
const OBJECTS = { leaderboard: 'qunlens.leaderboard', funnel: 'qunlens.funnel' };

/** Config keys no view edits, as imported. */
export function extraConfig() {
  return extra.load();
}

/** Merges the views' config over the imported extras (`roles` merged one level deep). */
export function mergeConfig(viewConfig) {
  const base = extraConfig();
  const out = { ...base, ...viewConfig };
  if (base.roles && viewConfig.roles) out.roles = { ...base.roles, ...viewConfig.roles };
  return out;
}

/**
 * Stores an imported config: throws a plain-language Error when it is not a JSON object.
 * Returns the number of keys applied.
 */
export function importSetup(text) {
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${e.message}`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error('expected a JSON object ({…})');
  const rest = {};
  const roles = {};
  for (const [key, value] of Object.entries(config)) {
    if (key in LISTS) {
      if (!Array.isArray(value)) throw new Error(`"${key}" must be a list`);
      localStorage.setItem(LISTS[key], JSON.stringify(value));
    } else if (key in OBJECTS) {
      settingsStore(OBJECTS[key]).clear();
      settingsStore(OBJECTS[key]).save(value && typeof value === 'object' ? value : {});
    } else if (key === 'staff' || key === 'role_tags') {
      roles[key] = value;
    } else if (key === 'roles' && value && typeof value === 'object') {
      const { targets, ...other } = value;
      if (targets) roles.targets = targets;
      if (Object.keys(other).length) rest.roles = other;
    } else {
      rest[key] = value;
    }
  }
  const roleStore = settingsStore('qunlens.roles');
  roleStore.clear();
  roleStore.save(roles);
  extra.clear();
  extra.save(rest);
  return Object.keys(config).length;
}
