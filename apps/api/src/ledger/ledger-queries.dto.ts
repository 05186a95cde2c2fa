import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsInstantWithin, IsIntegerParameter, IsPosition, QUERY_INSTANT_WINDOW } from '#libs/platform';

const { from: EARLIEST, to: LATEST } = QUERY_INSTANT_WINDOW;

export class InclusionQuery {
  @ApiProperty({ description: 'The event (its uuid)' })
  @IsUUID('all', { message: 'eventId must be an event id (a uuid)' })
  eventId!: string;

  @ApiPropertyOptional({ description: 'Tree size of the checkpoint to prove against (default: the newest)' })
  @IsOptional()
  @IsPosition({ message: 'treeSize must be a whole number' })
  treeSize?: string;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'The older tree size' })
  @IsPosition({ message: 'from must be a whole number' })
  from!: string;

  @ApiProperty({ description: 'The newer tree size' })
  @IsPosition({ message: 'to must be a whole number' })
  to!: string;
}

export class CheckpointsQuery {
  @ApiPropertyOptional({ description: "The previous page's `next`: checkpoints of a larger tree size" })
  @IsOptional()
  @IsPosition({ message: 'cursor must be the `next` of a page of this list' })
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Only checkpoints of a larger tree size: the same as `cursor`, its name before; not with it',
  })
  @IsOptional()
  @IsPosition({ message: 'after must be a whole number' })
  after?: string;

  @ApiPropertyOptional({ description: '1 to 500 (default 100)' })
  @IsOptional()
  @IsIntegerParameter(1, 500)
  limit?: number;
}

export class ExportQuery {
  @ApiPropertyOptional({ description: 'First leaf to export (to resume an export); default 0' })
  @IsOptional()
  @IsPosition({ message: 'fromLeaf must be a whole number' })
  fromLeaf?: string;
}

export class CosignatureDto {
  @ApiProperty({
    description: 'A C2SP tlog-cosignature signature line: em dash, space, witness key name, space, base64',
    example: '— witness.example/w1 AAAA...',
  })
  @IsString()
  @MinLength(10)
  @MaxLength(1_000)
  signature!: string;
}

export class EventsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(500) stream?: string;
  @ApiPropertyOptional({ example: 'TaskAssigned' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  type?: string;
  @ApiPropertyOptional({ description: 'The agency the actor acted for' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  agency?: string;
  @ApiPropertyOptional({ description: 'The person who acted' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actor?: string;
  @ApiPropertyOptional({ description: 'From this global position (inclusive)' })
  @IsOptional()
  @IsPosition()
  fromPosition?: string;
  @ApiPropertyOptional({ description: 'Up to this global position (inclusive)' })
  @IsOptional()
  @IsPosition()
  toPosition?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstantWithin(EARLIEST, LATEST) occurredFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstantWithin(EARLIEST, LATEST) occurredTo?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstantWithin(EARLIEST, LATEST) recordedFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstantWithin(EARLIEST, LATEST) recordedTo?: string;
  @ApiPropertyOptional({ description: 'The `next` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,20}\.\d{1,19}$/, { message: 'cursor must be the next cursor of a page' })
  cursor?: string;
  @ApiPropertyOptional({ description: '1 to 500 (default 100); ignored when streaming NDJSON' })
  @IsOptional()
  @IsIntegerParameter(1, 500)
  limit?: number;
}
