import {
  commonErrorsOf,
  type ActivityFilter,
  type DurationFigures,
  type ErrorCount,
  type StepFigure,
  type StepFigures,
  type StepRecord,
  type TaskFigures,
  type TaskRecord,
  type TaskState,
  type TransitionRecord,
} from '@tasker/core';
import type { RedisClient } from './connect-client.js';
import { pipelineReplies } from './pipeline-replies.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Analytics rollups: the figures of `TaskAnalytics`, kept by the create and commit scripts (`lua/includes/rollup.lua`)
 * as tasks change, so that a query reads one small hash per minute, template version and shard instead of every
 * task. Each shard keeps the rollups of its tasks (in its slot, so that a commit changes them atomically with the
 * rows); a query reads every shard's and adds them up.
 *
 * | key (of each shard) | type | holds |
 * |---|---|---|
 * | `rollups:<minute>` | set | the template versions (JSON `[namespace, name, version]`) with a task created in that minute (minutes since the epoch) |
 * | `rollup:<minute>:<template>` | hash | the figures of those tasks, as they are now: `s:<state>` tasks in a state; `td:<bucket>` completed tasks by duration bucket and `ts` the sum of their durations; per step `a:`, `e:`, `r:`, `f:<step>` attempts, executions, retries, failed steps, `d:<step>:<bucket>` and `ds:<step>` its durations, `y:<step>` its dependent system; `x:<JSON [step, code, message]>` failed attempts by error |
 *
 * Both expire 7 days and a minute after the creation of the minute's last task (the longest analytics period; a
 * task changed later than that no longer counts anywhere). A bucket keeps a
 * duration's three significant digits: durations below 1,000 ms are exact, and a percentile read from buckets is a
 * bucket's lower bound, at most 1% below the duration a nearest-rank percentile of the tasks would give. Counts,
 * sums and averages are exact. A window is read by whole minutes: the tasks of the minutes its ends fall in count
 * whole (up to a minute more than the window at each end). Tasks stored before rollups existed are not counted.
 */
const MINUTE = 60_000;

/**
 * What the create script adds to a new task's rollup (read in Lua as `r`): the rollup's minute and template version
 * name its keys (see `ShardKeys.rollup`).
 */
export interface RollupArgument {
  minute: number;
  template: string;
  steps: string[];
  systems: Record<string, string>;
}

/** The rollup a new task counts in, its steps and their dependent systems, for the create script. */
export function rollupArgument(task: TaskRecord, steps: readonly StepRecord[]): RollupArgument {
  return {
    minute: Math.floor(task.createdAt / MINUTE),
    template: JSON.stringify([task.namespace, task.name, task.version]),
    steps: steps.map((step) => step.name),
    systems: Object.fromEntries(
      steps.flatMap((step) => (step.dependentSystem === undefined ? [] : [[step.name, step.dependentSystem]])),
    ),
  };
}

/** The rollup fields a write's failed attempts count in (`x:` fields), for the commit script. */
export function errorFields(transitions: readonly TransitionRecord[]): string[] {
  return transitions.flatMap(({ stepName, error }) =>
    stepName === undefined || error === undefined ? [] : [`x:${JSON.stringify([stepName, error.code, error.message])}`],
  );
}

/** A histogram of durations (bucket to count) and their exact sum. */
interface Histogram {
  buckets: Map<number, number>;
  sum: number;
}

const newHistogram = (): Histogram => ({ buckets: new Map(), sum: 0 });

function addToHistogram(histogram: Histogram, bucket: number, count: number): void {
  histogram.buckets.set(bucket, (histogram.buckets.get(bucket) ?? 0) + count);
}

/** Nearest-rank percentiles from buckets: the first bucket with `100 × durations up to it ≥ p × count`. */
function histogramFigures({ buckets, sum }: Histogram): DurationFigures {
  const sorted = [...buckets].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const count = sorted.reduce((total, [, n]) => total + n, 0);
  const percentile = (p: number) => {
    let upTo = 0;
    for (const [bucket, n] of sorted) {
      upTo += n;
      if (100 * upTo >= p * count) return bucket;
    }
    return null;
  };
  return {
    count,
    avg: count === 0 ? null : sum / count,
    p50: percentile(50),
    p95: percentile(95),
    p99: percentile(99),
  };
}

/** One rollup hash read back, with the template version it is of. */
interface Rollup {
  namespace: string;
  name: string;
  version: string;
  fields: Record<string, string>;
}

/**
 * The rollups of the minutes the filter's window touches, of the filter's template, of every shard: per shard one
 * pipeline of `SMEMBERS` (the templates of each minute), then one of `HGETALL`, all shards at once.
 *
 * @param countCommands told how many commands were sent, for the store's command count.
 */
