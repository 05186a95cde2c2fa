import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, nkeys, type NatsConnection } from '@nats-io/transport-node';
import {
  agencyDurableName,
  agencyInboxPrefix,
  ensureAgencyConsumer,
  ensureStream,
  natsAccountsConfig,
} from '../src/index.js';
import { TestNatsServer } from './support/nats-server.js';

const PASSWORD = 'service-secret-for-this-test';

/**
 * The accounts `coord nats-users` generates, on a real nats-server: nobody gets in without a
 * user, the service publishes and runs the stream, an agency reads its own consumer and nothing else.
 */
describe('NATS accounts: the service user and per-agency users', () => {
  let dir: string;
  let nats: TestNatsServer;
  let service: NatsConnection;
  const agencies = ['lc-so-y-te', 'lc-so-ldtbxh'].map((agencyCode) => ({
    agencyCode,
    keys: nkeys.createUser(),
  }));

  const asAgency = (index: number) =>
    connect({
      servers: nats.url,
      authenticator: nkeyAuthenticator(agencies[index]!.keys.getSeed()),
      inboxPrefix: agencyInboxPrefix(agencies[index]!.agencyCode),
      maxReconnectAttempts: 0,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coord-nats-accounts-'));
    const configFile = join(dir, 'server.conf');
    await writeFile(
      configFile,
      natsAccountsConfig({
        agencies: agencies.map(({ agencyCode, keys }) => ({ agencyCode, publicKey: keys.getPublicKey() })),
      }),
    );
    nats = await TestNatsServer.start({ configFile, env: { COORD_NATS_PASSWORD: PASSWORD } });
    service = await connect({ servers: nats.url, user: 'coord', pass: PASSWORD });
    const jsm = await jetstreamManager(service);
    await ensureStream(jsm);
    for (const { agencyCode } of agencies) {
      await ensureAgencyConsumer(jsm, agencyCode);
      await jetstream(service).publish(`coord.agency.${agencyCode}.TaskAssigned`, `{"for":"${agencyCode}"}`);
    }
  });

  afterAll(async () => {
    await service?.close();
    await nats?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets nobody in without a user, nor with a wrong password', async () => {
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/authoriz/i);
    await expect(
      connect({ servers: nats.url, user: 'coord', pass: 'guess', maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/authoriz/i);
  });

  it("lets an agency pull and acknowledge its own consumer's messages", async () => {
    const nc = await asAgency(0);
    try {
      const consumer = await jetstream(nc).consumers.get('COORD_AGENCY', agencyDurableName('lc-so-y-te'));
      const message = await consumer.next({ expires: 5_000 });
      expect(message?.string()).toBe('{"for":"lc-so-y-te"}');
      expect(await message!.ackAck()).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it("refuses an agency another agency's consumer, the stream's subjects, and publishing", async () => {
    const nc = await asAgency(0);
    // The three refusals this test waits for (the two refused requests first report their own).
    const expected = [
      /subscription to "coord\.agency\.>"/i,
      /subscription to "_INBOX\.>"/i,
      /publish to "coord\.agency\.lc-so-ldtbxh\.TaskAssigned"/i,
    ];
    const violations: string[] = [];
    let allReported: () => void = () => undefined;
    const reported = new Promise<void>((resolve) => (allReported = resolve));
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== 'error') continue;
        violations.push(String(status.error));
        if (expected.every((pattern) => pattern.test(violations.join('\n')))) allReported();
      }
    })();
    try {
      await expect(
        jetstream(nc).consumers.get('COORD_AGENCY', agencyDurableName('lc-so-ldtbxh')),
      ).rejects.toThrow();
      await expect(
        nc.request(`$JS.API.CONSUMER.MSG.NEXT.COORD_AGENCY.${agencyDurableName('lc-so-ldtbxh')}`, '1', {
          timeout: 2_000,
        }),
      ).rejects.toThrow();
      nc.subscribe('coord.agency.>');
      nc.subscribe('_INBOX.>');
      nc.publish('coord.agency.lc-so-ldtbxh.TaskAssigned', '{}');
      await nc.flush();
      // Bounded: a refusal that never comes fails below with what did come.
      await Promise.race([reported, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      for (const pattern of expected) expect(violations.join('\n')).toMatch(pattern);
    } finally {
      await nc.close();
    }
    // Nothing an agency tried reached the stream.
    const info = await (await jetstreamManager(service)).streams.info('COORD_AGENCY');
    expect(info.state.messages).toBe(2);
  });
});
