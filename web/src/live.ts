import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api';

/**
 * Follows the agency's SSE feed while the page is shown and calls `changed` (at most every
 * 200 ms) with the event's position when an event arrives. Returns whether the feed is connected.
 */
export function useAgencyFeed(api: Api, agencyCode: string, changed: (position?: string) => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(changed);
  latest.current = changed;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = api.follow(
      agencyCode,
      (_type, position) => {
        clearTimeout(timer);
        // Read after this event: the projections may not have it yet (minPosition waits for them).
        timer = setTimeout(() => latest.current(position), 200);
      },
      setLive,
    );
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [api, agencyCode]);
  return live;
}
