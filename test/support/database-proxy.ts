import { TEST_DATABASE_URL } from './postgres.js';
import { TcpProxy } from './tcp-proxy.js';

/** The test PostgreSQL behind a TcpProxy, and the URL that reaches it through the proxy. */
export async function proxiedTestDatabase(): Promise<{ proxy: TcpProxy; databaseUrl: string }> {
  const direct = new URL(TEST_DATABASE_URL);
  const proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
  const through = new URL(TEST_DATABASE_URL);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return { proxy, databaseUrl: through.toString() };
}
