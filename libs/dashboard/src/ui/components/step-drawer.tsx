import type { Task } from '../api/types.js';
import { formatDuration, formatTime } from '../format/format.js';
import { itemCountsText } from '../model/item-counts.js';
import { HistoryTable } from './history-table.js';
import { JsonView } from './json-view.js';
import { ResolveStep } from './resolve-step.js';
import { StateBadge } from './state-badge.js';

/** One step of a task in detail: its settings and times, results, error, transitions and the resolve action. */
export function StepDrawer({
  task,
  stepName,
  onClose,
  onDone,
}: {
  task: Task;
  stepName: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const step = task.workflow_steps.find((candidate) => candidate.name === stepName);
  if (!step) return null;
  const history = task.history.filter((entry) => entry.step_name === stepName);
  return (
    <aside class="drawer" aria-labelledby="drawer-title">
      <div class="drawer-head">
        <h2 id="drawer-title">{step.name}</h2>
        <StateBadge state={step.current_state} />
        <button type="button" class="quiet" onClick={onClose} aria-label={`Close ${step.name}`}>
          Close
        </button>
      </div>
      <dl class="facts">
        <dt>handler</dt>
        <dd>{step.handler}</dd>
        <dt>attempts</dt>
        <dd>
          {step.attempts} ({step.attempts_left} left{step.retryable ? '' : ', not retryable'})
        </dd>
        <dt>timeout</dt>
        <dd>{formatDuration(step.timeout_ms)}</dd>
        <dt>started</dt>
        <dd>{formatTime(step.started_at)}</dd>
        <dt>finished</dt>
        <dd>{formatTime(step.completed_at)}</dd>
        <dt>duration</dt>
        <dd>{formatDuration(step.duration_ms)}</dd>
        {step.next_retry_at && (
          <>
            <dt>next retry</dt>
            <dd>{formatTime(step.next_retry_at)}</dd>
          </>
        )}
        {step.waiting_for && (
          <>
            <dt>waits for</dt>
            <dd>
              {step.waiting_for.signal === null ? 'its time' : `signal ${step.waiting_for.signal}`}
              {step.waiting_for.until !== null && `, until ${formatTime(step.waiting_for.until)}`}
            </dd>
          </>
        )}
        {step.items && (
          <>
            <dt>items</dt>
            <dd>{itemCountsText(step.items)}</dd>
          </>
        )}
        {step.dependent_system && (
          <>
            <dt>system</dt>
            <dd>{step.dependent_system}</dd>
          </>
        )}
      </dl>
      {step.error_message && (
        <div class="step-error" role="note">
          <strong>{step.error_code}</strong>
          <pre>{step.error_message}</pre>
          {step.error_stack && (
            <details>
              <summary>Stack</summary>
              <pre class="stack">{step.error_stack}</pre>
            </details>
          )}
        </div>
      )}
      <ResolveStep taskId={task.task_id} step={step} onDone={onDone} />
      <JsonView label="Results" value={step.results} />
      <JsonView label="Task context" value={task.context} collapsed />
      <HistoryTable history={history} caption={`Transitions of ${step.name}`} />
    </aside>
  );
}
