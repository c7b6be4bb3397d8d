import type { StepJson, TaskJson, TaskSummaryJson } from '../connection/tasker-client.js';
import type { Io } from '../io.js';
import { paint, paintState } from './style.js';
import { table } from './table.js';
import { ago, duration } from './time.js';

/** `namespace/name@version`. */
function templateOf(task: TaskSummaryJson): string {
  return `${task.namespace}/${task.name}@${task.version}`;
}

/** Tasks as a table: id, template, state, when created, how long. */
export function taskTable(tasks: readonly TaskSummaryJson[], io: Io, now: number): string {
  if (tasks.length === 0) return 'no tasks\n';
  return table(
    ['TASK', 'TEMPLATE', 'STATE', 'CREATED', 'DURATION'],
    tasks.map((task) => [
      task.task_id,
      templateOf(task),
      { text: task.current_state, paint: (text) => paint(io, 'bold', paintState(io, text)) },
      ago(task.created_at, now),
      duration(task.duration_ms),
    ]),
  );
}

/** One step's line: its state, attempts, duration, and what else it waits for beyond the parent it is drawn under. */
function stepLine(step: StepJson, io: Io, drawnUnder: string | undefined): string {
  const attempts = `${step.attempts} attempt${step.attempts === 1 ? '' : 's'}`;
  const others = step.depends_on.filter((name) => name !== drawnUnder);
  const after =
    others.length > 0 && drawnUnder !== undefined ? paint(io, 'dim', `  (also after ${others.join(', ')})`) : '';
  return `${paint(io, 'bold', step.name)}  ${paintState(io, step.current_state)}  ${attempts}  ${duration(step.duration_ms)}${after}`;
}

/** What a `waiting` step waits for: `waiting for signal approved until 2026-…` or `sleeping until 2026-…`. */
function waitingLine(waitingFor: NonNullable<StepJson['waiting_for']>): string {
  const until = waitingFor.until === null ? '' : ` until ${waitingFor.until}`;
  return waitingFor.signal === null ? `sleeping${until}` : `waiting for signal ${waitingFor.signal}${until}`;
}

/** A map step's items: `items: 2 completed, 1 failed (3 started)`, states no item is in left out. */
function itemsLine(items: NonNullable<StepJson['items']>): string {
  const { total, ...byState } = items;
  const counts = Object.entries(byState)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  return `items: ${counts.join(', ') || 'none'} (${total} started)`;
}

/**
 * A task's steps as a tree of their dependencies: each step under the first step it depends on, with the others it
 * waits for named; its state, attempts, duration, what it waits for, a map step's items and its last error.
 */
export function stepTree(steps: readonly StepJson[], io: Io): string[] {
  const children = new Map<string | undefined, StepJson[]>();
  for (const step of steps) {
    const parent = step.depends_on[0];
    children.set(parent, [...(children.get(parent) ?? []), step]);
  }
  const lines: string[] = [];
  const draw = (parent: string | undefined, indent: string) => {
    const under = children.get(parent) ?? [];
    under.forEach((step, index) => {
      const last = index === under.length - 1;
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${stepLine(step, io, parent)}`);
      const inner = `${indent}${last ? '   ' : '│  '}`;
      if (step.waiting_for !== null) lines.push(`${inner}${paint(io, 'dim', waitingLine(step.waiting_for))}`);
      if (step.current_state === 'throttled') {
        // Waiting for a slot of its concurrency key or a token of its rate limit: asks again by then, or on a release.
        const by = step.next_retry_at === null ? '' : ` (by ${step.next_retry_at})`;
        lines.push(`${inner}${paint(io, 'dim', `throttled: waits for a slot or a token${by}`)}`);
      }
      if (step.items !== null) lines.push(`${inner}${paint(io, 'dim', itemsLine(step.items))}`);
      if (step.error_message !== null) {
        const code = step.error_code === null ? '' : ` (${step.error_code})`;
        lines.push(`${inner}${paint(io, 'red', `last error: ${step.error_message}${code}`)}`);
      }
      draw(step.name, inner);
    });
  };
  draw(undefined, '');
  return lines;
}

/** A task in full for a person: what it is, its state and times, its error, and its steps as a tree. */
export function taskDetails(task: TaskJson, io: Io, now: number): string {
  const lines = [
    `${paint(io, 'bold', `task ${task.task_id}`)}  ${templateOf(task)}`,
    `state     ${paintState(io, task.current_state)}`,
    `created   ${ago(task.created_at, now)} (${task.created_at})`,
    `duration  ${duration(task.duration_ms)}`,
  ];
  if (task.deadline_at !== null) lines.push(`deadline  ${ago(task.deadline_at, now)} (${task.deadline_at})`);
  if (task.error_message !== null) lines.push(`error     ${paint(io, 'red', task.error_message)}`);
  lines.push('steps', ...stepTree(task.workflow_steps, io));
  return `${lines.join('\n')}\n`;
}
