import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './api-error.js';

/** What a page loaded: the data once there, the error's text when the call failed. */
export interface QueryState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Loads again, keeping what is shown until the answer comes. */
  reload: () => void;
}

/** Runs `load` now and whenever `key` changes; a late answer for an older key is dropped. */
export function useQuery<T>(key: string, load: () => Promise<T>): QueryState<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current && setState((previous) => ({ ...previous, error: describeError(error), loading: false })),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render; `key` says when what it loads has changed.
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
