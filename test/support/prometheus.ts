import { setTimeout as delay } from 'node:timers/promises';

/** One sample of a Prometheus text exposition: `name{label="value",...} number`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scrape: its samples, and the HELP/TYPE of each metric family. */
export class Scrape {
  constructor(
    readonly samples: readonly Sample[],
    readonly types: ReadonlyMap<string, string>,
  ) {}

  static parse(text: string): Scrape {
    const samples: Sample[] = [];
    const types = new Map<string, string>();
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      if (line === '' || line.startsWith('#')) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!sample) throw new Error(`not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (sample[2] ?? '').matchAll(
        /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
      ))
        labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
    }
    return new Scrape(samples, types);
  }

  /** Samples of `name` whose labels include `labels`. */
  find(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** The value of the one sample of `name` with `labels`; throws when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    const [sample, ...more] = this.find(name, labels);
    if (!sample) throw new Error(`no sample ${name}${JSON.stringify(labels)} in the scrape`);
    if (more.length > 0) throw new Error(`several samples ${name}${JSON.stringify(labels)} in the scrape`);
    return sample.value;
  }
}

export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return Scrape.parse(await response.text());
}

/**
 * Scrapes `url` until `condition` holds (bounded: this waits for the thing under test, never
 * for a fixed time), and returns that scrape; throws with the last scrape's samples of `about`.
 */
export async function scrapeUntil(
  url: string,
  condition: (scrape: Scrape) => boolean,
  about: string,
  timeoutMs = 30_000,
): Promise<Scrape> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await scrape(url);
    if (condition(last)) return last;
    if (Date.now() > until) {
      const shown = last.samples.filter((sample) => sample.name.startsWith(about));
      throw new Error(`timed out scraping ${url} for ${about}; last: ${JSON.stringify(shown)}`);
    }
    await delay(100);
  }
}
