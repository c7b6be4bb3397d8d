import { formatState } from '../format/format.js';

/** A task's or step's state as a coloured label (colours in styles.css, by `data-state`). */
export function StateBadge({ state }: { state: string }) {
  return (
    <span class="badge" data-state={state}>
      {formatState(state)}
    </span>
  );
}
