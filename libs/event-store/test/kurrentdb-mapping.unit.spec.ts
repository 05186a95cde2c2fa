import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as kurrent from '@kurrent/kurrentdb-client';
import {
  actualVersionOf,
  compareLogPositions,
  ConcurrencyError,
  DEFAULT_STREAM_PREFIX,
  ExpectedVersion,
  fromKurrentEvent,
  InvalidAppendError,
  isAfter,
  isClientError,
  KURRENT,
  kurrentStreamName,
  mapAppendError,
  readFrom,
  serviceFilter,
  serviceStreamId,
  START_OF_LOG,
  streamVersionOf,
  toEventData,
  toKurrentPosition,
  toLogPosition,
  toStreamState,
  validateKurrentAppend,
  type NewEvent,
} from '../src/index.js';
import { asAppendConflict } from '../../platform/src/commands/event-store-adapter.js';
import { AppendConflict } from '../../application/src/ports/event-store.port.js';

// The client's own read conversion (what readStream and readAll yield for each event the server
// sends), so that the round trip below goes through the client's decoding, not a copy of it.
const require = createRequire(import.meta.url);
const { convertRustRecord } = require('@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js') as {
  convertRustRecord: (event: unknown) => kurrent.RecordedEvent;
};

const actor = { personId: 'nguyen.van.a', agencyCode: 'lc-so-ldtbxh' };

function newEvent(data: unknown, metadata: Partial<NewEvent['metadata']> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskAssigned',
    schemaVersion: 2,
    data,
    metadata: { actor, occurredAt: '2025-03-01T02:00:00.000Z', ...metadata },
  };
}

/**
 * What the server hands back for an event the client appended: the client's append serialises
 * data and metadata as JSON in UTF-8 (streams/appendToStream/append.js), the server keeps the
 * bytes, and the client's convertRustRecord decodes them.
 */
function throughTheClient(
  event: NewEvent,
  at: { streamName: string; revision: bigint; position: kurrent.Position; created: number },
): kurrent.RecordedEvent {
  const written = toEventData(event) as kurrent.JSONEventData;
  return convertRustRecord({
    streamId: at.streamName,
    id: written.id,
    revision: at.revision,
    type: written.type,
    created: at.created,
    isJson: written.contentType === 'application/json',
    data: Buffer.from(JSON.stringify(written.data), 'utf8'),
    metadata: Buffer.from(JSON.stringify(written.metadata), 'utf8'),
    customMetadata: Buffer.alloc(0),
    position: at.position,
  });
}

