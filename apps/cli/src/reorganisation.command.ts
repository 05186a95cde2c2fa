import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ReorganisationDraft, ReorganisationScenario } from '#libs/agencies';
import type { ProjectionRunner } from '#libs/projections';
import { openDirectory, openReorganisations } from '#libs/platform';
import type { EventStore } from '#libs/event-store';
import type { DataSource } from 'typeorm';
import type { Actor } from '#libs/shared-kernel';

/** What the commands need of the CLI: the store, the projections and their runner, opened and closed by it. */
export type WithStore = <T>(
  action: (context: { store: EventStore; dataSource: DataSource; runner: ProjectionRunner }) => Promise<T>,
) => Promise<T>;

function cliActor(agencyCode: string): Actor {
  return { personId: `cli:${userInfo().username}`, agencyCode, roles: ['issuer'] };
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not a JSON ${what}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `coord directory import <file> [--dry-run]` and `coord reorganise --file <scenario> --dry-run|--confirm`:
 * the directory as events (ADR 0031) and reorganisations (ADR 0032), against DATABASE_URL or the
 * embedded database in DATA_DIR (stop the API first), like `coord import`.
 */
export function registerDirectoryCommands(program: Command, withStore: WithStore): void {
  const directory = program.command('directory').description('The agency directory, recorded as events');
  directory
    .command('import')
    .description(
      'Check a directory file (JSON Lines: jurisdictions, agencies, groups) and record what it changes; ' +
        'a file with any error records nothing',
    )
    .argument('<file>', 'the directory file (.jsonl)')
    .option('--dry-run', 'check and show what would change; record nothing')
    .option('--as <agency>', 'the agency recorded as acting', 'coord-cli')
    .option('--json', 'print the answer as JSON')
    .action(async (file: string, options: { dryRun?: boolean; as: string; json?: boolean }) => {
      const text = await readFile(file, 'utf8');
      const result = await withStore(({ store }) =>
        openDirectory({ store }).importFile(text, cliActor(options.as), { dryRun: options.dryRun ?? false }),
      );
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!result.ok) {
        if (!options.json) {
          for (const e of result.errors)
            process.stderr.write(`${file}:${e.line}: ${e.field || '(record)'}: ${e.message}\n`);
          process.stderr.write(`coord: ${result.errors.length} error(s); nothing recorded\n`);
        }
        process.exitCode = 1;
        return;
      }
      if (options.json) return;
      const s = result.summary;
      process.stdout.write(
        `${result.dryRun ? 'dry run: would record' : 'recorded'} ${result.events} event(s): ${s.created} created, ${s.renamed} renamed, ` +
          `${s.moved} moved, ${s.aliasesChanged} aliases changed, ${s.jurisdictions} jurisdictions, ${s.groups} groups, ${s.unchanged} unchanged` +
          `${result.position ? ` (position ${result.position})` : ''}\n`,
      );
    });

  program
    .command('reorganise')
    .description(
      'Apply a reorganisation scenario: --dry-run shows every duty, report, handoff, timer and plan that moves ' +
        'and what a person must decide; --confirm records it',
    )
    .requiredOption('--file <scenario>', 'the scenario (deploy/reorganisations/*.json)')
    .option('--dry-run', 'show the draft; record nothing')
    .option('--confirm', 'record the reorganisation')
    .option('--decisions <file>', 'JSON {"<taskId>/<agency>": "<successor>"} for the duties left to a person')
    .option('--as <agency>', 'the agency recorded as acting', 'coord-cli')
    .option('--json', 'print the draft (and result) as JSON')
    .action(
      async (options: {
        file: string;
        dryRun?: boolean;
        confirm?: boolean;
        decisions?: string;
        as: string;
        json?: boolean;
      }) => {
        if (Boolean(options.dryRun) === Boolean(options.confirm))
          throw new Error('Give exactly one of --dry-run and --confirm');
        const scenario = (await readJson(options.file, 'scenario')) as ReorganisationScenario;
        const decisions = options.decisions
          ? ((await readJson(options.decisions, 'decisions file')) as Record<string, string>)
          : {};
        await withStore(async ({ store, dataSource, runner }) => {
          // The draft finds open work through the projections: bring them up to the log first.
          await runner.catchUp();
          const reorganisations = openReorganisations({ store, dataSource });
          const draft = await reorganisations.draft(scenario, decisions);
          const result = options.confirm
            ? await reorganisations.confirm(scenario, decisions, cliActor(options.as))
            : undefined;
          if (result) await runner.catchUp();
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ draft, result }, null, 2)}\n`);
            return;
          }
          process.stdout.write(describeDraft(draft));
          if (result) {
            process.stdout.write(
              `confirmed: ${result.responsibilitiesMoved} responsibilities moved, ${result.handoffsRedirected} handoffs offered to successors, ` +
                `${result.plansPassed} plans passed on, ${result.cycleResponsibilitiesMoved} reports of cycles not opened yet moved, ` +
                `${result.agenciesSucceeded} agencies succeeded` +
                `${result.alreadyMoved ? `, ${result.alreadyMoved} already moved` : ''}; ${result.leftForAPerson} left for a person\n`,
            );
          } else process.stdout.write('dry run: nothing recorded\n');
        });
      },
    );
}

function describeDraft(draft: ReorganisationDraft): string {
  const lines = [`${draft.title} (${draft.reorganisationId})`];
  for (const s of draft.successions) {
    lines.push(
      `  ${s.code}: ${s.kind} effective ${s.effectiveDate} (${s.basis.number}, ${s.basis.date}) -> ` +
        s.successors.map((x) => `${x.agencyCode}${x.function ? ` [${x.function}]` : ''}`).join(', '),
    );
  }
  for (const a of draft.newAgencies) lines.push(`  new agency ${a.code}: ${a.name}`);
  for (const m of draft.moves)
    lines.push(`  ${m.taskKind} ${m.taskId} (${m.role}) ${m.fromAgency} -> ${m.toAgency}: ${m.title}`);
  for (const h of draft.handoffs)
    lines.push(
      `  handoff ${h.handoffId} on ${h.taskId} to ${h.toAgency} -> ${h.redirectedTo ?? 'superseded'}`,
    );
  for (const p of draft.plans) lines.push(`  plan ${p.planId} ${p.fromIssuer} -> ${p.toIssuer}: ${p.title}`);
  for (const c of draft.cycles)
    lines.push(
      `  cycle ${c.planId} ${c.year} report ${c.taskId} (${c.role ?? 'reports to'}) ${c.fromAgency} -> ${c.toAgency}: ${c.title}`,
    );
  for (const d of draft.needsDecision) {
    lines.push(
      `  needs a person: ${d.taskId}/${d.fromAgency}${d.cycle ? ` (cycle ${d.cycle.year}, ${d.cycle.responsibility})` : ''} (${d.why}: ${d.explanation}) candidates ${d.candidates.join(', ') || '-'}`,
    );
  }
  const s = draft.summary;
  lines.push(
    `  ${s.duties} duties, ${s.reports} report tasks, ${s.cycleReports} reports of cycles not opened yet, ${s.handoffs} handoffs, ${s.timers} timers, ${s.plans} plans move; ${s.needsDecision} need a person`,
  );
  return `${lines.join('\n')}\n`;
}
