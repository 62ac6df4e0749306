// Putting a report back together from the parts the analysis worker posts (shared by the page
// and the widgets). The arrays that grow with the members (members, roles.members,
// health.members_silent: 90 % of a 105 MB report at 79,000 members) come first, in slices of
// about a MB ('report-part' messages), and the rest last ('report': the skeleton, those arrays
// empty). Each slice is parsed when its message arrives, in a task of its own: the main thread
// never parses one 100 MB string at once.

export class ReportAssembler {
  constructor() {
    /** [path, items] per part received, in order. */
    this.parts = [];
  }

  /** Forgets the parts received (the report they belong to failed). */
  reset() {
    this.parts = [];
  }

  /** A 'report-part' message: {path, json}. */
  add({ path, json }) {
    this.parts.push([path, JSON.parse(json)]);
  }

  /** The 'report' message's JSON with every part received since the last report appended to
   *  the array its path names; `expected` (the message's `parts`) is checked against them. */
  finish(json, expected = this.parts.length) {
    const parts = this.parts;
    this.parts = [];
    if (parts.length !== expected) throw new Error(`report: ${parts.length} of ${expected} parts arrived`);
    const report = JSON.parse(json);
    for (const [path, items] of parts) {
      const array = path.split('.').reduce((node, key) => node?.[key], report);
      if (!Array.isArray(array)) throw new Error(`report: no array at ${path}`);
      for (const item of items) array.push(item);
    }
    return report;
  }
}
