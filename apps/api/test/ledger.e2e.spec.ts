import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore } from '#libs/event-store';
import { generateSigningKey } from '#libs/ledger';
import { checkConsistency, checkInclusion, cosign, formatSignedNote } from '#libs/ledger-verifier';
import { EVENT_STORE } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { leafHashOf, mth, TlogTilesReader } from '../../../test/support/tlog-tiles-reader.js';

const AUDITOR = 'demo.auditor.national';
/** A provincial auditor: the log holds other provinces' events too, so the ledger is not theirs. */
const PROVINCIAL_AUDITOR = 'demo.auditor.lc-ubnd-tinh';
const OFFICER = 'demo.officer.lc-so-ldtbxh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';
const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');

const logKey = generateSigningKey('coord.test/ledger');
const witness = generateSigningKey('witness.test/w1').key;
const witnessVerifier = (() => {
  // A witness key is the same Ed25519 key with the cosignature type (0x04).
  const raw = witness.verifier.publicKey;
  return import('#libs/ledger-verifier').then((v) =>
    v.formatVerifierKey(v.verifierKey(witness.name, raw, 0x04)),
  );
})();

async function appendDirect(api: ApiHarness, count: number): Promise<void> {
  const store = api.app.get<EventStore>(EVENT_STORE);
  const actor = { personId: 'kiem-thu', agencyCode: 'lc-so-ldtbxh' };
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        store.append(`ledger-test-${(i + j) % 7}`, [
          {
            id: randomUUID(),
            type: 'TaskProgressReported',
            data: { note: `Tiến độ ${i + j}: đã rà soát ${i + j} trẻ em` },
            metadata: { actor, occurredAt: '2025-03-01T02:00:00.000Z' },
          },
        ]),
      ),
    );
  }
}

