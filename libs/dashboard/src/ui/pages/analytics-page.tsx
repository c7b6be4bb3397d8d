import { api } from '../api/client.js';
import type { Bottlenecks, Performance } from '../api/types.js';
import { useQuery } from '../api/use-query.js';
import { BarChart } from '../components/bar-chart.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { formatPercent } from '../format/format.js';
import { useLiveReload } from '../live/use-live-reload.js';

const PERIODS = ['1h', '4h', '24h'];

const percent = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);

/** Throughput and rates per window, step durations and retry rates, most common errors, from the analytics API. */
export function AnalyticsPage() {
  const performance = useQuery('performance', () => api.get<Performance>('/analytics/performance'));
  const bottlenecks = useQuery('bottlenecks', () =>
    api.get<Bottlenecks>('/analytics/bottlenecks', { period: '24h', limit: 10 }),
  );
  useLiveReload(
    (event) => event.type === 'task.completed' || event.type === 'task.failed',
    () => {
      performance.reload();
      bottlenecks.reload();
    },
  );
  const periods = performance.data?.periods;
  const steps = bottlenecks.data?.slowest_steps ?? [];
  const errors = steps
    .flatMap((step) => step.most_common_errors.map((error) => ({ ...error, step: step.step_name })))
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  return (
    <>
      <h1>Analytics</h1>
      <ErrorNotice error={performance.error ?? bottlenecks.error} />
      {!periods && !performance.error && <Loading />}
      {periods && (
        <>
          <p>
            Health score (completed of finished, 24 h):{' '}
            <strong>{formatPercent(performance.data!.system_health_score)}</strong>
          </p>
          <div class="charts">
            <BarChart
              title="Throughput (completed tasks per hour)"
              labels={PERIODS}
              series={[
                {
                  label: 'tasks / h',
                  values: PERIODS.map((period) => periods[period]?.throughput_per_hour ?? null),
                  colour: '--chart-1',
                },
              ]}
            />
            <BarChart
              title="Completion and error rates"
              unit="%"
              labels={PERIODS}
              series={[
                {
                  label: 'completed',
                  values: PERIODS.map((period) => percent(periods[period]?.completion_rate ?? null)),
                  colour: '--chart-2',
                },
                {
                  label: 'failed',
                  values: PERIODS.map((period) => percent(periods[period]?.error_rate ?? null)),
                  colour: '--chart-3',
                },
              ]}
            />
          </div>
        </>
      )}
      {bottlenecks.data && (
        <div class="charts">
          <BarChart
            title={`Step durations, last 24 h (${bottlenecks.data.tasks_analyzed} tasks)`}
            unit="ms"
            horizontal
            labels={steps.map((step) => step.step_name)}
            series={[
              { label: 'p50', values: steps.map((step) => step.duration_ms.p50), colour: '--chart-1' },
              { label: 'p95', values: steps.map((step) => step.duration_ms.p95), colour: '--chart-4' },
              { label: 'p99', values: steps.map((step) => step.duration_ms.p99), colour: '--chart-3' },
            ]}
          />
          <BarChart
            title="Retry rate per step"
            unit="%"
            horizontal
            labels={steps.map((step) => step.step_name)}
            series={[
              {
                label: 'retries / attempts',
                values: steps.map((step) => percent(step.retry_rate)),
                colour: '--chart-4',
              },
            ]}
          />
          <BarChart
            title="Most common errors"
            horizontal
            unit="count"
            labels={errors.map((error) => `${error.step}: ${error.code}`)}
            series={[{ label: 'occurrences', values: errors.map((error) => error.count), colour: '--chart-3' }]}
          />
        </div>
      )}
    </>
  );
}
