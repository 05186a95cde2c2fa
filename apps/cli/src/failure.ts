/**
 * One readable line for a failure, for people at a terminal: `coord: <what went wrong>`. The
 * inputs at fault of a refusal follow on the same line; the stack only when asked (--verbose, DEBUG).
 */
export function describeFailure(
  error: unknown,
  options: { verbose: boolean; configError?: boolean },
): string {
  const line = options.configError && error instanceof Error ? error.message : `coord: ${messageOf(error)}`;
  if (!options.verbose || !(error instanceof Error) || !error.stack) return line;
  return `${line}\n${error.stack}`;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A connection refused on every address is an AggregateError with no message of its own.
  const own = error.message.trim() || (error instanceof AggregateError ? messageOf(error.errors[0]) : '');
  const code = (error as { code?: unknown }).code;
  const base = own || (typeof code === 'string' ? code : error.name);
  const errors = (error as { errors?: unknown }).errors;
  const fields = Array.isArray(errors)
    ? errors.filter(
        (item): item is { pointer: string; detail: string } =>
          typeof item === 'object' && item !== null && 'pointer' in item && 'detail' in item,
      )
    : [];
  if (fields.length === 0) return oneLine(base);
  const shown = fields.slice(0, 3).map((field) => `${field.pointer}: ${field.detail}`);
  const more = fields.length > 3 ? `; and ${fields.length - 3} more` : '';
  return oneLine(`${base} (${shown.join('; ')}${more})`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
