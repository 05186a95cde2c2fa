import { Readable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiParam } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CosignatureError,
  EventBrowser,
  PortEventBrowser,
  type EventBrowsing,
  exportLedger,
  LedgerCheckpoints,
  LedgerRangeError,
  LedgerStore,
  parseTileIndexPath,
  TILE_WIDTH,
  type EventFilter,
  type StoredCheckpoint,
} from '#libs/ledger';
import { entryBytes, HASH_SIZE } from '#libs/ledger-verifier';
import type { ReadAuditLog } from '#libs/application';
import type { EventStore } from '#libs/event-store';
import {
  APP_CONFIG,
  EVENT_STORE,
  LedgerKeys,
  problemType,
  ProblemError,
  READ_AUDIT,
  queryParameterProblem,
  validationProblem,
  type AppConfig,
  type Principal,
} from '#libs/platform';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { ReadRecorder, type AuditedRequest } from '../audit/read-audit.interceptor.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { assertMayReadLedger } from './ledger-access.js';
import {
  CheckpointsQuery,
  ConsistencyProofQuery,
  CosignatureDto,
  EventsQuery,
  ExportQuery,
  InclusionQuery,
} from './ledger-queries.dto.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

const b64 = (bytes: Buffer): string => bytes.toString('base64');
const IMMUTABLE = 'public, max-age=31536000, immutable';

function notFound(code: string, detail: string): ProblemError {
  return new ProblemError({ type: problemType(code), title: 'Not found', status: 404, code, detail });
}

/**
 * The browser of GET /events: in SQL over PostgreSQL's event tables, or, when the ledger reads the
 * log through the port (EVENT_STORE=kurrentdb: no event tables here), over the log as read.
 */
export function eventBrowserFor(ledger: LedgerStore, log: EventStore): EventBrowsing {
  return ledger.readsThroughPort
    ? new PortEventBrowser(log, ledger)
    : new EventBrowser(ledger.database, ledger.schema);
}

function checkpointView(c: StoredCheckpoint) {
  return {
    treeSize: c.treeSize.toString(),
    root: b64(c.root),
    note: c.cosigned,
    witnesses: c.witnesses,
    createdAt: c.createdAt,
  };
}

