import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Optional,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AgencyDirectory } from '#libs/agencies';
import {
  agencyWorkForbidden,
  mayManageWebhooks,
  mayReadWebhooks,
  placesOf,
  webhookNotFound,
  webhooksForbidden,
  type Places,
  type ReadPolicy,
} from '#libs/application';
import type { EventStore } from '#libs/event-store';
import {
  APP_CONFIG,
  EVENT_STORE,
  queryParameterProblem,
  validationProblem,
  WebhookDeliveryHost,
  WebhookStore,
  type AppConfig,
  type Principal,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '#libs/platform';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  endpointUrlProblem,
  newSecret,
  normaliseEventTypes,
} from '#libs/webhooks';
import { unknownAgency } from '../agencies/agencies.http.controller.js';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { DeliveriesQuery, RegisterWebhookDto, ReplayDto, RotateSecretDto } from './webhooks.dto.js';
import { ApiAnswer, ApiCreates } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

/** An endpoint as registered or rotated: the new secret is shown this once, never again. */
type WithSecret = WebhookEndpoint & { readonly secret: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An agency's webhook endpoints (docs/adr/0030-webhook-delivery.md): its own systems told of
 * its events over HTTPS, signed as Standard Webhooks, with the CloudEvents bodies of NATS.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('agencies/:code/webhooks')
export class WebhooksHttpController {
  private readonly places: Places;

  constructor(
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly webhooks: WebhookStore,
    // Only where this process delivers (the embedded database).
    @Optional() private readonly delivery?: WebhookDeliveryHost,
  ) {
    this.places = placesOf(directory);
  }

  @Post()
  @ApiOperation({
    summary:
      'Register an endpoint of the agency (its administrator, or an issuer of a committee it answers to); answers its signing secret, once',
  })
  @ApiCreates('WithSecret', 'The endpoint, with its signing secret (shown once)')
  @ApiProblems('agency.not-found', 'webhook.forbidden', 'agency.forbidden')
  async register(
    @Param('code') code: string,
    @Body() body: RegisterWebhookDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WithSecret> {
    this.requireManager(principal, code);
    const problem = endpointUrlProblem(body.url, { allowLoopbackHttp: this.config.webhookAllowLoopbackHttp });
    if (problem) throw validationProblem([{ pointer: '/url', detail: `url ${problem}` }]);
    const secret = newSecret();
    const endpoint = await this.webhooks.createEndpoint({
      id: randomUUID(),
      agencyCode: code,
      url: body.url,
      eventTypes: normaliseEventTypes(body.eventTypes),
      description: body.description ?? null,
      createdBy: principal.personId,
      secretId: randomUUID(),
      secret,
      now: new Date(),
      fromPosition: await this.events.headPosition(),
    });
    reply.status(201).header('location', `/agencies/${code}/webhooks/${endpoint.id}`);
    return { ...endpoint, secret };
  }

  @Get()
  @AuditedRead('agency.webhooks')
  @ApiOperation({ summary: "The agency's endpoints (without secrets)" })
  @ApiAnswer(200, 'WebhooksListAnswer', "The agency's endpoints")
  @ApiProblems('agency.not-found', 'webhook.forbidden', 'agency.forbidden')
  async list(
    @Param('code') code: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ agencyCode: string; items: WebhookEndpoint[] }> {
    this.requireReader(principal, code);
    return { agencyCode: code, items: await this.webhooks.endpoints(code, new Date()) };
  }

  @Get(':id')
  @AuditedRead('agency.webhook')
  @ApiOperation({ summary: 'One endpoint (without secrets)' })
  @ApiAnswer(200, 'WebhookEndpoint', 'The endpoint')
  @ApiProblems('agency.not-found', 'webhook.not-found', 'webhook.forbidden', 'agency.forbidden')
  async get(
    @Param('code') code: string,
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpoint> {
    this.requireReader(principal, code);
    return this.endpoint(code, id);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Disable an endpoint: nothing more is queued or sent to it; its deliveries stay listed',
  })
  @ApiAnswer(200, 'WebhookEndpoint', 'The endpoint, disabled')
  @ApiProblems('agency.not-found', 'webhook.not-found', 'webhook.forbidden', 'agency.forbidden')
  async disable(
    @Param('code') code: string,
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpoint> {
    this.requireManager(principal, code);
    await this.endpoint(code, id);
    return (await this.webhooks.disableEndpoint(code, id, principal.personId, new Date()))!;
  }

  @Post(':id/secrets')
  @ApiOperation({
    summary:
      'Rotate the signing secret: a new one signs from now on, the current one beside it for overlapSeconds (two signatures meanwhile); answers the new secret, once',
  })
  @ApiCreates('WithSecret', 'The endpoint with its new secret (the previous one stays valid for a while)')
  @ApiProblems('agency.not-found', 'webhook.not-found', 'webhook.forbidden', 'agency.forbidden')
  async rotate(
    @Param('code') code: string,
    @Param('id') id: string,
    @Body() body: RotateSecretDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WithSecret> {
    this.requireManager(principal, code);
    const existing = await this.endpoint(code, id);
    if (existing.status !== 'active') {
      throw validationProblem([{ pointer: '', detail: 'a disabled endpoint has no secret to rotate' }]);
    }
    const secret = newSecret();
    const endpoint = await this.webhooks.rotateSecret({
      agencyCode: code,
      endpointId: id,
      secretId: randomUUID(),
      secret,
      overlapSeconds: body.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS,
      now: new Date(),
    });
    if (!endpoint) throw webhookNotFound();
    reply.status(201).header('location', `/agencies/${code}/webhooks/${id}`);
    return { ...endpoint, secret };
  }

  @Get(':id/deliveries')
  @AuditedRead('agency.webhook-deliveries')
  @ApiOperation({
    summary:
      "The endpoint's deliveries, newest first: pending (with attempts, last answer, next attempt), delivered, dead (the dead-letter list, ?status=dead)",
  })
  @ApiAnswer(
    200,
    'WebhooksDeliveriesAnswer',
    'A page of deliveries, newest first (cursor paging: pass next as before)',
  )
  @ApiProblems('agency.not-found', 'webhook.not-found', 'webhook.forbidden', 'agency.forbidden')
  async deliveries(
    @Param('code') code: string,
    @Param('id') id: string,
    @Query() query: DeliveriesQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ endpointId: string; items: WebhookDelivery[]; next: string | null }> {
    this.requireReader(principal, code);
    await this.endpoint(code, id);
    if (query.cursor !== undefined && query.before !== undefined) {
      throw queryParameterProblem('cursor', 'cursor: give either cursor or before, not both');
    }
    const before = query.cursor ?? query.before;
    const limit = query.limit ?? 100;
    // One more than the page: there is a next page only if it is there (next is null at the end).
    const read = await this.webhooks.deliveries(id, {
      ...(query.status ? { status: query.status } : {}),
      ...(before ? { before } : {}),
      limit: limit + 1,
    });
    const items = read.slice(0, limit);
    return {
      endpointId: id,
      items,
      next: read.length > limit ? (items[items.length - 1]?.id ?? null) : null,
    };
  }

  @Post(':id/deliveries/replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send dead deliveries again (all of them, or deliveryIds), each with a fresh schedule, in the order of their tasks',
  })
  @ApiAnswer(200, 'WebhooksReplayAnswer', 'The deliveries queued again')
  @ApiProblems('agency.not-found', 'webhook.not-found', 'webhook.forbidden', 'agency.forbidden')
  async replay(
    @Param('code') code: string,
    @Param('id') id: string,
    @Body() body: ReplayDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ endpointId: string; replayed: string[] }> {
    this.requireManager(principal, code);
    await this.endpoint(code, id);
    const replayed = await this.webhooks.replay(id, body.deliveryIds, new Date());
    // Where this process sends, look at once; elsewhere the sender finds them at its next poll.
    if (replayed.length > 0) this.delivery?.sender.wake();
    return { endpointId: id, replayed };
  }

  private requireAgency(code: string): void {
    if (!this.directory.get(code)) throw unknownAgency(code);
  }

  private requireManager(principal: Principal, code: string): void {
    this.requireAgency(code);
    if (!mayManageWebhooks(this.places, principal, code)) throw webhooksForbidden();
  }

  private requireReader(principal: Principal, code: string): void {
    this.requireAgency(code);
    if (!mayReadWebhooks(this.policy, this.places, principal, code)) throw agencyWorkForbidden();
  }

  private async endpoint(code: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = UUID.test(id) ? await this.webhooks.endpoint(code, id, new Date()) : null;
    if (!endpoint) throw webhookNotFound();
    return endpoint;
  }
}
