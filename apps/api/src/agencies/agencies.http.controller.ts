import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Agency, AgencyDirectory } from '#libs/agencies';
import { problemType, ProblemError, queryParameterProblem } from '#libs/platform';
import { AGENCY_DIRECTORY } from './agency-directory.provider.js';
import { ListAgenciesQuery } from './agency-queries.dto.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';
import { encodeCursor } from '#libs/projections';
import { cursorKey, cursorOrOffset } from '../queries/paging.query.js';

const AGENCY_CURSOR = 'agencies';

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class AgenciesHttpController {
  constructor(@Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory) {}

  @Get()
  @ApiOperation({
    summary:
      'List or search agencies (diacritic- and case-insensitive), in the directory order or best match first. A page holds up to `limit`; `next` is the cursor of the next page, null at the end; `total` with count=true',
  })
  @ApiAnswer(
    200,
    'AgenciesListAnswer',
    'A page of the directory (next: the cursor of the following page; total with count=true)',
  )
  list(@Query() query: ListAgenciesQuery): { items: AgencyView[]; next: string | null; total?: number } {
    if (query.jurisdiction && !this.directory.getJurisdiction(query.jurisdiction)) {
      throw unknownJurisdiction();
    }
    cursorOrOffset(query);
    const filter = {
      ...(query.jurisdiction ? { jurisdiction: query.jurisdiction } : {}),
      ...(query.level ? { level: query.level } : {}),
    };
    const matches = query.q
      ? this.directory
          .search(query.q, { ...filter, limit: 10_000 })
          .map((hit) => hit.agency)
          .filter((agency) => !query.level || agency.level === query.level)
      : this.directory.list(filter);
    // The directory is in memory: the cursor names the last agency given, the page starts after it
    // in the same list (a code, unlike a position, does not shift when the list around it changes).
    let start = query.offset ?? 0;
    if (query.cursor !== undefined) {
      const [code] = cursorKey(query.cursor, AGENCY_CURSOR, ['text']);
      start = matches.findIndex((agency) => agency.code === code) + 1;
      if (start === 0) {
        throw queryParameterProblem(
          'cursor',
          'cursor: names no agency of this list (were the filters changed?)',
        );
      }
    }
    const limit = query.limit ?? 100;
    const page = matches.slice(start, start + limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      next: last && start + limit < matches.length ? encodeCursor(AGENCY_CURSOR, [last.code]) : null,
      ...(query.count === true ? { total: matches.length } : {}),
    };
  }

  @Get(':code')
  @ApiOperation({ summary: 'One agency, with the agencies under it and the groups it belongs to' })
  @ApiAnswer(200, 'AgenciesGetAnswer', 'The agency, with its successors if it was reorganised')
  @ApiProblems('agency.not-found')
  get(@Param('code') code: string) {
    const agency = this.directory.get(code);
    if (!agency) throw unknownAgency(code);
    const succession = this.directory.successionOf(code);
    return {
      ...view(agency),
      // Who holds its functions now, followed through later reorganisations; [] while it exists.
      successors: this.directory.successorsOf(code),
      succession: succession
        ? {
            kind: succession.kind,
            effectiveDate: succession.effectiveDate,
            basis: succession.basis,
            successors: succession.successors,
          }
        : null,
      children: this.directory.children(code).map(view),
      groups: this.directory
        .listGroups({ jurisdiction: agency.jurisdiction })
        .filter((group) => group.memberCodes.includes(code))
        .map((group) => ({ code: group.code, name: group.name })),
    };
  }
}

interface AgencyView {
  code: string;
  name: string;
  shortName: string | null;
  level: string;
  parentCode: string | null;
  jurisdiction: string;
  aliases: readonly string[];
}

function view(agency: Agency): AgencyView {
  return {
    code: agency.code,
    name: agency.name,
    shortName: agency.shortName ?? null,
    level: agency.level,
    parentCode: agency.parentCode,
    jurisdiction: agency.jurisdiction,
    aliases: agency.aliases,
  };
}

/** A jurisdiction the directory does not know is a wrong parameter, with or without `q`. */
function unknownJurisdiction(): ProblemError {
  return queryParameterProblem(
    'jurisdiction',
    'jurisdiction is not a jurisdiction of the directory (the jurisdiction of GET /agencies items names them)',
  );
}

export function unknownAgency(code: string): ProblemError {
  return new ProblemError({
    type: problemType('agency.not-found'),
    title: 'Not found',
    status: 404,
    code: 'agency.not-found',
    detail: `No agency has the code "${code}".`,
  });
}