/**
 * The ledger for auditors (docs/adr/0018-tamper-evident-ledger.md): checkpoints, proofs, the
 * export, the C2SP tlog-tiles resources, and the event browser. Every route: auditors only.
 */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerHttpController {
  private readonly browser: EventBrowsing;

  private readonly reads: ReadRecorder;

  constructor(
    private readonly ledger: LedgerStore,
    private readonly checkpoints: LedgerCheckpoints,
    private readonly keys: LedgerKeys,
    @Inject(READ_AUDIT) audit: ReadAuditLog,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) log: EventStore,
  ) {
    this.browser = eventBrowserFor(ledger, log);
    // Streamed answers (NDJSON, tiles, the signed note) are recorded before their first byte.
    this.reads = new ReadRecorder(audit, config);
  }

  @Get('ledger/key')
  @AuditedRead('ledger.key')
  @ApiOperation({
    summary: "The log's origin, its verifier keys (current first, then earlier ones) and witness keys",
  })
  @ApiAnswer(200, 'LedgerKeyAnswer', 'The verifier keys of the log and its witnesses')
  @ApiProblems('ledger.forbidden')
  key(@CurrentPrincipal() principal: Principal) {
    assertMayReadLedger(principal);
    return {
      origin: this.keys.origin,
      keys: this.keys.verifierTexts.map((text, i) => ({
        verifierKey: text,
        keyId: text.split('+')[1],
        current: i === 0 && this.keys.signing !== undefined,
      })),
      witnesses: this.keys.witnesses.map((w) => ({
        name: w.name,
        keyId: w.keyId.toString(16).padStart(8, '0'),
      })),
    };
  }

  @Get('ledger/checkpoint')
  @AuditedRead('ledger.checkpoint')
  @ApiOperation({
    summary: 'The newest signed checkpoint (C2SP tlog-checkpoint as a signed note, with cosignatures)',
  })
  @ApiAnswer(200, 'LedgerCheckpointAnswer', 'The newest signed checkpoint')
  @ApiProblems('ledger.forbidden', 'ledger.no-checkpoint')
  async checkpoint(@CurrentPrincipal() principal: Principal) {
    assertMayReadLedger(principal);
    const latest = await this.checkpoints.latest();
    if (!latest) throw notFound('ledger.no-checkpoint', 'No checkpoint has been signed yet.');
    return checkpointView(latest);
  }

  @Get('ledger/checkpoints')
  @AuditedRead('ledger.checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints in order of tree size' })
  @ApiAnswer(200, 'LedgerListAnswer', 'A page of checkpoints (cursor paging: pass next as after)')
  @ApiProblems('ledger.forbidden')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: CheckpointsQuery) {
    assertMayReadLedger(principal);
    if (query.cursor !== undefined && query.after !== undefined) {
      throw queryParameterProblem('cursor', 'cursor: give either cursor or after, not both');
    }
    const limit = query.limit ?? 100;
    // One more than the page: there is a next page only if it is there (next is null at the end).
    const read = await this.checkpoints.list(BigInt(query.cursor ?? query.after ?? '0'), limit + 1);
    const items = read.slice(0, limit);
    return {
      checkpoints: items.map(checkpointView),
      next: read.length > limit ? items[items.length - 1]!.treeSize.toString() : null,
    };
  }

  @Post('ledger/checkpoints/:size/cosignatures')
  @HttpCode(200)
  @ApiOperation({
    summary: "Adds a witness's cosignature (C2SP tlog-cosignature) to the checkpoint of a size",
  })
  @ApiAnswer(200, 'LedgerCosignAnswer', 'The checkpoint with the cosignature added')
  @ApiProblems('ledger.forbidden', 'ledger.no-checkpoint')
  async cosign(
    @CurrentPrincipal() principal: Principal,
    @Param('size') size: string,
    @Body() body: CosignatureDto,
  ) {
    assertMayReadLedger(principal);
    if (!/^\d{1,19}$/.test(size)) throw notFound('ledger.no-checkpoint', `No checkpoint of size ${size}.`);
    try {
      return checkpointView(
        await this.checkpoints.addCosignature(BigInt(size), body.signature, this.keys.witnesses),
      );
    } catch (error) {
      if (error instanceof CosignatureError) {
        throw validationProblem([{ pointer: '/signature', detail: error.message }], error.message);
      }
      throw error;
    }
  }

  @Get('ledger/proof/inclusion')
  @AuditedRead('ledger.proof.inclusion')
  @ApiOperation({ summary: 'Inclusion proof (RFC 9162) of an event in the tree of a size' })
  @ApiAnswer(200, 'LedgerInclusionAnswer', 'The inclusion proof of the event')
  @ApiProblems('ledger.forbidden', 'ledger.event-not-in-ledger', 'ledger.no-checkpoint')
  async inclusion(@CurrentPrincipal() principal: Principal, @Query() query: InclusionQuery) {
    assertMayReadLedger(principal);
    const leaf = await this.ledger.leafOf(query.eventId);
    if (!leaf) throw notFound('ledger.event-not-in-ledger', 'The ledger has no such event (yet).');
    const treeSize = await this.treeSizeOr(query.treeSize);
    return { eventId: query.eventId, ...(await this.inclusionOf(leaf.leafIndex, treeSize, 'treeSize')) };
  }

  @Get('ledger/proof/consistency')
  @AuditedRead('ledger.proof.consistency')
  @ApiOperation({ summary: 'Consistency proof (RFC 9162) between two tree sizes' })
  @ApiAnswer(200, 'LedgerConsistencyAnswer', 'The consistency proof between two tree sizes')
  @ApiProblems('ledger.forbidden', 'ledger.no-checkpoint')
  async consistency(@CurrentPrincipal() principal: Principal, @Query() query: ConsistencyProofQuery) {
    assertMayReadLedger(principal);
    const [from, to] = [BigInt(query.from), BigInt(query.to)];
    if (from > to)
      throw validationProblem([{ pointer: '', parameter: 'from', detail: 'from must not exceed to' }]);
    try {
      const proof = await this.ledger.consistencyProof(from, to);
      return {
        from: query.from,
        to: query.to,
        fromRoot: b64(await this.ledger.root(from)),
        toRoot: b64(await this.ledger.root(to)),
        proof: proof.map(b64),
      };
    } catch (error) {
      if (error instanceof LedgerRangeError)
        throw validationProblem([{ pointer: '', parameter: 'to', detail: error.message }]);
      throw error;
    }
  }

  @Get('ledger/export')
  @ApiOperation({
    summary: 'The log and its checkpoints as NDJSON, what `coord export` writes and `coord verify` reads',
  })
  @ApiAnswer(
    200,
    { type: 'string', description: 'One JSON object per line: each leaf with its event' },
    'The ledger from a leaf on, as NDJSON',
    { contentTypes: ['application/x-ndjson'] },
  )
  @ApiProblems('ledger.forbidden', 'read-audit-unavailable')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ExportQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    assertMayReadLedger(principal);
    // A stream: recorded before its first byte, its length not known yet (items 0).
    await this.reads.record('ledger.export', auditedRequest(request), 0);
    const records = exportLedger(this.ledger, this.checkpoints, {
      origin: this.keys.origin,
      publicKeys: this.keys.verifierTexts,
      fromLeaf: BigInt(query.fromLeaf ?? '0'),
    });
    await reply.type('application/x-ndjson; charset=utf-8').send(
      Readable.from(
        (async function* () {
          for await (const record of records) yield `${JSON.stringify(record)}\n`;
        })(),
      ),
    );
  }

  @Get('ledger/tlog/checkpoint')
  @ApiOperation({ summary: 'C2SP tlog-tiles: the newest checkpoint as a signed note (text/plain)' })
  @ApiAnswer(
    200,
    { type: 'string', description: 'A signed note (C2SP tlog-checkpoint)' },
    'The newest checkpoint as a signed note',
    { contentTypes: ['text/plain'] },
  )
  @ApiProblems('ledger.forbidden', 'ledger.no-checkpoint', 'read-audit-unavailable')
  async tlogCheckpoint(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    assertMayReadLedger(principal);
    const latest = await this.checkpoints.latest();
    if (!latest) throw notFound('ledger.no-checkpoint', 'No checkpoint has been signed yet.');
    await this.reads.record('ledger.tlog.checkpoint', auditedRequest(request), 1);
    await reply
      .type('text/plain; charset=utf-8')
      .header('Cache-Control', 'no-cache, max-age=5')
      .send(latest.cosigned);
  }

  @Get('ledger/tlog/tile/*')
  @ApiOperation({
    summary:
      'C2SP tlog-tiles: hash tiles `tile/<L>/<N>[.p/<W>]` and entry bundles `tile/entries/<N>[.p/<W>]`',
  })
  @ApiParam({ name: 'path', description: 'A C2SP tlog-tiles path, e.g. 0/000 or entries/000.p/5' })
  @ApiAnswer(
    200,
    { type: 'string', contentMediaType: 'application/octet-stream' },
    'The tile (C2SP tlog-tiles)',
    { contentTypes: ['application/octet-stream'] },
  )
  @ApiProblems('ledger.forbidden', 'ledger.no-tile', 'read-audit-unavailable')
  async tile(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    assertMayReadLedger(principal);
    const path = request.url.split('?')[0]!.replace(/^.*\/ledger\/tlog\/tile\//, '');
    const match = /^(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
    const index = match ? parseTileIndexPath(match[2]!) : null;
    const width = match?.[3] === undefined ? TILE_WIDTH : Number(match[3]);
    if (
      !match ||
      index === null ||
      (match[3] !== undefined && width > 255) ||
      (match[3] !== undefined && width < 1) ||
      Number(match[1]) > 63
    ) {
      throw notFound('ledger.no-tile', 'No such tile.');
    }
    // A tile exists once a checkpoint covers it: nothing past the newest checkpoint is served.
    const size = (await this.checkpoints.latest())?.treeSize ?? 0n;
    const level = match[1] === 'entries' ? 0 : Number(match[1]);
    const start = index * BigInt(TILE_WIDTH) + BigInt(width);
    if (start << BigInt(8 * level) > size) throw notFound('ledger.no-tile', 'No such tile (yet).');
    let body: Buffer;
    if (match[1] === 'entries') {
      const first = index * BigInt(TILE_WIDTH);
      const entries = await this.ledger.leafEntries(first, first + BigInt(width));
      body = Buffer.concat(
        entries.map((entry) => {
          const bytes = entryBytes(entry);
          const length = Buffer.alloc(2);
          length.writeUInt16BE(bytes.length);
          return Buffer.concat([length, bytes]);
        }),
      );
    } else {
      const hashes = await this.ledger.tile(level, index);
      if (!hashes || hashes.length < width * HASH_SIZE)
        throw notFound('ledger.no-tile', 'No such tile (yet).');
      body = hashes.subarray(0, width * HASH_SIZE);
    }
    await this.reads.record('ledger.tlog.tile', auditedRequest(request), 1);
    await reply.type('application/octet-stream').header('Cache-Control', IMMUTABLE).send(body);
  }

  @Get('events')
  @ApiOperation({
    summary:
      'Browse and replay the global log in its order, with filters; NDJSON with Accept: application/x-ndjson',
    description:
      'A page holds up to `limit` matching events; `next` is the cursor of the next page, null at the end of the log. ' +
      'With the events in KurrentDB (EVENT_STORE=kurrentdb) the filters run over the log as it is read, and a page ' +
      'reads at most 10,000 events: one that reaches that before it is full ends early, so a page shorter than ' +
      '`limit` (even an empty one) with a non-null `next` means "keep going", not "the end". NDJSON follows `next` ' +
      'by itself to the end.',
  })
  @ApiAnswer(
    200,
    'EventPage',
    'A page of the events that match (cursor paging: pass next as cursor); with Accept: application/x-ndjson, every one of them, one per line',
    { contentTypes: ['application/json', 'application/x-ndjson'] },
  )
  @ApiProblems('ledger.forbidden', 'read-audit-unavailable')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EventsQuery,
    @Headers('accept') accept: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    assertMayReadLedger(principal);
    const filter: EventFilter = {
      ...(query.stream !== undefined ? { streamId: query.stream } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(query.agency !== undefined ? { agency: query.agency } : {}),
      ...(query.actor !== undefined ? { actor: query.actor } : {}),
      ...(query.fromPosition !== undefined ? { fromPosition: BigInt(query.fromPosition) } : {}),
      ...(query.toPosition !== undefined ? { toPosition: BigInt(query.toPosition) } : {}),
      ...(query.occurredFrom !== undefined ? { occurredFrom: query.occurredFrom } : {}),
      ...(query.occurredTo !== undefined ? { occurredTo: query.occurredTo } : {}),
      ...(query.recordedFrom !== undefined ? { recordedFrom: query.recordedFrom } : {}),
      ...(query.recordedTo !== undefined ? { recordedTo: query.recordedTo } : {}),
    };
    if (accept?.includes('application/x-ndjson')) {
      const browser = this.browser;
      const stream = async function* (): AsyncGenerator<string> {
        let cursor = query.cursor;
        for (;;) {
          const page = await browser.page(filter, cursor, 1_000);
          for (const event of page.events) yield `${JSON.stringify(event)}\n`;
          if (!page.next) return;
          cursor = page.next;
        }
      };
      // A stream: recorded before its first byte, its length not known yet (items 0).
      await this.reads.record('events', auditedRequest(request), 0);
      await reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(stream()));
      return;
    }
    const page = await this.browser.page(filter, query.cursor, query.limit ?? 100);
    await this.reads.record('events', auditedRequest(request), page.events.length);
    await reply.send(page);
  }

  @Get('events/:id')
  @AuditedRead('event')
  @ApiOperation({ summary: 'One event, its leaf index and its inclusion proof in the newest checkpoint' })
  @ApiAnswer(200, 'LedgerEventAnswer', 'The event, with its inclusion proof once a checkpoint covers it')
  @ApiProblems('ledger.forbidden', 'event.not-found')
  async event(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    assertMayReadLedger(principal);
    const found = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? await this.browser.byId(id)
      : null;
    if (!found) throw notFound('event.not-found', 'No such event.');
    const latest = await this.checkpoints.latest();
    const leafIndex = found.leafIndex === null ? null : BigInt(found.leafIndex);
    const proof =
      latest && leafIndex !== null && leafIndex < latest.treeSize
        ? await this.inclusionOf(leafIndex, latest.treeSize, 'treeSize')
        : null;
    return { ...found, inclusion: proof, checkpoint: latest ? checkpointView(latest) : null };
  }

  private async treeSizeOr(text: string | undefined): Promise<bigint> {
    if (text !== undefined) return BigInt(text);
    const latest = await this.checkpoints.latest();
    if (!latest) throw notFound('ledger.no-checkpoint', 'No checkpoint has been signed yet.');
    return latest.treeSize;
  }

  private async inclusionOf(leafIndex: bigint, treeSize: bigint, parameter: string) {
    try {
      const proof = await this.ledger.inclusionProof(leafIndex, treeSize);
      return {
        leafIndex: leafIndex.toString(),
        treeSize: treeSize.toString(),
        root: b64(await this.ledger.root(treeSize)),
        proof: proof.map(b64),
      };
    } catch (error) {
      if (error instanceof LedgerRangeError)
        throw validationProblem([{ pointer: '', parameter, detail: error.message }]);
      throw error;
    }
  }
}

/** The parts of a Fastify request the audit of reads keeps (the principal is set by the auth guard). */
function auditedRequest(request: FastifyRequest): AuditedRequest {
  return request as unknown as AuditedRequest;
}
