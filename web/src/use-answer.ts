import { useEffect, useState } from 'preact/hooks';

/**
 * The answer of `load` for the current choice (`deps`): null while it loads, or when `load` is
 * null (nothing chosen yet). When the choice changes before an answer comes, that answer is
 * dropped: a slow response to an earlier choice never shows under a later one.
 */
export function useAnswer<T>(
  load: (() => Promise<T>) | null,
  deps: readonly unknown[],
  onError?: (error: unknown) => void,
): T | null {
  const [answer, setAnswer] = useState<T | null>(null);
  useEffect(() => {
    setAnswer(null);
    if (!load) return;
    let current = true;
    load().then(
      (value) => {
        if (current) setAnswer(value);
      },
      (error: unknown) => {
        if (current) onError?.(error);
      },
    );
    return () => {
      current = false;
    };
  }, deps);
  return answer;
}
