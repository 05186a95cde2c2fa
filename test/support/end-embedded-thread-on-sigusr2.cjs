// Preloaded (NODE_OPTIONS=--require) into an app process by a test: on SIGUSR2 it terminates the
// worker threads the process started, as a crash of the embedded database's thread would end it.
const threads = [];
process.on('worker', (thread) => threads.push(thread));
process.on('SIGUSR2', () => {
  for (const thread of threads) void thread.terminate();
});
