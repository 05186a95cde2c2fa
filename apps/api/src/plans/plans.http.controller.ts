import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { planNotFound, type ReadPolicy } from '#libs/application';
import { IsCalendarDate, PROJECTION_DATA_SOURCE, type Principal } from '#libs/platform';
import { getPlan } from '#libs/projections';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { READ_POLICY } from '../agencies/agency-directory.provider.js';
import { CommandRequest, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-result.js';
import { DecidePlan } from './decide-plan.command.js';
import { planAudienceFor } from './plan-audience.js';
import { ConfirmDraftDto, ImportPlanQueryDto } from './plan-intake.dto.js';
import {
  PlanIntakeService,
  requireIssuer,
  type ConfirmResult,
  type PlanDraftView,
} from './plan-intake.service.js';
import { DOCX_MEDIA_TYPE, planUploadOf, PlanUploadRequest, type RawPlanUpload } from './plan-upload.js';
import { ApiAnswer, ApiCreates, ApiIdempotencyKey } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

export class RegisterPlanDto {
  @ApiProperty({ example: '1601/KH-UBND', description: 'The number on the signed copy, as written' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  number!: string;

  @ApiProperty({ example: '2024-07-15', description: 'The signing date on the signed copy' })
  @IsCalendarDate()
  issuedOn!: string;
}

/** From a plan document to reviewed assignments: import (a draft), review, confirm (the events). */
@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansHttpController {
  constructor(
    private readonly intake: PlanIntakeService,
    private readonly commandBus: CommandBus,
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
  ) {}

  @Post(':planId/registration')
  @HttpCode(200)
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: "Record a plan's number and signing date from its signed copy (the committee carrying it)",
    description:
      'Records PlanRegistered. Once: the same values again answer 200 and record nothing; other values are ' +
      '409 plan.already-registered (the number of a signed document is not corrected here). ' +
      'Another reader of the plan: 403 plan.forbidden; anyone who may not read it: 404 plan.not-found.',
  })
  @ApiAnswer(200, 'CommandResult', 'Where the events went')
  @ApiProblems('plan.not-found', 'plan.forbidden', 'plan.already-registered')
  async register(
    @Param('planId') planId: string,
    @Body() body: RegisterPlanDto,
    @CommandRequest() request: CommandContext,
  ): Promise<CommandResult> {
    // Outsiders learn nothing (ADR 0013): a plan they may not read is answered as no plan.
    const plan = await getPlan(this.dataSource.manager, planId);
    const audience =
      plan && (await planAudienceFor(this.dataSource.manager, this.policy, request.principal, plan));
    if (audience && !this.policy.mayReadPlan(request.principal, audience)) throw planNotFound();
    return this.commandBus.execute(
      new DecidePlan(
        { type: 'RegisterPlan', data: { planId, number: body.number, issuedOn: body.issuedOn } },
        request,
      ),
    );
  }

  @Post('import')
  @ApiOperation({
    summary: 'Read a plan document into a draft for review (issuer); nothing is recorded',
    description:
      'The body is the document: text/plain (UTF-8), a .docx, or JSON { "fileName", "contentBase64" }; at most 10 MB (413 above). ' +
      '201 with the stored draft; 200 with the draft and draftId null for ?dryRun=true. ' +
      'The answer does not repeat the document: sourceTextLength says how long it is, and GET /plans/drafts/{draftId} has it (sourceText). ' +
      'A news report or letter about a plan gives a draft with origin "secondary-source". ' +
      '422 with code empty-document, not-text, unsupported-format or unreadable-docx when it cannot be a plan at all, ' +
      'and not-a-plan (with reasons) for text that is neither a plan nor about one.',
  })
  @ApiConsumes('text/plain', DOCX_MEDIA_TYPE, 'application/json')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreates(
    'ImportedDraft',
    'The draft read from the document (Location: the draft)',
    'With dryRun: what the draft would be (draftId null, nothing stored)',
  )
  @ApiProblems(
    'intake-busy',
    'forbidden',
    'docx-too-large',
    'document-too-long',
    'empty-document',
    'not-text',
    'unsupported-format',
    'unreadable-docx',
    'docx-too-many-entries',
    'docx-compression-ratio',
    'document-too-complex',
    'not-a-plan',
  )
  async importPlan(
    @PlanUploadRequest() upload: RawPlanUpload,
    @Query() query: ImportPlanQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<Readable> {
    const dryRun = query.dryRun === 'true' || query.dryRun === '1';
    requireIssuer(principal, 'import a plan'); // before the document is looked at
    const { bytes, fileName } = planUploadOf(upload, query.fileName);
    // The body is not read again: the intake thread takes its memory over instead of a copy.
    const draft = await this.intake.importDocumentAsJson(bytes, fileName, principal, {
      dryRun,
      handOver: true,
    });
    if (dryRun || draft.draftId === null) response.status(200);
    else response.status(201).header('location', `/plans/drafts/${encodeURIComponent(draft.draftId)}`);
    // The ImportedDraft's JSON as the intake thread made it: written out as it is decompressed, as
    // fast as the client reads it, never parsed and written again (for 2,300 parties, 14 MB that
    // held this thread ~450 ms) nor held whole.
    response.header('content-type', 'application/json; charset=utf-8');
    return Readable.from(asBuffers(draft.json));
  }

  @Get('drafts/:draftId')
  @ApiOperation({ summary: 'A stored draft (issuer)' })
  @ApiAnswer(200, 'PlanDraftView', 'The draft and what needs review')
  @ApiProblems('draft.not-found', 'forbidden')
  getDraft(
    @Param('draftId') draftId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlanDraftView> {
    return this.intake.getDraft(draftId, principal);
  }

  @Post('drafts/:draftId/confirm')
  @ApiOperation({
    summary: 'Issue a draft (issuer): records IssuePlan, then AssignTask for every task not excluded',
    description:
      'Optional corrections of the plan and of tasks (assignees, dueDate, title, duty, exclude). Safe to retry. ' +
      '201 when events were recorded, 200 when everything was already recorded (same document issued before).',
  })
  @ApiCreates(
    'ConfirmResult',
    'The plan issued and its tasks assigned (Location: the plan)',
    'Everything was already recorded: nothing new',
  )
  @ApiProblems(
    'draft.not-found',
    'draft.needs-review',
    'draft.confirmed-differently',
    'plan.already-issued',
    'plan.forbidden',
  )
  async confirm(
    @Param('draftId') draftId: string,
    @Body() body: ConfirmDraftDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ConfirmResult> {
    const result = await this.intake.confirmDraft(draftId, body ?? {}, principal);
    if (result.planIssued || result.tasksAssigned > 0) {
      response.status(201).header('location', `/plans/${encodeURIComponent(result.planId)}`);
    } else response.status(200);
    return result;
  }
}

async function* asBuffers(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const piece of pieces) yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}
