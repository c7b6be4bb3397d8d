import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Task } from '../api/types.js';
import { may } from '../auth/session.js';
import { ConfirmAction } from './confirm-action.js';

const RETRYABLE = new Set(['failed', 'compensation_failed']);
const CANCELLABLE = new Set(['pending', 'in_progress']);

/** Retry and cancel for a task, each shown only when the task's state allows it and the token may do it. */
export function TaskActions({ task, onDone }: { task: Task; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const path = `/tasks/${task.task_id}`;
  const canRetry = RETRYABLE.has(task.current_state) && may('tasks:retry');
  const canCancel = CANCELLABLE.has(task.current_state) && may('tasks:cancel');
  if (!canRetry && !canCancel) return null;
  const reasonField = (
    <label>
      Reason
      <input name="reason" value={reason} maxLength={2000} onInput={(event) => setReason(event.currentTarget.value)} />
    </label>
  );
  const send = (action: 'retry' | 'cancel') => async () => {
    await api.post(`${path}/${action}`, reason.trim() ? { reason: reason.trim() } : {});
    setReason('');
    onDone();
  };
  return (
    <div class="actions" role="group" aria-label="Task actions">
      {canRetry && (
        <ConfirmAction label="Retry task" title={`Retry ${task.name} ${task.task_id}?`} run={send('retry')}>
          <p>Failed steps run again; completed steps keep their results.</p>
          {reasonField}
        </ConfirmAction>
      )}
      {canCancel && (
        <ConfirmAction
          label="Cancel task"
          title={`Cancel ${task.name} ${task.task_id}?`}
          danger
          problem={reason.trim() ? undefined : 'Say why the task is cancelled: the reason goes into its history.'}
          run={send('cancel')}
        >
          <p>Running handlers are aborted; steps with compensations are undone.</p>
          {reasonField}
        </ConfirmAction>
      )}
    </div>
  );
}
