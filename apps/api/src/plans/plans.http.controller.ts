import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '#libs/platform';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ConfirmDraftDto, ImportPlanQueryDto } from './plan-intake.dto.js';
import {
  PlanIntakeService,
  requireIssuer,
  type ConfirmResult,
  type ImportedDraft,
  type PlanDraftView,
} from './plan-intake.service.js';
import { DOCX_MEDIA_TYPE, planUploadOf, PlanUploadRequest, type RawPlanUpload } from './plan-upload.js';

/** From a plan document to reviewed assignments: import (a draft), review, confirm (the events). */
@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansHttpController {
  constructor(private readonly intake: PlanIntakeService) {}

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
  async importPlan(
    @PlanUploadRequest() upload: RawPlanUpload,
    @Query() query: ImportPlanQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ImportedDraft> {
    const dryRun = query.dryRun === 'true' || query.dryRun === '1';
    requireIssuer(principal, 'import a plan'); // before the document is looked at
    const { bytes, fileName } = planUploadOf(upload, query.fileName);
    const draft = await this.intake.importDocument(bytes, fileName, principal, { dryRun });
    response.status(dryRun ? 200 : 201);
    return draft;
  }

  @Get('drafts/:draftId')
  @ApiOperation({ summary: 'A stored draft (issuer)' })
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
  async confirm(
    @Param('draftId') draftId: string,
    @Body() body: ConfirmDraftDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ConfirmResult> {
    const result = await this.intake.confirmDraft(draftId, body ?? {}, principal);
    response.status(result.planIssued || result.tasksAssigned > 0 ? 201 : 200);
    return result;
  }
}