/** Waits for a checkpoint covering at least `size` events. */
async function checkpointOf(
  api: ApiHarness,
  size: number,
): Promise<{ treeSize: string; root: string; note: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await api.request('GET', '/ledger/checkpoint', AUDITOR);
    if (answer.status === 200 && Number(answer.body.treeSize) >= size) return answer.body;
    if (Date.now() > deadline)
      throw new Error(`no checkpoint of ${size} events: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.each<Backend>(['pglite', 'postgres'])('the ledger over HTTP (%s)', (backend) => {
  let api: ApiHarness;
  let first: { treeSize: string; root: string; note: string };
  let second: { treeSize: string; root: string; note: string };

  beforeAll(async () => {
    api = await startApi(backend, {
      LEDGER_SIGNING_KEY: logKey.privateText,
      LEDGER_CHECKPOINT_SECONDS: '1',
      LEDGER_WITNESS_KEYS: await witnessVerifier,
    });
    await appendDirect(api, 300);
    first = await checkpointOf(api, 300);
    await appendDirect(api, 290);
    second = await checkpointOf(api, Number(first.treeSize) + 290);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers national auditors only: officers, inspectors and provincial auditors get 403 on every ledger route', async () => {
    for (const path of [
      '/ledger/checkpoint',
      '/ledger/key',
      '/events',
      '/ledger/tlog/checkpoint',
      '/ledger/export',
    ]) {
      for (const token of [OFFICER, INSPECTOR, PROVINCIAL_AUDITOR]) {
        const answer = await api.request('GET', path, token);
        expect({ path, status: answer.status, code: answer.body?.code }).toEqual({
          path,
          status: 403,
          code: 'ledger.forbidden',
        });
      }
    }
  });

  it('publishes the key and proves inclusion and consistency (checked with the RFC 9162 verifier)', async () => {
    const key = await api.request('GET', '/ledger/key', AUDITOR);
    expect(key.body.keys[0]).toMatchObject({ verifierKey: logKey.key.verifierText, current: true });
    const page = await api.request('GET', '/events?limit=3&fromPosition=1', AUDITOR);
    expect(page.status).toBe(200);
    expect(page.body.events).toHaveLength(3);
    const event = page.body.events[2];
    const inclusion = await api.request(
      'GET',
      `/ledger/proof/inclusion?eventId=${event.event.eventId}&treeSize=${second.treeSize}`,
      AUDITOR,
    );
    expect(inclusion.status).toBe(200);
    const { entryLeafHash } = await import('#libs/ledger-verifier');
    expect(
      checkInclusion(
        BigInt(inclusion.body.leafIndex),
        BigInt(second.treeSize),
        entryLeafHash(event.event),
        inclusion.body.proof.map((p: string) => Buffer.from(p, 'base64')),
        Buffer.from(second.root, 'base64'),
      ),
    ).toBeNull();
    const consistency = await api.request(
      'GET',
      `/ledger/proof/consistency?from=${first.treeSize}&to=${second.treeSize}`,
      AUDITOR,
    );
    expect(
      checkConsistency(
        BigInt(first.treeSize),
        BigInt(second.treeSize),
        consistency.body.proof.map((p: string) => Buffer.from(p, 'base64')),
        Buffer.from(first.root, 'base64'),
        Buffer.from(second.root, 'base64'),
      ),
    ).toBeNull();
    const one = await api.request('GET', `/events/${event.event.eventId}`, AUDITOR);
    expect(one.body).toMatchObject({ leafIndex: inclusion.body.leafIndex, event: event.event });
    expect(one.body.inclusion.proof.length).toBeGreaterThan(0);
    const bad = await api.request('GET', `/ledger/proof/consistency?from=x&to=2`, AUDITOR);
    expect(bad.status).toBe(422);
  });

  it('pages the signed checkpoints by cursor, in order of tree size, to a null next', async () => {
    const whole = await api.request('GET', '/ledger/checkpoints?limit=500', AUDITOR);
    expect(whole.body.next).toBeNull();
    const sizes = (whole.body.checkpoints as { treeSize: string }[]).map((c) => c.treeSize);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    const paged: string[] = [];
    for (let next: string | null = null, pages = 0; pages === 0 || next !== null; pages++) {
      expect(pages).toBeLessThan(1_000);
      const page = await api.request(
        'GET',
        `/ledger/checkpoints?limit=1${next === null ? '' : `&cursor=${next}`}`,
        AUDITOR,
      );
      expect(page.status).toBe(200);
      paged.push(...(page.body.checkpoints as { treeSize: string }[]).map((c) => c.treeSize));
      next = page.body.next as string | null;
    }
    // A checkpoint signed meanwhile comes last; those listed before come once, in order.
    expect(paged.slice(0, sizes.length)).toEqual(sizes);
    expect(new Set(paged).size).toBe(paged.length);
    const both = await api.request('GET', '/ledger/checkpoints?cursor=1&after=1', AUDITOR);
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([expect.objectContaining({ pointer: '/cursor', parameter: 'cursor' })]);
  });

  it('browses the log with filters, cursor pages and NDJSON', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await api.request(
        'GET',
        `/events?stream=ledger-test-3&limit=40${cursor ? `&cursor=${cursor}` : ''}`,
        AUDITOR,
      );
      all.push(
        ...answer.body.events.map((e: { event: { streamId: string; eventId: string } }) => e.event.eventId),
      );
      expect(
        answer.body.events.every(
          (e: { event: { streamId: string } }) => e.event.streamId === 'ledger-test-3',
        ),
      ).toBe(true);
      cursor = answer.body.next;
    } while (cursor);
    const ndjson = await fetch(`${api.url}/events?stream=ledger-test-3`, {
      headers: { authorization: `Bearer ${AUDITOR}`, accept: 'application/x-ndjson' },
    });
    expect(ndjson.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event.eventId);
    expect(lines).toEqual(all);
    expect(all.length).toBeGreaterThan(80);
  });

  it('serves C2SP tlog-tiles that a reader written only from the spec reads back: same root, same proofs', async () => {
    const reader = new TlogTilesReader(`${api.url}/ledger/tlog`, { authorization: `Bearer ${AUDITOR}` });
    const checkpoint = await reader.checkpoint(logKey.key.verifierText);
    expect(checkpoint.origin).toBe('coord.test/ledger');
    const size = checkpoint.size;
    expect(size).toBeGreaterThan(512);
    // The root from the hash tiles, and from every entry of the entry bundles.
    expect((await reader.hash(0, size, size)).equals(checkpoint.root)).toBe(true);
    const leaves: Buffer[] = [];
    for (let n = 0; n * 256 < size; n++) leaves.push(...(await reader.entries(n, size)).map(leafHashOf));
    expect(mth(leaves).equals(checkpoint.root)).toBe(true);
    // Proofs computed by the reader from the tiles equal the API's.
    for (const index of [0, 255, 256, 300, size - 1]) {
      const ours = await reader.inclusion(index, 0, size, size);
      const eventId = await leafEvent(api, index);
      const theirs = await api.request(
        'GET',
        `/ledger/proof/inclusion?eventId=${eventId}&treeSize=${size}`,
        AUDITOR,
      );
      expect(theirs.body.proof).toEqual(ours.map((h) => h.toString('base64')));
    }
    const from = Number(first.treeSize);
    const consistency = await api.request(
      'GET',
      `/ledger/proof/consistency?from=${from}&to=${size}`,
      AUDITOR,
    );
    expect(consistency.body.proof).toEqual(
      (await reader.consistency(from, 0, size, true, size)).map((h) => h.toString('base64')),
    );
    // Past the checkpoint nothing is served.
    const beyond = await fetch(`${api.url}/ledger/tlog/tile/0/009`, {
      headers: { authorization: `Bearer ${AUDITOR}` },
    });
    expect(beyond.status).toBe(404);
  });

  it('takes a witness cosignature, shows it, and coord verify checks the live API (requiring it)', async () => {
    const latest = await api.request('GET', '/ledger/checkpoint', AUDITOR);
    const text = latest.body.note.slice(0, latest.body.note.lastIndexOf('\n\n') + 1);
    const line = formatSignedNote({
      text,
      signatures: [cosign(text, witness.name, 1_790_000_000n, witness.privateKey, witness.publicKey)],
    })
      .slice(text.length + 1)
      .trim();
    const added = await api.request(
      'POST',
      `/ledger/checkpoints/${latest.body.treeSize}/cosignatures`,
      AUDITOR,
      {
        signature: line,
      },
    );
    expect(added.status).toBe(200);
    expect(added.body.witnesses).toEqual(['witness.test/w1']);
    expect(added.body.note).toContain(line);
    const forged = await api.request(
      'POST',
      `/ledger/checkpoints/${latest.body.treeSize}/cosignatures`,
      AUDITOR,
      {
        signature: line.replace(/.{6}$/, 'AAAAAA'),
      },
    );
    expect(forged.status).toBe(422);

    const dir = await mkdtemp(join(tmpdir(), 'coord-verify-'));
    try {
      const saved = join(dir, 'trusted.checkpoint');
      const env = { ...process.env, LOG_LEVEL: 'silent' };
      const firstRun = await run(
        'node',
        [
          CLI,
          'verify',
          '--api',
          api.url,
          '--token',
          AUDITOR,
          '--checkpoint',
          saved,
          '--witness',
          await witnessVerifier,
          '--witnesses',
          '1',
        ],
        { env },
      );
      expect(firstRun.stdout).toMatch(/No --key given: using the key\(s\) the service publishes/);
      expect(firstRun.stdout).toMatch(/OK: \d+ events and \d+ signed checkpoints verified/);
      expect(await readFile(saved, 'utf8')).toContain('coord.test/ledger\n');
      const again = await run(
        'node',
        [
          CLI,
          'verify',
          '--api',
          api.url,
          '--token',
          AUDITOR,
          '--key',
          logKey.key.verifierText,
          '--checkpoint',
          saved,
        ],
        { env },
      );
      expect(again.stdout).toMatch(/consistent with the trusted checkpoint/);
      const twoWitnesses = await run(
        'node',
        [
          CLI,
          'verify',
          '--api',
          api.url,
          '--token',
          AUDITOR,
          '--key',
          logKey.key.verifierText,
          '--witnesses',
          '2',
          '--witness',
          await witnessVerifier,
        ],
        { env },
      ).catch((error: { stdout: string; code: number }) => error);
      expect(twoWitnesses).toMatchObject({ code: 1 });
      expect((twoWitnesses as { stdout: string }).stdout).toMatch(
        /FAILED at leaf \d+: .*1 valid witness cosignatures, 2 required/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function leafEvent(api: ApiHarness, index: number): Promise<string> {
  // The browser lists events in log order, which is leaf order: page to the index.
  let cursor: string | null = null;
  let seen = 0;
  for (;;) {
    const answer = await api.request('GET', `/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, AUDITOR);
    const events = answer.body.events as Array<{ leafIndex: string | null; event: { eventId: string } }>;
    const found = events.find((e) => e.leafIndex === String(index));
    if (found) return found.event.eventId;
    seen += events.length;
    cursor = answer.body.next;
    if (!cursor) throw new Error(`leaf ${index} not found in ${seen} events`);
  }
}
