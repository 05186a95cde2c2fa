/**
 * Preloaded into the API by bench/intake-large.bench.ts (`node --expose-gc --import`): on the
 * message 'settle', collects the main thread's garbage (twice: what a first collection frees can
 * hold more) and answers with its memory, so that the RSS a growth is measured from is the
 * process at rest, not at rest plus garbage a collection during the import would give back.
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('message', (message) => {
  if (message !== 'settle') return;
  collect?.();
  collect?.();
  const { heapUsed, arrayBuffers, external } = process.memoryUsage();
  process.send?.({ settled: collect !== undefined, heapUsed, arrayBuffers, external });
});
process.channel?.unref();
