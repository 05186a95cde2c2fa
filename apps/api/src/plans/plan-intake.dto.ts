import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
