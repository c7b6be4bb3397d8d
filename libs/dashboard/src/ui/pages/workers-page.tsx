import { api } from '../api/client.js';
import type { HealthStatus } from '../api/types.js';
import { useQuery } from '../api/use-query.js';
import { BarChart } from '../components/bar-chart.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { formatTime } from '../format/format.js';
import { useLiveReload } from '../live/use-live-reload.js';
import { ScrollBox } from '../components/scroll-box.js';

/** Workers holding leases, leases per worker, tasks waiting for one, and this engine (needs `workers:read`). */
export function WorkersPage() {
  const status = useQuery('status', () => api.get<HealthStatus>('/health/status'));
  useLiveReload((event) => event.type.startsWith('task.'), status.reload);
  if (!status.data) return status.error ? <ErrorNotice error={status.error} /> : <Loading />;
  const { engine, workers, waiting_tasks } = status.data;
  return (
    <>
      <h1>Workers</h1>
      {!workers && <p class="notice">The token lacks the workers:read permission: workers and leases are not shown.</p>}
      {engine && (
        <dl class="facts">
          <dt>this engine</dt>
          <dd class="mono">{engine.worker_id}</dd>
          <dt>active tasks</dt>
          <dd>{engine.active_tasks}</dd>
          <dt>leases held</dt>
          <dd>{engine.held_leases}</dd>
          <dt>tasks waiting</dt>
          <dd data-testid="waiting">{waiting_tasks}</dd>
        </dl>
      )}
      {workers && (
        <>
          <ScrollBox label={'Workers'}>
            <table>
              <caption>Workers holding leases</caption>
              <thead>
                <tr>
                  <th scope="col">worker</th>
                  <th scope="col">leases</th>
                  <th scope="col">first lease expires</th>
                </tr>
              </thead>
              <tbody>
                {workers.map((worker) => (
                  <tr key={worker.worker_id}>
                    <td class="mono">{worker.worker_id}</td>
                    <td>{worker.leases}</td>
                    <td>{formatTime(worker.first_lease_expiry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {workers.length === 0 && <p class="hint">No worker holds a lease now.</p>}
          {workers.length > 0 && (
            <BarChart
              title="Leases per worker"
              horizontal
              unit="leases"
              labels={workers.map((worker) => worker.worker_id)}
              series={[{ label: 'leases', values: workers.map((worker) => worker.leases), colour: '--chart-1' }]}
            />
          )}
        </>
      )}
    </>
  );
}
