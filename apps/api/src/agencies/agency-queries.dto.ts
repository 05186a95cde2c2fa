import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENCY_LEVELS, type AgencyLevel } from '#libs/agencies';
import { IsIntegerParameter, MAX_OFFSET } from '#libs/platform';

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

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @IsIntegerParameter(1, 500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_OFFSET })
  @IsOptional()
  @IsIntegerParameter(0, MAX_OFFSET)
  offset?: number;
}
