import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { AGENCY_CODE, agencyCodeMessage, IsCalendarDate } from '#libs/platform';
import { assigneeRoles, type AssigneeRole } from '#libs/tasks';

export class ImportPlanQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: answer the draft without storing it',
  })
  @IsOptional()
  @IsIn(['true', 'false', '1', '0'], { message: 'dryRun must be true or false' })
  dryRun?: string;

  @ApiPropertyOptional({
    description: 'Name of the uploaded file, for a raw body (JSON bodies carry their own fileName)',
    example: 'laichau-2024-ct28-kh.docx',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
}

export class CorrectedAssigneeDto {
  @ApiProperty({ example: 'lc-so-ldtbxh' })
  @Matches(AGENCY_CODE, { message: `agencyCode ${agencyCodeMessage}` })
  agencyCode!: string;

  @ApiProperty({ enum: assigneeRoles })
  @IsIn(assigneeRoles)
  role!: AssigneeRole;
}

export class TaskCorrectionDto {
  @ApiProperty({ description: 'A taskId of the draft' })
  @IsUUID()
  taskId!: string;

  @ApiPropertyOptional({ type: [CorrectedAssigneeDto], description: 'Replaces the drafted assignees' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => CorrectedAssigneeDto)
  assignees?: CorrectedAssigneeDto[];

  @ApiPropertyOptional({ example: '2025-11-30' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ description: 'Replaces the drafted duty text' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  duty?: string;

  @ApiPropertyOptional({ enum: [true], description: 'Leave this task out: it is not assigned' })
  @IsOptional()
  @Equals(true, { message: 'exclude can only be true' })
  exclude?: true;
}

export class PeriodCorrectionDto {
  @ApiProperty({ example: 2024 }) @IsInt() @Min(1900) @Max(2200) fromYear!: number;
  @ApiProperty({ example: 2030 }) @IsInt() @Min(1900) @Max(2200) toYear!: number;
}

export class EscalationStepDto {
  @ApiProperty({ example: 7, description: 'Days after the deadline' })
  @IsInt()
  @Min(1)
  @Max(366)
  daysOverdue!: number;

  @ApiProperty({ enum: ['lead', 'issuer'], description: 'The lead agency, or the issuing committee' })
  @IsIn(['lead', 'issuer'])
  to!: 'lead' | 'issuer';

  @ApiPropertyOptional({ enum: ['days', 'working-days'], description: 'Default: calendar days' })
  @IsOptional()
  @IsIn(['days', 'working-days'])
  counting?: 'days' | 'working-days';
}

/** The plan's own reminders and escalation steps (default: 7 and 1 days; 7 days to the lead, 14 to the committee). */
export class DeadlinePolicyDto {
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [7, 1],
    description: 'Days before the deadline a reminder goes out',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(366, { each: true })
  reminderDaysBefore?: number[];

  @ApiPropertyOptional({ type: [EscalationStepDto], description: 'In increasing order of days' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => EscalationStepDto)
  escalations?: EscalationStepDto[];
}

export class ReportingCorrectionDto {
  @ApiPropertyOptional({
    example: 15,
    description:
      "Days the focal agency has between the parties' yearly reports and its consolidated report (default 15)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(180)
  consolidationLeadDays?: number;
}

export class PlanCorrectionDto {
  @ApiPropertyOptional({
    example: '1601',
    description: 'The number as in "Số: 1601/KH-UBND": "1601" or "1601/KH-UBND"',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-zĐđ][0-9A-Za-zĐđ./-]{0,49}$/, { message: 'number must look like 1601 or 1601/KH-UBND' })
  number?: string;

  @ApiPropertyOptional({ example: '2024-06-12' })
  @IsOptional()
  @IsCalendarDate()
  issuedOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  title?: string;

  @ApiPropertyOptional({ example: 'lc-ubnd-tinh', description: 'When the draft could not name the issuer' })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: `issuerAgencyCode ${agencyCodeMessage}` })
  issuerAgencyCode?: string;

  @ApiPropertyOptional({ type: PeriodCorrectionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PeriodCorrectionDto)
  period?: PeriodCorrectionDto;

  @ApiPropertyOptional({ type: DeadlinePolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadlinePolicyDto)
  deadlinePolicy?: DeadlinePolicyDto;

  @ApiPropertyOptional({ type: ReportingCorrectionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportingCorrectionDto)
  reporting?: ReportingCorrectionDto;
}

/** Corrections a reviewer makes before issuing a draft; everything is optional. */
export class ConfirmDraftDto {
  @ApiPropertyOptional({ type: PlanCorrectionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PlanCorrectionDto)
  plan?: PlanCorrectionDto;

  @ApiPropertyOptional({ type: [TaskCorrectionDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TaskCorrectionDto)
  tasks?: TaskCorrectionDto[];
}
