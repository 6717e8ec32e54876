// Timers a test server schedules for its answers, all cancelled when it closes, so a closed server
// never writes to a socket later (or keeps Jest waiting on a pending timer).
"use strict";

function serverTimers() {
  const timers = new Set();
  return {
    /** Runs `fn` after `ms` unless the server closes first. */
    later(ms, fn) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    clearAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

module.exports = { serverTimers };
