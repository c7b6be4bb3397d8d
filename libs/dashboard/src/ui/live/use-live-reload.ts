import { useEffect, useRef } from 'preact/hooks';
import type { EngineEventData } from '../api/types.js';
import { onEngineEvent } from './event-feed.js';

/** Events arriving within this many milliseconds of each other cause one reload, not one each. */
const COALESCE_MS = 150;

/**
 * Calls `reload` after engine events that `matters` accepts, at most once per burst: a task's five steps moving at
 * once reload its page once. Reloading from the API (rather than patching from events) keeps the page exactly what
 * the store holds, whatever events a dropped connection missed.
 */
export function useLiveReload(matters: (event: EngineEventData) => boolean, reload: () => void): void {
  const latest = useRef({ matters, reload });
  latest.current = { matters, reload };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = onEngineEvent((event) => {
      if (!latest.current.matters(event) || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current.reload();
      }, COALESCE_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, []);
}
