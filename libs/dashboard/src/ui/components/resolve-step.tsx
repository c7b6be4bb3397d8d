import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Step } from '../api/types.js';
import { may } from '../auth/session.js';
import { ConfirmAction } from './confirm-action.js';

const RESOLVABLE = new Set(['pending', 'waiting_for_retry', 'throttled', 'failed', 'compensation_failed']);

/** Why `text` is not JSON, or `undefined` when it is. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `Results must be JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Resolves a step by hand with results typed as JSON, refused in the form while they do not parse. */
export function ResolveStep({ taskId, step, onDone }: { taskId: string; step: Step; onDone: () => void }) {
  const [results, setResults] = useState('{}');
  const [reason, setReason] = useState('');
  if (!RESOLVABLE.has(step.current_state) || !may('steps:resolve')) return null;
  const problem = jsonProblem(results);
  return (
    <ConfirmAction
      label="Resolve step"
      title={`Resolve ${step.name} by hand?`}
      problem={problem}
      run={async () => {
        await api.post(`/tasks/${taskId}/steps/${encodeURIComponent(step.name)}/resolve`, {
          results: JSON.parse(results),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        });
        onDone();
      }}
    >
      <label>
        Results (JSON)
        <textarea
          name="results"
          rows={5}
          value={results}
          aria-invalid={problem !== undefined}
          onInput={(event) => setResults(event.currentTarget.value)}
        />
      </label>
      <label>
        Reason
        <input
          name="reason"
          value={reason}
          maxLength={2000}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
    </ConfirmAction>
  );
}
