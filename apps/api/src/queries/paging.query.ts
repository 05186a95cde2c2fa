import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { IsIntegerParameter, queryParameterProblem } from '#libs/platform';
import { decodeCursor, InvalidProjectionQueryError, type KeyType, type KeyValues } from '#libs/projections';

/**
 * The query parameters of a list's pages (docs/adr/0034-keyset-pages.md), the same on every list:
 * `limit`, `cursor` (the previous page's `next`) and `count=true` for the list's `total`.
 */
export function LimitParameter(defaultLimit: number, max: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ default: defaultLimit, minimum: 1, maximum: max }),
    IsOptional(),
    IsIntegerParameter(1, max),
  );
}

export function CursorParameter(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'The `next` of the previous page (opaque); without it, the first page',
      pattern: '^[A-Za-z0-9_-]{1,1000}$',
    }),
    IsOptional(),
    Matches(/^[A-Za-z0-9_-]{1,1000}$/, { message: 'cursor must be the `next` of a page of this list' }),
  );
}

export function CountParameter(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'true: the answer also gives `total`, the size of the whole list (one more query)',
      default: false,
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    IsBoolean({ message: 'count must be true or false' }),
  );
}

/** The key in a cursor (see decodeCursor), or 422 on `cursor`. */
export function cursorKey(cursor: string, kind: string, types: readonly KeyType[]): KeyValues {
  try {
    return decodeCursor(cursor, kind, types);
  } catch (error) {
    if (error instanceof InvalidProjectionQueryError) throw queryParameterProblem('cursor', error.message);
    throw error;
  }
}

/** 422 on `cursor` when both a cursor and an offset are given. */
export function cursorOrOffset(query: { readonly cursor?: string; readonly offset?: number }): void {
  if (query.cursor !== undefined && query.offset !== undefined) {
    throw queryParameterProblem('cursor', 'cursor: give either cursor or offset, not both');
  }
}
