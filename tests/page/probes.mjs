// In-page probes shared by the page tests and the page benchmark (run via page.evaluate).

/** Records the gaps between 10 ms timer ticks in `window.__gaps` (a long gap = the main
 *  thread was blocked) until `window.__stopTicks` is set. */
export function installStallProbe() {
  // Long tasks are the main thread's own work; timer gaps also include time the OS gave to
  // other processes (a loaded CI machine), so assertions use the former.
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
  window.__gaps = [];
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    window.__gaps.push(now - last);
    last = now;
    if (!window.__stopTicks) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
}

/** Resolves once the page shows a report and is no longer busy (run via page.evaluate). It
 *  checks inside the page every 20 ms rather than being polled from Node: each of
 *  Playwright's polls is a round trip through the main thread, CPU taken from a load being
 *  measured. */
export function reportShown() {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (document.body.dataset.busy !== 'false' || !window.__qunlensReport) return;
      clearInterval(timer);
      resolve();
    }, 20);
  });
}
