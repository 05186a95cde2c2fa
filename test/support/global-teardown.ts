/** Stops the workers' private PostgreSQL servers (test/support/global-setup.ts). */
export default function stopWorkerDatabases(): void {
  const servers = (globalThis as { workerDatabases?: { stop: () => void }[] }).workerDatabases ?? [];
  for (const server of servers) server.stop();
}
