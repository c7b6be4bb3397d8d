import { useMemo } from 'preact/hooks';
import type { HistoryEntry } from '../api/types.js';
import { formatDuration, formatState } from '../format/format.js';
import { attemptsOf } from '../model/attempts.js';
import { ScrollBox } from './scroll-box.js';

const ROW = 26;
const LABEL = 140;
const WIDTH = 720;

/**
 * One row per step, one bar per attempt on a shared time axis: gaps between a step's bars are its retry backoff,
 * a timed-out attempt is hatched, and each bar's title says how it ended.
 */
export function AttemptTimeline({
  history,
  steps,
  nowMs,
}: {
  history: readonly HistoryEntry[];
  steps: readonly string[];
  nowMs: number;
}) {
  const bars = useMemo(() => attemptsOf(history, nowMs), [history, nowMs]);
  if (bars.length === 0) return <p class="hint">No attempt has started yet.</p>;
  const start = Math.min(...bars.map((bar) => bar.startMs));
  const span = Math.max(1, Math.max(...bars.map((bar) => bar.endMs)) - start);
  const scale = (WIDTH - LABEL - 8) / span;
  const rows = steps.filter((step) => bars.some((bar) => bar.step === step));
  return (
    <ScrollBox label={'Attempts'}>
      <svg
        class="timeline"
        role="img"
        aria-label={`Attempts over ${formatDuration(span)}`}
        viewBox={`0 0 ${WIDTH} ${rows.length * ROW + 20}`}
        width={WIDTH}
      >
        {rows.map((step, row) => (
          <text key={step} x={0} y={row * ROW + 17} class="timeline-label">
            {step}
          </text>
        ))}
        {bars.map((bar) => {
          const row = rows.indexOf(bar.step);
          const width = Math.max(3, (bar.endMs - bar.startMs) * scale);
          return (
            <rect
              key={`${bar.step}#${bar.attempt}`}
              class={`timeline-bar${bar.timedOut ? ' timed-out' : ''}`}
              data-step={bar.step}
              data-state={bar.outcome}
              x={LABEL + (bar.startMs - start) * scale}
              y={row * ROW + 4}
              width={width}
              height={ROW - 8}
              rx="3"
            >
              <title>
                {`${bar.step} attempt ${bar.attempt}: ${formatState(bar.outcome)} after ${formatDuration(bar.endMs - bar.startMs)}` +
                  (bar.timedOut ? ' (timed out)' : '') +
                  (bar.error ? ` — ${bar.error}` : '')}
              </title>
            </rect>
          );
        })}
        <text x={LABEL} y={rows.length * ROW + 16} class="timeline-axis">
          0
        </text>
        <text x={WIDTH - 4} y={rows.length * ROW + 16} text-anchor="end" class="timeline-axis">
          {formatDuration(span)}
        </text>
      </svg>
    </ScrollBox>
  );
}
