// The load's progress line: what is read, and how long reading has left.
import { t } from './i18n.js';

/** Seconds of reading left at the rate so far (`done` of `total` bytes in `elapsedMs`); null in
 *  the first second (too early to say) and once all is read. The report that follows is not in
 *  it: its time depends on the data more than on the bytes. */
export function readingLeft(done, total, elapsedMs) {
  if (elapsedMs < 1000 || !(done > 0) || done >= total) return null;
  return (elapsedMs / 1000) * (total - done) / done;
}

/** `s` seconds as "42 s" or "3 min 5 s", rounded up (an estimate of time left). */
export function fmtSeconds(s) {
  const n = Math.max(1, Math.ceil(s));
  return n < 60 ? t('time.seconds', { n }) : t('time.minutes_seconds', { m: Math.floor(n / 60), s: n % 60 });
}
