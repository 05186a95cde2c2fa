import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsIntegerParameter } from '#libs/platform';
import {
  ALL_EVENT_TYPES,
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  EVENT_TYPE_PATTERN,
  MAX_ENDPOINT_URL_LENGTH,
  MAX_ROTATION_OVERLAP_SECONDS,
} from '#libs/webhooks';

const EVENT_TYPE_OR_ALL = new RegExp(`^(\\${ALL_EVENT_TYPES}|${EVENT_TYPE_PATTERN.source.slice(1, -1)})$`);

export class RegisterWebhookDto {
  @ApiProperty({
    example: 'https://hethong.soyte.laichau.gov.vn/coord/webhooks',
    description:
      'Where deliveries are POSTed: https:// (http://127.0.0.1 only where the deployment allows it)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ENDPOINT_URL_LENGTH)
  url!: string;

  @ApiProperty({
    example: ['TaskAssigned', 'HandoffRequested', 'DeadlineLapsed'],
    description:
      'Stored event types to send (as `coordeventtype` names them), or ["*"] for every event of the agency',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(EVENT_TYPE_OR_ALL, {
    each: true,
    message: 'each event type must be a PascalCase event type name or "*"',
  })
  eventTypes!: string[];

  @ApiPropertyOptional({ example: 'Hệ thống quản lý văn bản của Sở Y tế' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    default: DEFAULT_ROTATION_OVERLAP_SECONDS,
    minimum: 0,
    maximum: MAX_ROTATION_OVERLAP_SECONDS,
    description: 'How long the current secret goes on signing beside the new one (0: it stops at once)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_OVERLAP_SECONDS)
  overlapSeconds?: number;
}

export class ReplayDto {
  @ApiPropertyOptional({
    example: ['1042', '1043'],
    description: "Dead deliveries to send again; all of the endpoint's dead deliveries when left out",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Matches(/^[1-9][0-9]{0,17}$/, { each: true, message: 'each delivery id must be a delivery id (digits)' })
  deliveryIds?: string[];
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional({
    description: "The previous page's `next`: deliveries older than it; without it, the newest",
  })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'cursor must be the `next` of a page of this list' })
  cursor?: string;

  @ApiPropertyOptional({
    description: 'The same as `cursor` (its name before every list had a `cursor`); not with it',
  })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'before must be a delivery id (digits)' })
  before?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsIntegerParameter(1, 1000)
  limit?: number;
}
