import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { AGENCY_CODE, agencyCodeMessage, IsCalendarDate, IsNotInFuture } from '#libs/platform';
import { assigneeRoles, taskKinds, type AssigneeRole, type TaskKind } from '#libs/tasks';

export class AssigneeDto {
  @ApiProperty({ example: 'lc-so-ldtbxh' })
  @Matches(AGENCY_CODE, { message: `agencyCode ${agencyCodeMessage}` })
  agencyCode!: string;

  @ApiProperty({ enum: assigneeRoles })
  @IsIn(assigneeRoles)
  role!: AssigneeRole;
}

export class SourceClauseDto {
  @ApiProperty({ example: 'V.1' }) @IsString() @MinLength(1) @MaxLength(50) section!: string;
  @ApiProperty() @IsInt() @Min(0) start!: number;
  @ApiProperty() @IsInt() @Min(0) end!: number;
}

export class AssignTaskDto {
  @ApiPropertyOptional({ description: 'Chosen by the client for safe retries; generated when absent' })
  @IsOptional()
  @IsUUID()
  taskId?: string;

  @ApiProperty() @IsUUID() planId!: string;

  @ApiProperty({ example: 'Tổng hợp báo cáo kết quả thực hiện Kế hoạch năm 2025' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @ApiProperty({ description: 'The text of the duty, as the plan states it' })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  duty!: string;

  @ApiProperty({ type: SourceClauseDto, description: 'The clause of the plan the duty comes from' })
  @ValidateNested()
  @Type(() => SourceClauseDto)
  sourceClause!: SourceClauseDto;

  @ApiProperty({ example: '2025-11-30' })
  @IsCalendarDate()
  dueDate!: string;

  @ApiProperty({ type: [AssigneeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => AssigneeDto)
  assignees!: AssigneeDto[];

  @ApiPropertyOptional({ enum: taskKinds, default: 'duty' })
  @IsOptional()
  @IsIn(taskKinds)
  kind?: TaskKind;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(2000) reportYear?: number;

  @ApiPropertyOptional({
    description:
      'When the assignment took effect, if earlier than now (a task entered after the fact): not before the plan was issued. Its progress and completion cannot be dated earlier.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsNotInFuture()
  occurredAt?: string;
}

class ReasonDto {
  @ApiProperty({ description: 'Why: recorded with the decision and shown in the trail' })
  @IsString()
  @MinLength(1)
  @MaxLength(5_000)
  reason!: string;
}

export class AcknowledgeDto {
  @ApiPropertyOptional({ description: "Defaults to the caller's agency" })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: `agencyCode ${agencyCodeMessage}` })
  agencyCode?: string;
}

export class IndicatorValueDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) indicator!: string;
  @ApiProperty() @IsNumber() value!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) unit?: string;
}

export class ReportProgressDto extends AcknowledgeDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(20_000) text!: string;

  @ApiPropertyOptional({ type: [IndicatorValueDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IndicatorValueDto)
  indicatorValues?: IndicatorValueDto[];

  @ApiPropertyOptional({ description: 'When the progress happened, if earlier than now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsNotInFuture()
  occurredAt?: string;
}

export class RequestHandoffDto extends ReasonDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() handoffId?: string;

  @ApiPropertyOptional({ description: "The agency handing off; defaults to the caller's" })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: `fromAgency ${agencyCodeMessage}` })
  fromAgency?: string;

  @ApiProperty()
  @Matches(AGENCY_CODE, { message: `toAgency ${agencyCodeMessage}` })
  toAgency!: string;
}

export class DecisionReasonDto extends ReasonDto {}

export class ReassignDto extends ReasonDto {
  @ApiProperty() @Matches(AGENCY_CODE, { message: `fromAgency ${agencyCodeMessage}` }) fromAgency!: string;
  @ApiProperty() @Matches(AGENCY_CODE, { message: `toAgency ${agencyCodeMessage}` }) toAgency!: string;
}

export class RequestExtensionDto extends ReasonDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() extensionId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(AGENCY_CODE, { message: `agencyCode ${agencyCodeMessage}` })
  agencyCode?: string;

  @ApiProperty({ example: '2025-12-31' })
  @IsCalendarDate()
  dueDate!: string;
}

export class SubmitCompletionDto extends AcknowledgeDto {
  @ApiProperty({ description: 'The completion report' })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  report!: string;

  @ApiPropertyOptional({ description: 'When the report was completed, if earlier than now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsNotInFuture()
  occurredAt?: string;
}

/** Accepting or returning a completion: whose, and why. */
export class CompletionDecisionDto extends ReasonDto {
  @ApiProperty({ description: 'The assignee whose completion is decided' })
  @Matches(AGENCY_CODE, { message: `agencyCode ${agencyCodeMessage}` })
  agencyCode!: string;
}
