import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Task } from '../api/types.js';
import { useQuery } from '../api/use-query.js';
import { AttemptTimeline } from '../components/attempt-timeline.js';
import { Dag } from '../components/dag.js';
import { HistoryTable } from '../components/history-table.js';
import { JsonView } from '../components/json-view.js';
import { Link } from '../components/link.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { StateBadge } from '../components/state-badge.js';
import { StepDrawer } from '../components/step-drawer.js';
import { TaskActions } from '../components/task-actions.js';
import { TraceLink } from '../components/trace-link.js';
import { formatDuration, formatTime } from '../format/format.js';
import { useLiveReload } from '../live/use-live-reload.js';

/** States in which an attempt may still be running: its bar reaches to now. */
const UNFINISHED = new Set(['pending', 'in_progress', 'compensating']);

/** The task's facts: template, times, who asked, correlation and trace ids, tags. */
function TaskFacts({ task }: { task: Task }) {
  return (
    <dl class="facts">
      <dt>template</dt>
      <dd>
        <Link to={`templates/${encodeURIComponent(task.namespace)}/${encodeURIComponent(task.name)}`}>
          {task.namespace}/{task.name}@{task.version}
        </Link>
      </dd>
      <dt>created</dt>
      <dd>{formatTime(task.created_at)}</dd>
      <dt>finished</dt>
      <dd>{formatTime(task.completed_at)}</dd>
      <dt>duration</dt>
      <dd>{formatDuration(task.duration_ms)}</dd>
      <dt>initiator</dt>
      <dd>{task.initiator ?? '—'}</dd>
      <dt>correlation id</dt>
      <dd class="mono">{task.correlation_id}</dd>
      <dt>trace</dt>
      <dd>
        <TraceLink traceId={task.trace_id ?? null} />
      </dd>
      {task.tags.length > 0 && (
        <>
          <dt>tags</dt>
          <dd>{task.tags.join(', ')}</dd>
        </>
      )}
      {task.error_message && (
        <>
          <dt>error</dt>
          <dd class="error-text">{task.error_message}</dd>
        </>
      )}
    </dl>
  );
}

/** One task live: its DAG by step state, attempts, history, annotations, context, actions and a step drawer. */
export function TaskPageView({ taskId }: { taskId: string }) {
  const task = useQuery(taskId, () => api.get<Task>(`/tasks/${taskId}`));
  const [selected, setSelected] = useState<string>();
  useLiveReload((event) => event.task_id === taskId, task.reload);
  if (!task.data) return task.error ? <ErrorNotice error={task.error} /> : <Loading />;
  const data = task.data;
  const steps = data.workflow_steps.map((step) => ({
    name: step.name,
    dependsOn: step.depends_on,
    state: step.current_state,
  }));
  return (
    <div class={selected ? 'with-drawer' : undefined}>
      <div class="page-head">
        <h1>
          {data.name} <span class="mono id">{data.task_id}</span>
        </h1>
        <StateBadge state={data.current_state} />
        {data.deadline_at && (
          <span class="deadline" title="The task fails with DEADLINE_EXCEEDED unless finished by then">
            deadline <time dateTime={data.deadline_at}>{formatTime(data.deadline_at)}</time>
          </span>
        )}
      </div>
      <ErrorNotice error={task.error} />
      <TaskActions task={data} onDone={task.reload} />
      <TaskFacts task={data} />
      <section aria-labelledby="dag-title">
        <h2 id="dag-title">Steps</h2>
        <p class="hint">Choose a step for its results, error and transitions.</p>
        <Dag steps={steps} label={`Steps of ${data.name}`} onSelect={setSelected} selected={selected} />
      </section>
      {selected && (
        <StepDrawer task={data} stepName={selected} onClose={() => setSelected(undefined)} onDone={task.reload} />
      )}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Attempts</h2>
        <AttemptTimeline
          history={data.history}
          steps={data.workflow_steps.map((step) => step.name)}
          nowMs={UNFINISHED.has(data.current_state) ? Date.now() : Date.parse(data.updated_at ?? '') || Date.now()}
        />
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <HistoryTable history={data.history} caption="Every transition of the task and its steps" />
      </section>
      <section aria-labelledby="annotations-title">
        <h2 id="annotations-title">Annotations</h2>
        {data.annotations.length === 0 && <p class="hint">None.</p>}
        {data.annotations.map((annotation, index) => (
          <JsonView
            key={index}
            label={`${annotation.annotation_type} · ${formatTime(annotation.created_at)}`}
            value={annotation.content}
          />
        ))}
      </section>
      <JsonView label="Context" value={data.context} collapsed />
    </div>
  );
}
