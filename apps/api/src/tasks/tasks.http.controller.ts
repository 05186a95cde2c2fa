import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { TaskReferences } from '#libs/application';
import { issuingAgencyOf } from '#libs/tasks';
import { CommandRequest } from '../commands/command-context.js';
import type { CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-result.js';
import {
  AcknowledgeDto,
  AssignTaskDto,
  CompletionDecisionDto,
  DecisionReasonDto,
  ReassignDto,
  ReportProgressDto,
  RequestExtensionDto,
  RequestHandoffDto,
  SubmitCompletionDto,
} from './task-commands.dto.js';
import { DecideTask, type TaskCommandRequest } from './decide-task.command.js';
import { TASK_COMMAND_EXAMPLES } from './task-command-examples.js';
import { ALREADY_RECORDED, ApiAnswer, ApiCreates, ApiIdempotencyKey } from '../contract/answers.js';
import { schemaRef, type JsonSchema } from '../contract/json-schema.js';
import { ApiProblems } from '../contract/problems.js';

/**
 * The task's commands. Each answers the position of the events it wrote. A command that creates
 * something answers 201 with a Location the API can GET: the task for an assignment, and the task
 * too for a handoff or an extension request, which have no address of their own (they are listed
 * in `GET /tasks/{taskId}`, by the id the answer names). Every other command answers 200.
 */
@ApiTags('tasks')
@ApiBearerAuth()
@ApiIdempotencyKey()
@Controller('tasks')
export class TasksHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly references: TaskReferences,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Assign a task of an issued plan to agencies of the directory (issuer of the plan)',
  })
  @ApiCreates(
    commandAnswerNaming('taskId'),
    'Where the events went, and the task created (taskId; Location: the task)',
    ALREADY_RECORDED,
  )
  @ApiProblems(
    'task.forbidden',
    'plan.not-found',
    'task.already-exists',
    'task.invalid-target',
    'agency.not-found',
  )
  @ApiBody({ type: AssignTaskDto, examples: TASK_COMMAND_EXAMPLES.assign })
  async assign(
    @Body() body: AssignTaskDto,
    @CommandRequest() request: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResult> {
    // The plan is checked by the handler (DecideTask), on every path that assigns.
    if (request.principal.roles.includes('issuer')) {
      this.references.requireKnownAgencies(
        body.assignees.map((assignee, index) => ({
          pointer: `/assignees/${index}/agencyCode`,
          agencyCode: assignee.agencyCode,
        })),
      );
    }
    const taskId = body.taskId ?? randomUUID();
    return this.created(reply, taskId, request, {
      type: 'AssignTask',
      data: {
        taskId,
        planId: body.planId,
        title: body.title,
        duty: body.duty,
        sourceClause: body.sourceClause,
        dueDate: body.dueDate,
        assignees: body.assignees,
        issuerAgencyCode: issuingAgencyOf(request.principal),
        kind: body.kind ?? 'duty',
        ...(body.reportYear === undefined ? {} : { reportYear: body.reportYear }),
      },
    });
  }

  @Post(':taskId/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an assignment' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'task.not-assignee')
  acknowledge(
    @Param('taskId') taskId: string,
    @Body() body: AcknowledgeDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'AcknowledgeTask',
      data: { taskId, agencyCode: body.agencyCode ?? request.principal.agencyCode },
    });
  }

  @Post(':taskId/progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress, optionally with indicator values' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'task.not-assignee')
  @ApiBody({ type: ReportProgressDto, examples: TASK_COMMAND_EXAMPLES.progress })
  progress(
    @Param('taskId') taskId: string,
    @Body() body: ReportProgressDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'ReportProgress',
      data: {
        taskId,
        agencyCode: body.agencyCode ?? request.principal.agencyCode,
        text: body.text,
        indicatorValues: body.indicatorValues ?? [],
      },
    });
  }

  @Post(':taskId/handoffs')
  @ApiOperation({ summary: 'Ask another agency to take over an assignment' })
  @ApiCreates(
    commandAnswerNaming('handoffId'),
    'Where the events went, and the handoff to accept, decline or withdraw (handoffId; Location: the task, which lists it)',
    ALREADY_RECORDED,
  )
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'task.not-assignee',
    'handoff.already-exists',
    'handoff.pending',
    'handoff.invalid-target',
    'agency.not-found',
  )
  @ApiBody({ type: RequestHandoffDto, examples: TASK_COMMAND_EXAMPLES.requestHandoff })
  requestHandoff(
    @Param('taskId') taskId: string,
    @Body() body: RequestHandoffDto,
    @CommandRequest() request: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    this.references.requireKnownAgencies([{ pointer: '/toAgency', agencyCode: body.toAgency }]);
    const handoffId = body.handoffId ?? randomUUID();
    return this.created(reply, taskId, request, {
      type: 'RequestHandoff',
      data: {
        taskId,
        handoffId,
        fromAgency: body.fromAgency ?? request.principal.agencyCode,
        toAgency: body.toAgency,
        reason: body.reason,
      },
    });
  }

  @Post(':taskId/handoffs/:handoffId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a handoff (receiving agency): responsibility moves' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'handoff.not-found', 'handoff.stale')
  @ApiBody({ type: DecisionReasonDto, examples: TASK_COMMAND_EXAMPLES.acceptHandoff })
  acceptHandoff(
    @Param('taskId') taskId: string,
    @Param('handoffId') handoffId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'AcceptHandoff',
      data: { taskId, handoffId, reason: body.reason },
    });
  }

  @Post(':taskId/handoffs/:handoffId/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline a handoff (receiving agency)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'handoff.not-found', 'handoff.stale')
  declineHandoff(
    @Param('taskId') taskId: string,
    @Param('handoffId') handoffId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'DeclineHandoff',
      data: { taskId, handoffId, reason: body.reason },
    });
  }

  @Post(':taskId/handoffs/:handoffId/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a pending handoff (sending agency)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'handoff.not-found', 'handoff.stale')
  withdrawHandoff(
    @Param('taskId') taskId: string,
    @Param('handoffId') handoffId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'WithdrawHandoff',
      data: { taskId, handoffId, reason: body.reason },
    });
  }

  @Post(':taskId/reassign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reassign an assignment directly (issuer)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'task.not-assignee',
    'task.invalid-target',
    'agency.not-found',
  )
  reassign(
    @Param('taskId') taskId: string,
    @Body() body: ReassignDto,
    @CommandRequest() request: CommandContext,
  ) {
    this.references.requireKnownAgencies([{ pointer: '/toAgency', agencyCode: body.toAgency }]);
    return this.run(request, {
      type: 'ReassignTask',
      data: { taskId, fromAgency: body.fromAgency, toAgency: body.toAgency, reason: body.reason },
    });
  }

  @Post(':taskId/extensions')
  @ApiOperation({ summary: 'Request a later due date' })
  @ApiCreates(
    commandAnswerNaming('extensionId'),
    'Where the events went, and the extension request to grant or deny (extensionId; Location: the task, which lists it)',
    ALREADY_RECORDED,
  )
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'task.not-assignee',
    'extension.already-exists',
    'extension.pending',
    'extension.not-later',
  )
  @ApiBody({ type: RequestExtensionDto, examples: TASK_COMMAND_EXAMPLES.requestExtension })
  requestExtension(
    @Param('taskId') taskId: string,
    @Body() body: RequestExtensionDto,
    @CommandRequest() request: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const extensionId = body.extensionId ?? randomUUID();
    return this.created(reply, taskId, request, {
      type: 'RequestExtension',
      data: {
        taskId,
        extensionId,
        agencyCode: body.agencyCode ?? request.principal.agencyCode,
        dueDate: body.dueDate,
        reason: body.reason,
      },
    });
  }

  @Post(':taskId/extensions/:extensionId/grant')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant a requested extension (issuer)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'extension.not-found',
    'extension.none-pending',
  )
  @ApiBody({ type: DecisionReasonDto, examples: TASK_COMMAND_EXAMPLES.grantExtension })
  grantExtension(
    @Param('taskId') taskId: string,
    @Param('extensionId') extensionId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'GrantExtension',
      data: { taskId, extensionId, reason: body.reason },
    });
  }

  @Post(':taskId/extensions/:extensionId/deny')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deny a requested extension (issuer)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'extension.not-found',
    'extension.none-pending',
  )
  denyExtension(
    @Param('taskId') taskId: string,
    @Param('extensionId') extensionId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'DenyExtension',
      data: { taskId, extensionId, reason: body.reason },
    });
  }

  @Post(':taskId/completion')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit completion with a report' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'task.not-assignee', 'completion.pending')
  @ApiBody({ type: SubmitCompletionDto, examples: TASK_COMMAND_EXAMPLES.submitCompletion })
  submitCompletion(
    @Param('taskId') taskId: string,
    @Body() body: SubmitCompletionDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'SubmitCompletion',
      data: { taskId, agencyCode: body.agencyCode ?? request.principal.agencyCode, report: body.report },
    });
  }

  @Post(':taskId/completion/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a completion (issuer, or the lead for support duties)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'task.not-assignee',
    'completion.none-submitted',
  )
  @ApiBody({ type: CompletionDecisionDto, examples: TASK_COMMAND_EXAMPLES.acceptCompletion })
  acceptCompletion(
    @Param('taskId') taskId: string,
    @Body() body: CompletionDecisionDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'AcceptCompletion',
      data: { taskId, agencyCode: body.agencyCode, reason: body.reason },
    });
  }

  @Post(':taskId/completion/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return a completion for more work (issuer, or the lead for support duties)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems(
    'task.not-found',
    'task.forbidden',
    'task.closed',
    'task.not-assignee',
    'completion.none-submitted',
  )
  returnCompletion(
    @Param('taskId') taskId: string,
    @Body() body: CompletionDecisionDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'ReturnCompletion',
      data: { taskId, agencyCode: body.agencyCode, reason: body.reason },
    });
  }

  @Post(':taskId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a task (issuer)' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went (position: pass as minPosition to read your write)')
  @ApiProblems('task.not-found', 'task.forbidden', 'task.closed', 'task.invalid-state')
  cancel(
    @Param('taskId') taskId: string,
    @Body() body: DecisionReasonDto,
    @CommandRequest() request: CommandContext,
  ) {
    return this.run(request, {
      type: 'CancelTask',
      data: { taskId, reason: body.reason },
    });
  }

  /**
   * A command that creates something: 201 and the task's address once it recorded it; 200 when
   * it recorded nothing (the same assignment or request again: nothing was created this time).
   */
  private async created(
    reply: FastifyReply,
    taskId: string,
    request: CommandContext,
    command: TaskCommandRequest,
  ): Promise<CommandResult> {
    const result = await this.run(request, command);
    if (result.events.length === 0) reply.status(200);
    else reply.status(201).header('location', `/tasks/${encodeURIComponent(taskId)}`);
    return result;
  }

  /** Load the task, let the pure decider decide, append. */
  private run(request: CommandContext, command: TaskCommandRequest): Promise<CommandResult> {
    return this.commandBus.execute(new DecideTask(command, request));
  }
}

/** A command's answer that names what it opened: the id is always there (a new uuid if none was sent). */
function commandAnswerNaming(idName: 'taskId' | 'handoffId' | 'extensionId'): JsonSchema {
  return { allOf: [schemaRef('CommandResult')], required: [idName] };
}
