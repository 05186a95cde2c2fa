import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into the API by bench/intake-bombs.bench.ts (`node --import`): measures the API's
 * own event-loop delay, reset and reported over the IPC channel the bench opens.
 */
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
process.on('message', (message) => {
  if (message === 'reset') {
    delay.reset();
    process.send?.({ reset: true });
  } else if (message === 'report') {
    process.send?.({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 });
  }
});
// The channel must not keep the API alive once it is asked to stop.
process.channel?.unref();
