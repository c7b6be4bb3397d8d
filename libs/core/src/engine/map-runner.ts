import type { JsonCaps } from '../domain/check-json.js';
import type { JsonValue } from '../domain/json.js';
import type { StepSettings } from '../domain/template.js';
import { PermanentError } from '../errors/permanent-error.js';
import { StepTimeoutError } from '../errors/step-timeout-error.js';
import { toStepError } from '../errors/to-step-error.js';
import { parseValuePath, readValuePath } from '../expressions/value-path.js';
import type { Clock } from '../ports/clock.js';
import { planRetry } from '../retry/plan-retry.js';
import type { StepItemRecord } from '../store/step-items.js';
import type { WriteOutcome } from '../store/write-handle.js';
import type { ActiveTask } from './active-task.js';
import { AttemptControl } from './attempt-control.js';
import { toJson } from './handler-result.js';

/** What a map step's run needs from the engine. */
export interface MapHost {
  clock: Clock;
  random(): number;
  /** The items of the step stored so far (a run after a crash or a retry goes on from them). */
  storedItems(taskId: string, stepName: string): Promise<StepItemRecord[]>;
  /** Records the write of `items` through the task's write path; resolves once it is durable (or not). */
  recordItems(task: ActiveTask, items: StepItemRecord[]): PromiseLike<WriteOutcome>;
  /** Whether the engine's lease on the task may have ended: no item starts then. */
  leaseLapsed(task: ActiveTask): boolean;
  /** The caps on an item's result, as on a step's. */
  resultCaps: JsonCaps;
}

/** One item's attempt: the handler called with the item, its index and the attempt's own stop switch. */
export type RunItem = (item: JsonValue, index: number, attempt: number, control: AttemptControl) => Promise<unknown>;

/** The array a map step maps over, read from its task now. */
function itemsOf(task: ActiveTask, stepName: string, over: string): JsonValue[] {
  const path = parseValuePath(over);
  const results = path.step === undefined ? undefined : { [path.step]: task.resultOf(path.step) };
  const value = readValuePath(path, { context: task.info.context, ...(results ? { results } : {}) });
  if (Array.isArray(value)) return value;
  const found = value === undefined ? 'nothing' : value === null ? 'null' : `a ${typeof value}`;
  throw new PermanentError(`map step '${stepName}': ${over} is not an array (found ${found})`, {
    code: 'INVALID_MAP',
  });
}

/**
 * Runs one attempt of a map step (docs/ENGINE.md, _Map steps_): the step's handler once per item of its `over`
 * array, at most `maxParallel` at a time, each item with its own attempts, retries, backoff and timeout and its own
 * durable row (started, waiting for a retry, completed or failed, written through the task's write path before its
 * handler runs or once it settled). Items a previous run completed are not run again. Resolves with the items'
 * results in order, read back from the store once the last is durable; rejects with a `PermanentError` when an item
 * fails for good (items running then finish, none starts), or resolves with `null` when the run is stopped (its
 * outcome reaches no one).
 */
export async function runMap(
  host: MapHost,
  task: ActiveTask,
  stepName: string,
  settings: StepSettings,
  control: AttemptControl,
  runItem: RunItem,
): Promise<JsonValue> {
  const { taskId } = task.info;
  const items = itemsOf(task, stepName, settings.map!.over);
  const stored = new Map((await host.storedItems(taskId, stepName)).map((item) => [item.index, item]));
  const todo: number[] = [];
  for (let index = 0; index < items.length; index++) if (stored.get(index)?.state !== 'completed') todo.push(index);
  let next = 0;
  let failure: PermanentError | undefined;
  // A task's writes commit in order: once its latest is durable, so are all before it.
  let latest: PromiseLike<WriteOutcome> | undefined;
  const record = (item: StepItemRecord) => (latest = host.recordItems(task, [item]));

  /** Runs item `index` until it completes, fails for good or the run stops. */
  const runOne = async (index: number): Promise<void> => {
    const previous = stored.get(index);
    let attempts = previous?.attempts ?? 0;
    // A failed item runs again only in a new run of its failed step (an operator's retry): with a fresh budget.
    const budgetBase = previous?.state === 'failed' ? attempts : (previous?.budgetBase ?? 0);
    const row = (extra: Partial<StepItemRecord>): StepItemRecord => ({
      taskId,
      stepName,
      index,
      state: 'in_progress',
      attempts,
      budgetBase,
      updatedAt: host.clock.now(),
      ...extra,
    });
    for (;;) {
      attempts++;
      // As for a step: no handler runs on a start a crash could lose, so that every attempt is counted.
      if (!(await record(row({}))).durable || control.stopped || host.leaseLapsed(task)) return control.stop();
      let thrown: unknown;
      try {
        const results = toJson(
          await attemptItem(host, settings, stepName, control, (itemControl) =>
            runItem(items[index]!, index, attempts, itemControl),
          ),
          host.resultCaps,
        );
        if (control.stopped) return;
        record(row({ state: 'completed', results }));
        return;
      } catch (error) {
        thrown = error;
      }
      if (control.stopped) return;
      const retryAt = planRetry({
        settings,
        attemptsInBudget: attempts - budgetBase,
        thrown,
        now: host.clock.now(),
        random: host.random,
      });
      const error = toStepError(thrown);
      if (retryAt === undefined) {
        record(row({ state: 'failed', error }));
        failure ??= new PermanentError(`item ${index} failed: ${error.message}`, {
          code: error.code ?? 'HANDLER_ERROR',
        });
        return;
      }
      record(row({ state: 'waiting_for_retry', error }));
      await sleepUntil(host.clock, retryAt, control);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < todo.length && failure === undefined && !control.stopped) await runOne(todo[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(settings.map!.maxParallel, todo.length) }, worker));
  if (control.stopped) return null;
  if (failure) throw failure;
  // The step's result is assembled from the rows, so that a run after a crash has every item's, this run's or not.
  await latest;
  const done = new Map((await host.storedItems(taskId, stepName)).map((item) => [item.index, item.results]));
  return items.map((_, index) => done.get(index) ?? null);
}

/** One attempt of an item: `call` with a stop switch of its own, stopped with the run or when the timeout is up. */
async function attemptItem(
  host: MapHost,
  settings: StepSettings,
  stepName: string,
  control: AttemptControl,
  call: (itemControl: AttemptControl) => Promise<unknown>,
): Promise<unknown> {
  const itemControl = new AttemptControl();
  const forget = control.onStop(() => itemControl.stop());
  let timer: unknown;
  const timedOut =
    settings.timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = host.clock.setTimeout(() => {
            itemControl.stop();
            reject(new StepTimeoutError(stepName, settings.timeoutMs!));
          }, settings.timeoutMs!);
        });
  try {
    return await (timedOut ? Promise.race([call(itemControl), timedOut]) : call(itemControl));
  } finally {
    if (timer !== undefined) host.clock.clearTimeout(timer);
    forget();
  }
}

/** Resolves at `at` by the clock, or at once when the run is stopped. */
function sleepUntil(clock: Clock, at: number, control: AttemptControl): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(
      () => {
        forget();
        resolve();
      },
      Math.max(0, at - clock.now()),
    );
    const forget = control.onStop(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}