describe('KurrentDB mapping (against the client library, no server)', () => {
  describe('constants and filters', () => {
    it('are the client’s own', () => {
      expect(KURRENT).toEqual({
        START: kurrent.START,
        END: kurrent.END,
        ANY: kurrent.ANY,
        NO_STREAM: kurrent.NO_STREAM,
        FORWARDS: kurrent.FORWARDS,
        BACKWARDS: kurrent.BACKWARDS,
      });
    });

    it('filter $all on the server to the service’s stream prefix, as streamNameFilter builds it', () => {
      expect(serviceFilter('coord-')).toEqual(kurrent.streamNameFilter({ prefixes: ['coord-'] }));
      expect(serviceFilter('lc-coord-')).toEqual(kurrent.streamNameFilter({ prefixes: ['lc-coord-'] }));
    });
  });

  describe('stream names', () => {
    it('prefix the service’s stream ids and strip the prefix again', () => {
      const name = kurrentStreamName(DEFAULT_STREAM_PREFIX, 'task-7d1c');
      expect(name).toBe('coord-task-7d1c');
      expect(serviceStreamId(DEFAULT_STREAM_PREFIX, name)).toBe('task-7d1c');
    });

    it('leave out streams of other prefixes and system streams', () => {
      expect(serviceStreamId('coord-', 'billing-invoice-1')).toBeNull();
      expect(serviceStreamId('coord-', '$projections-$all')).toBeNull();
      expect(serviceStreamId('coord-', 'coord-')).toBeNull();
    });
  });

  describe('positions: $all commit/prepare and the port’s log position', () => {
    it('map commit to the transaction and prepare to the event’s position, both ways', () => {
      const position: kurrent.Position = { commit: 18_446_744_073_709n, prepare: 18_446_744_073_100n };
      expect(toLogPosition(position)).toEqual({
        transactionId: 18_446_744_073_709n,
        globalPosition: 18_446_744_073_100n,
      });
      expect(toKurrentPosition(toLogPosition(position))).toEqual(position);
    });

    it('keep $all order: commit first, then prepare', () => {
      const inAllOrder: kurrent.Position[] = [
        { commit: 100n, prepare: 100n },
        { commit: 300n, prepare: 200n },
        { commit: 300n, prepare: 250n },
        { commit: 400n, prepare: 400n },
      ];
      const mapped = inAllOrder.map(toLogPosition);
      expect([...mapped].reverse().sort(compareLogPositions)).toEqual(mapped);
      expect(isAfter(inAllOrder[2]!, mapped[1]!)).toBe(true);
      expect(isAfter(inAllOrder[1]!, mapped[1]!)).toBe(false);
      expect(isAfter(inAllOrder[0]!, mapped[1]!)).toBe(false);
    });

    it('read the log from its start, or from a checkpoint', () => {
      expect(readFrom(START_OF_LOG)).toBe(kurrent.START);
      expect(readFrom({ transactionId: 7n, globalPosition: 5n })).toEqual({ commit: 7n, prepare: 5n });
    });
  });

  describe('expected versions and revisions', () => {
    it.each([
      ['any', ExpectedVersion.any, kurrent.ANY],
      ['no stream', ExpectedVersion.noStream, kurrent.NO_STREAM],
      ['exact 0 (no stream yet)', ExpectedVersion.exact(0), kurrent.NO_STREAM],
      ['exact 1 (revision 0)', ExpectedVersion.exact(1), 0n],
      ['exact 42 (revision 41)', ExpectedVersion.exact(42), 41n],
    ])('map %s to the client’s streamState', (_, expected, state) => {
      expect(toStreamState(expected)).toBe(state);
    });

    it('count stream versions from 1 and revisions from 0', () => {
      expect(streamVersionOf(0n)).toBe(1);
      expect(streamVersionOf(41n)).toBe(42);
      expect(actualVersionOf(kurrent.NO_STREAM)).toBe(0);
      expect(actualVersionOf(4n)).toBe(5);
    });
  });

  describe('errors', () => {
    it('turn a WrongExpectedVersionError into the port’s ConcurrencyError, and that into the application’s AppendConflict', () => {
      const refusal = new kurrent.WrongExpectedVersionError(undefined, {
        streamName: 'coord-task-1',
        expected: 1n,
        current: 4n,
      });
      const mapped = mapAppendError(refusal, 'task-1', ExpectedVersion.exact(2));
      expect(mapped).toBeInstanceOf(ConcurrencyError);
      expect(mapped).toMatchObject({
        streamId: 'task-1',
        expected: { kind: 'exact', version: 2 },
        actualVersion: 5,
      });
      const conflict = asAppendConflict(mapped, 'task-1', 2);
      expect(conflict).toBeInstanceOf(AppendConflict);
      expect(conflict).toMatchObject({ streamId: 'task-1', expectedVersion: 2 });
    });

    it('report a stream that does not exist as version 0', () => {
      const refusal = new kurrent.WrongExpectedVersionError(undefined, {
        streamName: 'coord-task-2',
        expected: 2n,
        current: kurrent.NO_STREAM,
      });
      expect(mapAppendError(refusal, 'task-2', ExpectedVersion.exact(3))).toMatchObject({ actualVersion: 0 });
    });

    it('turn the server’s size limit into invalid input, naming the limit', () => {
      const mapped = mapAppendError(
        kurrent.MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576),
        'plan-1',
        ExpectedVersion.any,
      );
      expect(mapped).toBeInstanceOf(InvalidAppendError);
      expect((mapped as Error).message).toContain('1048576');
    });

    it('pass on anything else (the server unavailable, access denied) untouched', () => {
      const unavailable = new kurrent.UnavailableError();
      const denied = new kurrent.AccessDeniedError();
      expect(mapAppendError(unavailable, 'task-3', ExpectedVersion.any)).toBe(unavailable);
      expect(mapAppendError(denied, 'task-3', ExpectedVersion.any)).toBe(denied);
    });

    it('recognise a missing stream by the client’s error type', () => {
      expect(isClientError(new kurrent.StreamNotFoundError(undefined, 'coord-x'), 'stream-not-found')).toBe(
        true,
      );
      expect(isClientError(new kurrent.UnavailableError(), 'stream-not-found')).toBe(false);
    });
  });

  describe('events and metadata', () => {
    it('write the event as the client’s jsonEvent, with the port’s event id (for de-duplication by the server)', () => {
      const event = newEvent({ title: 'Khám sàng lọc' }, { correlationId: 'c-1', causationId: 'k-1' });
      const data = toEventData(event);
      expect(data).toEqual(
        kurrent.jsonEvent({
          id: event.id,
          type: 'TaskAssigned',
          data: { title: 'Khám sàng lọc' },
          metadata: {
            actor,
            occurredAt: '2025-03-01T02:00:00.000Z',
            correlationId: 'c-1',
            $correlationId: 'c-1',
            causationId: 'k-1',
            $causationId: 'k-1',
            schemaVersion: 2,
          },
        }),
      );
      expect(data.id).toBe(event.id);
    });

    it('round-trip actor, agency, occurredAt, ids and reason unchanged, with recordedAt from the server', () => {
      const event = newEvent(
        { reason: 'Chuyển giao cho Sở Y tế theo Quyết định 12/QĐ-UBND', note: 'a "b" \\ c' },
        { correlationId: 'corr-9', causationId: 'cause-9', idempotencyKey: 'key-9' },
      );
      const created = Date.parse('2025-03-01T02:00:01.234Z');
      const read = throughTheClient(event, {
        streamName: 'coord-task-9',
        revision: 4n,
        position: { commit: 9_000n, prepare: 8_900n },
        created,
      });
      const recorded = fromKurrentEvent(DEFAULT_STREAM_PREFIX, read);

      expect(recorded).toEqual({
        id: event.id,
        streamId: 'task-9',
        streamVersion: 5,
        globalPosition: 8_900n,
        transactionId: 9_000n,
        type: 'TaskAssigned',
        schemaVersion: 2,
        data: event.data,
        metadata: { ...event.metadata, recordedAt: '2025-03-01T02:00:01.234Z' },
      });
    });

    it('keep Vietnamese text byte for byte: NFC stays NFC, and nothing is normalised on the way', () => {
      const nfc = 'Ủy ban nhân dân tỉnh Lai Châu: phối hợp bảo vệ trẻ em'.normalize('NFC');
      const nfd = nfc.normalize('NFD');
      const event = newEvent({ nfc, nfd, emoji: 'trẻ em 👧' });
      const read = throughTheClient(event, {
        streamName: 'coord-plan-1',
        revision: 0n,
        position: { commit: 1n, prepare: 1n },
        created: Date.now(),
      });
      const data = fromKurrentEvent(DEFAULT_STREAM_PREFIX, read)!.data as Record<string, string>;
      expect(data.nfc).toBe(nfc);
      expect(data.nfc?.normalize('NFC')).toBe(nfc);
      expect(data.nfd).toBe(nfd);
      expect(data.emoji).toBe('trẻ em 👧');
    });

    it('round-trip a large event (a plan of 3 MB of Vietnamese text) and keep its key order', () => {
      const paragraph = 'Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp các sở, ngành. ';
      const event = newEvent({
        zeta: 1,
        text: paragraph.repeat(Math.ceil(3_000_000 / paragraph.length)),
        alpha: { 'Sở Y tế': 'phối hợp' },
        tasks: Array.from({ length: 500 }, (_, i) => ({ i, title: `Nhiệm vụ ${i}` })),
      });
      const read = throughTheClient(event, {
        streamName: 'coord-plan-2',
        revision: 0n,
        position: { commit: 2n, prepare: 2n },
        created: Date.now(),
      });
      const recorded = fromKurrentEvent(DEFAULT_STREAM_PREFIX, read)!;
      expect(JSON.stringify(recorded.data)).toBe(JSON.stringify(event.data));
      expect(JSON.stringify(recorded.data).length).toBeGreaterThan(3_000_000);
    });

    it('default the schema version to 1 and leave out other services’ and system events', () => {
      const event: NewEvent = { ...newEvent({ a: 1 }), schemaVersion: undefined };
      const at = { revision: 0n, position: { commit: 3n, prepare: 3n }, created: Date.now() };
      expect(
        fromKurrentEvent('coord-', throughTheClient(event, { ...at, streamName: 'coord-task-3' }))!
          .schemaVersion,
      ).toBe(1);
      expect(
        fromKurrentEvent('coord-', throughTheClient(event, { ...at, streamName: 'billing-1' })),
      ).toBeNull();
      expect(
        fromKurrentEvent('coord-', throughTheClient(event, { ...at, streamName: '$stats-1' })),
      ).toBeNull();
    });
  });

  it('refuse an event of this service without its position (a server too old), rather than drop it', () => {
    const read = throughTheClient(newEvent({ a: 1 }), {
      streamName: 'coord-task-4',
      revision: 0n,
      position: undefined as unknown as kurrent.Position,
      created: Date.now(),
    });
    expect(() => fromKurrentEvent('coord-', read)).toThrow('without its position');
  });

  describe('appends refused before anything is sent', () => {
    it.each([
      ['a NUL character', { text: 'nul \u0000 here' }],
      ['an unpaired high surrogate', { text: 'half \ud83d pair' }],
      ['an unpaired low surrogate', { nested: ['\udc00'] }],
      ['a NUL character', { ['key\u0000']: 1 }],
    ])(
      'refuse text with %s (the client would change it, or no projection could store it)',
      (problem, data) => {
        expect(() => validateKurrentAppend('task-1', [newEvent(data)])).toThrow(InvalidAppendError);
        expect(() => validateKurrentAppend('task-1', [newEvent(data)])).toThrow(problem);
      },
    );

    it('keep text that only looks like an escape, and whole surrogate pairs', () => {
      expect(() =>
        validateKurrentAppend('task-1', [newEvent({ path: 'C:\\u0000\\dir', emoji: '👧', s: '\\ud83d' })]),
      ).not.toThrow();
    });

    it('refuse an event id that is not a uuid, twice in one append, or no occurredAt', () => {
      const event = newEvent({});
      expect(() => validateKurrentAppend('task-1', [{ ...event, id: 'not-a-uuid' }])).toThrow(
        InvalidAppendError,
      );
      expect(() => validateKurrentAppend('task-1', [event, event])).toThrow('appears twice');
      expect(() =>
        validateKurrentAppend('task-1', [{ ...event, metadata: { actor, occurredAt: 'yesterday' } }]),
      ).toThrow(InvalidAppendError);
      expect(() => validateKurrentAppend('task-1', [])).toThrow(InvalidAppendError);
    });
  });
});
