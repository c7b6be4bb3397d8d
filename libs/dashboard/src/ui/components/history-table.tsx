import type { HistoryEntry } from '../api/types.js';
import { formatState, formatTime } from '../format/format.js';
import { ScrollBox } from './scroll-box.js';

/** Transitions, oldest first, with who made each and why: the engine, a worker, or an operator with a reason. */
export function HistoryTable({ history, caption }: { history: readonly HistoryEntry[]; caption: string }) {
  return (
    <ScrollBox label={caption}>
      <table class="history">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">at</th>
            <th scope="col">step</th>
            <th scope="col">transition</th>
            <th scope="col">attempt</th>
            <th scope="col">by</th>
            <th scope="col">why</th>
          </tr>
        </thead>
        <tbody>
          {history.map((entry, index) => (
            <tr key={index} data-to={entry.to_state}>
              <td>{formatTime(entry.at)}</td>
              <td>{entry.step_name ?? 'task'}</td>
              <td>
                {formatState(entry.from_state)} → {formatState(entry.to_state)}
              </td>
              <td>{entry.attempt ?? ''}</td>
              <td>{entry.by}</td>
              <td>
                {entry.reason ?? ''}
                {entry.error_message && (
                  <span class="error-text">
                    {entry.reason ? ' — ' : ''}
                    {entry.error_code}: {entry.error_message}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
