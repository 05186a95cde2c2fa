import type { ReplayProgress } from '#libs/projections';

/** A replay's progress, with the stage of a shadow rebuild when it is one. */
export type StagedProgress = ReplayProgress & { readonly stage?: string };

/** Where the replay stands against the head of the log, at most once per `everyMs`. */
export interface ProgressLine {
  readonly events: number;
  /** The log's head when the rebuild started (a global position: events on PostgreSQL, bytes on KurrentDB). */
  readonly head: bigint;
  readonly position: bigint;
  readonly seconds: number;
  /** What a shadow rebuild is doing (replaying, indexing, catching up, swapping), when told. */
  readonly stage?: string;
}

/**
 * "400,000 events (40% of the log), 20,000 events/s, ETA 30 s" — pure, for the tests. The share
 * and the time left come from positions, which grow with the log on every store (KurrentDB's are
 * bytes, not events), as a rebuild reads from the start of the log.
 */
export function describeProgress(line: ProgressLine): string {
  const rate = line.seconds > 0 ? line.events / line.seconds : 0;
  const head = Number(line.head);
  const position = Number(line.position);
  const share = head > 0 ? Math.min(100, Math.floor((position / head) * 100)) : 100;
  const positionRate = line.seconds > 0 ? position / line.seconds : 0;
  const eta = positionRate > 0 ? formatDuration(Math.max(0, head - position) / positionRate) : '?';
  return (
    (line.stage ? `${line.stage}: ` : '') +
    `${line.events.toLocaleString('en')} events (${share}% of the log), ` +
    `${Math.round(rate).toLocaleString('en')} events/s, ETA ${eta}`
  );
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Progress of a rebuild on stderr (stdout keeps the answer): on a terminal one line rewritten in
 * place, otherwise a plain line every 5 s, which logs and CI keep readably.
 */
export function rebuildProgress(head: bigint, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  const everyMs = tty ? 250 : 5_000;
  const started = Date.now();
  let shown = 0;
  let last: StagedProgress | undefined;
  const line = (progress: StagedProgress) =>
    describeProgress({
      events: progress.events,
      head,
      position: progress.position.globalPosition,
      seconds: (Date.now() - started) / 1000,
      ...(progress.stage ? { stage: progress.stage } : {}),
    });
  return {
    report(progress: StagedProgress): void {
      // A new stage is shown at once: indexing and swapping send one report each.
      const newStage = progress.stage !== last?.stage;
      last = progress;
      const now = Date.now();
      if (now - shown < everyMs && !newStage) return;
      shown = now;
      if (tty) stream.write(`\r\x1b[2K${line(progress)}`);
      else stream.write(`${line(progress)}\n`);
    },
    done(): void {
      if (tty && shown > 0) stream.write(`\r\x1b[2K${last ? line(last) : ''}\n`);
    },
  };
}
