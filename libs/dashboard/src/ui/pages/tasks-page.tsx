import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { HealthStatus, TaskPage } from '../api/types.js';
import { useQuery } from '../api/use-query.js';
import { Link } from '../components/link.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { StateBadge } from '../components/state-badge.js';
import { TaskFilters, type Filters } from '../components/task-filters.js';
import { TaskSearch } from '../components/task-search.js';
import { formatDuration, formatState, formatTime } from '../format/format.js';
import { useLiveReload } from '../live/use-live-reload.js';
import { ScrollBox } from '../components/scroll-box.js';

const PAGE_SIZE = 25;

/** Counts of the last 24 hours by state; choosing one filters the list by it. */
function StateCounts({ status, onChoose }: { status: HealthStatus; onChoose: (state: string) => void }) {
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">Tasks by state, last {status.window}</h2>
      <ul class="counts">
        {Object.entries(status.tasks_by_state).map(([state, count]) => (
          <li key={state}>
            <button
              type="button"
              class="count"
              data-state={state}
              onClick={() => onChoose(state)}
              title={`Show the ${formatState(state)} tasks`}
            >
              <span class="count-value">{count}</span>
              <StateBadge state={state} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The task list: counts by state, filters, search by id, a page at a time by cursor, updated live. */
export function TasksPage() {
  const [filters, setFilters] = useState<Filters>({});
  // The cursors of the pages before this one, so that "Previous" can go back; the first page has none.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const tasks = useQuery(JSON.stringify({ filters, cursor }), () =>
    api.get<TaskPage>('/tasks', { ...filters, limit: PAGE_SIZE, cursor }),
  );
  const counts = useQuery('counts', () => api.get<HealthStatus>('/health/status'));
  useLiveReload(
    (event) => event.type.startsWith('task.'),
    () => {
      counts.reload();
      // A later page stays as it is: new tasks arrive at the top, and would shift its rows under the reader.
      if (cursor === undefined) tasks.reload();
    },
  );
  const apply = (next: Filters) => {
    setFilters(next);
    setCursors([]);
  };
  return (
    <>
      <h1>Tasks</h1>
      <ErrorNotice error={counts.error} />
      {counts.data && <StateCounts status={counts.data} onChoose={(state) => apply({ ...filters, state })} />}
      <TaskSearch />
      <TaskFilters key={JSON.stringify(filters)} value={filters} onApply={apply} />
      <ErrorNotice error={tasks.error} />
      {!tasks.data && !tasks.error && <Loading />}
      {tasks.data && (
        <>
          <ScrollBox label={'Tasks'}>
            <table class="tasks">
              <caption>{cursor ? `Tasks, page ${cursors.length + 1}` : 'Newest tasks'}</caption>
              <thead>
                <tr>
                  <th scope="col">task</th>
                  <th scope="col">template</th>
                  <th scope="col">state</th>
                  <th scope="col">created</th>
                  <th scope="col">duration</th>
                  <th scope="col">correlation id</th>
                </tr>
              </thead>
              <tbody>
                {tasks.data.tasks.map((task) => (
                  <tr key={task.task_id} data-task={task.task_id} data-state={task.current_state}>
                    <td>
                      <Link to={`tasks/${task.task_id}`} className="mono">
                        {task.task_id.slice(0, 8)}
                      </Link>
                    </td>
                    <td>
                      {task.namespace}/{task.name}@{task.version}
                    </td>
                    <td>
                      <StateBadge state={task.current_state} />
                    </td>
                    <td>{formatTime(task.created_at)}</td>
                    <td>{formatDuration(task.duration_ms)}</td>
                    <td class="mono">{task.correlation_id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {tasks.data.tasks.length === 0 && <p class="hint">No task matches.</p>}
          <div class="buttons" role="group" aria-label="Pages">
            <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <button
              type="button"
              disabled={!tasks.data.next_cursor}
              onClick={() => setCursors([...cursors, tasks.data!.next_cursor!])}
            >
              Next page
            </button>
          </div>
        </>
      )}
    </>
  );
}
