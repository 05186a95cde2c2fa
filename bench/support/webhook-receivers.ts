/**
 * The agencies' systems for `npm run bench:webhooks`, in a process of their own: N plain HTTP
 * servers, one per endpoint. Each delivery is answered 204 at once; its webhook-id, the endpoint
 * and when it arrived go to the parent in batches (IPC), every 50 ms.
 *
 * Started with the number of servers; sends `{ ports }` when listening, then `{ receipts }`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const count = Number(process.argv[2] ?? 100);
let pending: [id: string, endpoint: number, at: number][] = [];
const servers: Server[] = [];

for (let index = 0; index < count; index++) {
  const server = createServer((request, response) => {
    const id = String(request.headers['webhook-id']);
    request.resume();
    request.on('end', () => {
      pending.push([id, index, Date.now()]);
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  servers.push(server);
}

await Promise.all(
  servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
);
process.send!({ ports: servers.map((server) => (server.address() as AddressInfo).port) });

setInterval(() => {
  if (pending.length === 0) return;
  const receipts = pending;
  pending = [];
  process.send!({ receipts });
}, 50);

process.on('disconnect', () => process.exit(0));