async function readRollups(
  client: RedisClient,
  keys: RedisKeys,
  filter: ActivityFilter,
  countCommands: (count: number) => void,
): Promise<Rollup[]> {
  const first = Math.floor(filter.createdFrom / MINUTE);
  const last = Math.floor((filter.createdTo - 1) / MINUTE);
  if (last < first) return [];
  const minutes = Array.from({ length: last - first + 1 }, (_, index) => first + index);
  const perShard = await Promise.all(
    keys.shards.map(async (shard) => {
      const listing = client.pipeline();
      for (const minute of minutes) listing.smembers(shard.rollupSet(minute));
      const templates = (await pipelineReplies(listing)) as string[][];
      countCommands(minutes.length);
      const wanted = minutes.flatMap((minute, index) =>
        templates[index]!.flatMap((template) => {
          const [namespace, name, version] = JSON.parse(template) as [string, string, string];
          if (filter.namespace !== undefined && namespace !== filter.namespace) return [];
          if (filter.name !== undefined && name !== filter.name) return [];
          if (filter.version !== undefined && version !== filter.version) return [];
          return [{ key: shard.rollup(minute, template), namespace, name, version }];
        }),
      );
      if (wanted.length === 0) return [];
      const reading = client.pipeline();
      for (const { key } of wanted) reading.hgetall(key);
      const hashes = (await pipelineReplies(reading)) as Array<Record<string, string>>;
      countCommands(wanted.length);
      return wanted.map(({ namespace, name, version }, index) => ({
        namespace,
        name,
        version,
        fields: hashes[index]!,
      }));
    }),
  );
  return perShard.flat();
}

/** A field's kind (before the first `:`) and the rest. */
function splitField(field: string): [string, string] {
  const colon = field.indexOf(':');
  return colon < 0 ? [field, ''] : [field.slice(0, colon), field.slice(colon + 1)];
}

/** `TaskAnalytics.taskFigures` from the rollups. */
export async function rollupTaskFigures(
  client: RedisClient,
  keys: RedisKeys,
  filter: ActivityFilter,
  countCommands: (count: number) => void,
): Promise<TaskFigures> {
  const counts = new Map<string, { namespace: string; state: TaskState; count: number }>();
  const durations = newHistogram();
  for (const { namespace, fields } of await readRollups(client, keys, filter, countCommands)) {
    for (const [field, value] of Object.entries(fields)) {
      const [kind, rest] = splitField(field);
      if (kind === 's') {
        const key = JSON.stringify([namespace, rest]);
        const entry = counts.get(key) ?? { namespace, state: rest as TaskState, count: 0 };
        entry.count += Number(value);
        counts.set(key, entry);
      } else if (kind === 'td') addToHistogram(durations, Number(rest), Number(value));
      else if (kind === 'ts') durations.sum += Number(value);
    }
  }
  return {
    byState: [...counts.values()].filter((entry) => entry.count > 0),
    completedDurations: histogramFigures(durations),
  };
}

/** `TaskAnalytics.stepFigures` from the rollups. */
export async function rollupStepFigures(
  client: RedisClient,
  keys: RedisKeys,
  filter: ActivityFilter,
  countCommands: (count: number) => void,
): Promise<StepFigures> {
  type Step = Omit<StepFigure, 'durations' | 'commonErrors'> & {
    histogram: Histogram;
    errors: Map<string, ErrorCount>;
  };
  const steps = new Map<string, Step>();
  const templates = new Map<string, { namespace: string; name: string; version: string; histogram: Histogram }>();
  let tasks = 0;
  for (const { namespace, name, version, fields } of await readRollups(client, keys, filter, countCommands)) {
    const templateKey = JSON.stringify([namespace, name, version]);
    const template = templates.get(templateKey) ?? { namespace, name, version, histogram: newHistogram() };
    templates.set(templateKey, template);
    const stepOf = (stepName: string): Step => {
      const key = JSON.stringify([namespace, name, stepName]);
      let step = steps.get(key);
      if (!step) {
        step = {
          namespace,
          name,
          step: stepName,
          executions: 0,
          attempts: 0,
          retries: 0,
          failures: 0,
          histogram: newHistogram(),
          errors: new Map(),
        };
        steps.set(key, step);
      }
      return step;
    };
    for (const [field, value] of Object.entries(fields)) {
      const [kind, rest] = splitField(field);
      const amount = Number(value);
      if (kind === 's') tasks += amount;
      else if (kind === 'td') addToHistogram(template.histogram, Number(rest), amount);
      else if (kind === 'ts') template.histogram.sum += amount;
      else if (kind === 'a') stepOf(rest).attempts += amount;
      else if (kind === 'e') stepOf(rest).executions += amount;
      else if (kind === 'r') stepOf(rest).retries += amount;
      else if (kind === 'f') stepOf(rest).failures += amount;
      else if (kind === 'ds') stepOf(rest).histogram.sum += amount;
      else if (kind === 'd') {
        const colon = rest.lastIndexOf(':');
        addToHistogram(stepOf(rest.slice(0, colon)).histogram, Number(rest.slice(colon + 1)), amount);
      } else if (kind === 'y') {
        const step = stepOf(rest);
        if (!(step.dependentSystem! >= value)) step.dependentSystem = value;
      } else if (kind === 'x') {
        const [stepName, code, message] = JSON.parse(rest) as [string, string, string];
        const errors = stepOf(stepName).errors;
        const errorKey = JSON.stringify([code, message]);
        const counted = errors.get(errorKey) ?? { code, message, count: 0 };
        counted.count += amount;
        errors.set(errorKey, counted);
      }
    }
  }
  return {
    tasks,
    steps: [...steps.values()].map(({ histogram, errors, ...step }) => ({
      ...step,
      durations: histogramFigures(histogram),
      commonErrors: commonErrorsOf(errors.values()),
    })),
    templates: [...templates.values()].map(({ histogram, ...template }) => ({
      ...template,
      durations: histogramFigures(histogram),
    })),
  };
}
