import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENCY_LEVELS, type AgencyLevel } from '#libs/agencies';
import { IsIntegerParameter, MAX_OFFSET } from '#libs/platform';
import { CountParameter, CursorParameter, LimitParameter } from '../queries/paging.query.js';

export class ListAgenciesQuery {
  @ApiPropertyOptional({ description: 'Search text; ignores diacritics and case ("so lao dong")' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'lai-chau' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  jurisdiction?: string;

  @ApiPropertyOptional({ enum: AGENCY_LEVELS })
  @IsOptional()
  @IsIn(AGENCY_LEVELS)
  level?: AgencyLevel;

  @LimitParameter(100, 500)
  limit?: number;

  @CursorParameter()
  cursor?: string;

  @CountParameter()
  count?: boolean;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: MAX_OFFSET,
    description: 'Agencies to skip, as before cursors; prefer `cursor` (not with it)',
  })
  @IsOptional()
  @IsIntegerParameter(0, MAX_OFFSET)
  offset?: number;
}
