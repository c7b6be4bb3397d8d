import { and, assign, not, setup, type ActorRefFrom } from 'xstate';
import type { JsonValue } from '../domain/json.js';
import type { SettledStepState, StepState } from '../domain/states.js';
import type { StepSettings } from '../domain/template.js';
import { AttemptInterruptedError } from '../errors/attempt-interrupted-error.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import { StepTimeoutError } from '../errors/step-timeout-error.js';
import { toStepError } from '../errors/to-step-error.js';
import { planRetry } from '../retry/plan-retry.js';
import { WaitRequest } from '../waiting/wait-request.js';
import type { MachineEnvironment } from './machine-environment.js';
import { stepWrite, type StepFacts } from './step-write.js';

/** An operator's manual resolution of a step, with the results its dependants will read. */
export interface StepResolution {
  results: JsonValue;
  by?: string;
  reason?: string;
}

/** What a task actor hands a step actor it spawns. */
export interface StepMachineInput {
  taskId: string;
  name: string;
  /** The step's state when spawned: `pending`, or `failed` when it is spawned to be resolved manually. */
  state: 'pending' | 'failed';
  /** Attempts made before this actor (by earlier budgets of an operator-retried task). */
  attempts: number;
  budgetBase: number;
}

/** What a task actor hands the actor it spawns to record a manual resolution of a step that no actor runs. */
export interface ResolutionMachineInput extends StepMachineInput {
  resolution: StepResolution;
}

export interface StepMachineContext extends StepFacts {
  /** Set while the engine shuts down: a due retry waits for the next engine instead of starting. */
  paused?: boolean;
  /** Set once an attempt ended without a known outcome (timed out, aborted by cancel, interrupted by a crash). */
  uncertain?: boolean;
}

/**
 * The output of a step actor: what its task folds into its context when the step reaches a final state. Not its
 * result, which is recorded in the step's row.
 */
export interface StepOutcome {
  name: string;
  state: SettledStepState | 'compensated' | 'compensation_failed';
  attempts: number;
  error?: StepMachineContext['error'];
  durationMs?: number;
  /** Whether an attempt of the step ended without a known outcome: its work may have happened. */
  uncertain?: boolean;
}

export type StepMachineEvent =
  /** Sent to every actor of a restored task: re-arms timers and settles what was in flight. */
  | { type: 'RESUME' }
  /** Stop starting attempts (the engine is shutting down); the running one may finish. */
  | { type: 'PAUSE' }
  | { type: 'CANCEL'; by?: string; reason?: string }
  | { type: 'RESOLVE'; results: JsonValue; by?: string; reason?: string }
  | { type: 'TIMEOUT' }
  /** The running attempt's handler returned (its result as JSON). */
  | { type: 'ATTEMPT_SUCCEEDED'; results: JsonValue }
  /** The running attempt's handler threw `error` (a {@link WaitRequest} when it waits). */
  | { type: 'ATTEMPT_FAILED'; error: unknown }
  /** The task received the signal `signal`: a step waiting for it runs its handler again, which finds it. */
  | { type: 'SIGNAL_RECEIVED'; signal: string }
  /** The task's deadline passed: the step stops (its running attempt aborted) and fails without retrying. */
  | DeadlineEvent
  /** The step got its concurrency slot and rate-limit token: its attempt starts. */
  | { type: 'ADMITTED' }
  /** No slot or token for now: the step waits `throttled`, asking again at `retryAt` at the latest. */
  | { type: 'THROTTLED'; retryAt: number }
  /** A slot was released somewhere (a store's work announcement): a throttled step asks again. */
  | { type: 'ADMISSION_OPEN' };

/** The task's deadline (`deadlineMs` long) passed at `deadlineAt`. */
export interface DeadlineEvent {
  type: 'DEADLINE';
  deadlineMs: number;
  deadlineAt: number;
}

/** Why a step stopped at its task's deadline: the error it fails with, and its aborted handler's signal's reason. */
const deadlineError = (name: string, event: DeadlineEvent) =>
  new DeadlineExceededError(event.deadlineMs, event.deadlineAt, name);

/** Who a step's wake-up by a signal is recorded as: its transition is announced as `step.signal_received`. */
export const SIGNAL_WAKE = 'signal';

/** The longest delay a timer takes (setTimeout's limit): a longer wait wakes, finds it is not over, and waits again. */
export const LONGEST_TIMER_MS = 2_147_483_647;

/** How a step's move is recorded: to which state. */
export interface RecordParams {
  to: StepState;
}

/**
 * Hands the durable write of the step's move to `params.to` to the engine. The machine does not wait for it: an
 * outcome is followed by whatever depends on it in the same ordered queue, and an attempt's handler waits for its
 * start to be durable in the attempt logic (see ENGINE.md).
 */
export function recordMove(env: MachineEnvironment, context: StepFacts, params: RecordParams): void {
  env.record(stepWrite(context, params.to, env.now()));
}

/**
 * `{ ...context, results }`, without the cost of V8's spread with a key the source lacks (a slow path, many times
 * slower than the copy).
 */
function withResults(context: StepFacts, results: JsonValue): StepFacts {
  const facts = Object.assign({}, context);
  facts.results = results;
  return facts;
}

/** The result carried by `event`, an `ATTEMPT_SUCCEEDED`. */
const resultOf = (event: StepMachineEvent) => (event as { results: JsonValue }).results;

/** What a settled step reports to its task. `final` is the output of its final state node: the state. */
export function stepOutcome(
  env: MachineEnvironment,
  context: StepFacts & { uncertain?: boolean },
  final: unknown,
): StepOutcome {
  const { state } = final as { state: StepOutcome['state'] };
  return {
    name: context.name,
    state,
    attempts: context.attempts,
    error: context.error,
    durationMs: context.runningSince === undefined ? undefined : env.now() - context.runningSince,
    uncertain: context.uncertain,
  };
}

/**
 * A final state: the outcome is recorded, and the actor's output reports it to the task at once. The state is
 * not assigned to the context: nothing reads it once the actor is done, and the output takes it from here.
 */
const outcome = (state: SettledStepState) =>
  ({ type: 'final', entry: { type: 'record', params: { to: state } }, output: { state } }) as const;

/** The entry of a state that records the step's move to `to`, remembered as its last durable state. */
const recordAndRemember = (to: StepState) =>
  [
    { type: 'record', params: { to } },
    { type: 'recorded', params: { to } },
  ] as const;

/**
 * Whether a failed attempt may have done its work, so that compensation must undo it: only a `PermanentError` the
 * handler threw says the work did not happen (a declined card). A retryable error may come after the work (a reply
 * lost on its way back), and a timeout, an interruption or a result the engine refuses leave it unknown.
 */
function mayHaveDoneItsWork(cause: 'thrown' | 'timeout' | 'interrupted', error: unknown): boolean {
  return cause !== 'thrown' || !(error instanceof PermanentError) || error.code === 'INVALID_RESULT';
}

/**
 * The lifecycle of one step: attempts with timeouts, retries with backoff, cancellation and manual resolution of
 * a waiting step. Every state change is recorded durably; an attempt's handler starts only once its start is
 * committed (the attempt logic waits for it), so no handler runs on a start that a crash could lose.
 */
export function createStepMachine(env: MachineEnvironment) {
  const settingsOf = (context: StepMachineContext): StepSettings =>
    env.definition(context.taskId).steps.get(context.name)!.settings;
  return setup({
    types: {} as {
      context: StepMachineContext;
      input: StepMachineInput;
      events: StepMachineEvent;
      output: StepOutcome;
    },
    delays: {
      untilRetry: ({ context }) => Math.max(0, (context.retryAt ?? 0) - env.now()),
      untilAdmission: ({ context }) =>
        Math.min(LONGEST_TIMER_MS, Math.max(0, (context.throttledUntil ?? 0) - env.now())),
      untilWake: ({ context }) =>
        Math.min(LONGEST_TIMER_MS, Math.max(0, (context.waitingFor?.until ?? Infinity) - env.now())),
    },
    guards: {
      willRetry: ({ context }) => context.retryAt !== undefined,
      isThrottled: ({ context }) => env.isThrottled(context.taskId, context.name),
      isPaused: ({ context }) => context.paused === true,
      asksToWait: ({ event }) => event.type === 'ATTEMPT_FAILED' && event.error instanceof WaitRequest,
      hasWakeTime: ({ context }) => context.waitingFor?.until !== undefined,
      wakeDue: ({ context }) => context.waitingFor?.until !== undefined && env.now() >= context.waitingFor.until,
      awaitsThisSignal: ({ context, event }) =>
        event.type === 'SIGNAL_RECEIVED' && context.waitingFor?.signal === event.signal,
      signalArrived: ({ context }) =>
        context.waitingFor?.signal !== undefined && env.hasSignal(context.taskId, context.waitingFor.signal),
    },
    actions: {
      record: ({ context }, params: RecordParams) => recordMove(env, context, params),
      /** Records the outcome `completed` with the attempt's result, which is not kept in the context (below). */
      recordCompleted: ({ context, event }) =>
        recordMove(env, withResults(context, resultOf(event)), { to: 'completed' }),
      recorded: assign((_, params: { to: StepState }) => ({ state: params.to })),
      /** The next attempt after a retry wait; a step actor is spawned with its first attempt started. */
      startAttempt: assign(({ context }) => ({
        attempts: context.attempts + 1,
        startedAt: env.now(),
        runningSince: undefined,
        retryAt: undefined,
      })),
      /** The start of an attempt recorded: the step is `in_progress` from now on. */
      recordedRunning: assign(() => ({ state: 'in_progress' as const, runningSince: env.now() })),
      runAttempt: ({ context, self }) =>
        env.startAttempt(
          { taskId: context.taskId, stepName: context.name, attempt: context.attempts, waitSince: context.waitSince },
          self,
        ),
      /** The handler asked to wait: what for, and since when (the first wait of this attempt's run). */
      beginWait: assign(({ context, event }) => {
        const request = (event as { error: WaitRequest }).error;
        return { waitingFor: request.waitingFor, waitSince: context.waitSince ?? request.since };
      }),
      /** Woken from a wait: the same attempt runs its handler again, which finds what it waited for. */
      wake: assign({ runningSince: undefined, by: undefined, reason: undefined }),
      /** Recorded as the signal's doing, so that the move is announced as `step.signal_received`. */
      wakeBySignal: assign(({ context }) => ({
        runningSince: undefined,
        by: SIGNAL_WAKE,
        reason: `signal '${context.waitingFor?.signal}' received`,
      })),
      /** The wake-up recorded: what follows is the engine's own doing again. */
      forgetWaker: assign(({ context }) => (context.by === SIGNAL_WAKE ? { by: undefined, reason: undefined } : {})),
      // A handler stopped by the deadline sees why in its signal's `reason`.
      stopAttempt: ({ context, event }) =>
        env.stopAttempt(
          context.taskId,
          context.name,
          event.type === 'DEADLINE' ? deadlineError(context.name, event) : undefined,
        ),
      /** The task's deadline passed: the step fails for good; an attempt it stops may have done its work. */
      expire: assign(({ context, event }, params: { stopsAttempt: boolean }) => ({
        error: toStepError(deadlineError(context.name, event as DeadlineEvent)),
        retryAt: undefined,
        uncertain: context.uncertain === true || params.stopsAttempt,
      })),
      askAdmission: ({ context, self }) => env.admit(context.taskId, context.name, self),
      releaseSlot: ({ context }) => env.releaseSlot(context.taskId, context.name),
      throttle: assign(({ event }) => ({ throttledUntil: (event as { retryAt: number }).retryAt })),
      admitted: assign({ throttledUntil: undefined }),
      /** Keeps the attempt's error and, when the step may retry, when it will. */
      failAttempt: assign(({ context, event }, params: { cause: 'thrown' | 'timeout' | 'interrupted' }) => {
        const error =
          params.cause === 'timeout'
            ? new StepTimeoutError(context.name, settingsOf(context).timeoutMs ?? 0)
            : params.cause === 'interrupted'
              ? new AttemptInterruptedError(context.name, context.attempts)
              : (event as { error?: unknown }).error;
        return {
          waitingFor: undefined,
          waitSince: undefined,
          error: toStepError(error),
          uncertain: context.uncertain === true || mayHaveDoneItsWork(params.cause, error),
          retryAt: planRetry({
            settings: settingsOf(context),
            attemptsInBudget: context.attempts - context.budgetBase,
            thrown: error,
            now: env.now(),
            random: env.random,
          }),
        };
      }),
      rememberOperator: assign(({ event }) =>
        event.type === 'CANCEL' || event.type === 'RESOLVE' ? { by: event.by, reason: event.reason } : {},
      ),
      keepResolution: assign(({ event }) => (event.type === 'RESOLVE' ? { results: event.results } : {})),
    },
  }).createMachine({
    id: 'step',
    output: ({ context, event }) => stepOutcome(env, context, event.output),
    // Spawned to make an attempt: the context starts with it (`startAttempt` starts the later ones).
    context: ({ input }) => ({
      taskId: input.taskId,
      name: input.name,
      state: input.state,
      attempts: input.attempts + 1,
      budgetBase: input.budgetBase,
      startedAt: env.now(),
    }),
    initial: 'admission',
    on: {
      PAUSE: { actions: assign({ paused: true }) },
    },
    states: {
      // Where every attempt begins: a step with a concurrency key or a rate limit asks for its slot and token first.
      admission: {
        always: [{ guard: 'isThrottled', target: 'admitting' }, { target: 'in_progress' }],
      },
      // Asking the store (nothing recorded yet): most steps are admitted at once and never show as throttled.
      admitting: {
        entry: 'askAdmission',
        on: {
          ADMITTED: { target: 'in_progress', actions: 'admitted' },
          THROTTLED: { target: 'throttled', actions: 'throttle' },
          CANCEL: { target: 'cancelled', actions: ['rememberOperator', 'releaseSlot'] },
          DEADLINE: { target: 'failed', actions: [{ type: 'expire', params: { stopsAttempt: false } }, 'releaseSlot'] },
          // Restored while asking: the answer went to an actor that is gone, so ask again.
          RESUME: { target: 'admitting', reenter: true, actions: assign({ paused: false }) },
        },
      },
      // No slot or token for now: no attempt runs (none is counted or failed), and the step asks again when a slot is
      // released anywhere (the store's work announcement) or at its known time: the rate limit's next token, or the
      // first lease end of the key's slots (a crashed worker's slot frees then). Recorded once, however often it asks.
      throttled: {
        entry: recordAndRemember('throttled'),
        initial: 'blocked',
        on: {
          CANCEL: { target: 'cancelled', actions: ['rememberOperator', 'releaseSlot'] },
          RESOLVE: { target: 'resolved_manually', actions: ['rememberOperator', 'keepResolution', 'releaseSlot'] },
          DEADLINE: { target: 'failed', actions: [{ type: 'expire', params: { stopsAttempt: false } }, 'releaseSlot'] },
        },
        states: {
          blocked: {
            after: { untilAdmission: { guard: not('isPaused'), target: 'asking' } },
            on: {
              ADMISSION_OPEN: { guard: not('isPaused'), target: 'asking' },
              RESUME: { target: 'asking', actions: assign({ paused: false }) },
            },
          },
          asking: {
            entry: 'askAdmission',
            on: {
              ADMITTED: [
                // A stopping engine starts no attempt: the slot goes back and the next engine asks again.
                { guard: 'isPaused', target: 'blocked', actions: 'releaseSlot' },
                { target: '#step.in_progress', actions: 'admitted' },
              ],
              THROTTLED: { target: 'blocked', reenter: true, actions: 'throttle' },
              RESUME: { target: 'asking', reenter: true, actions: assign({ paused: false }) },
            },
          },
        },
      },
      // The attempt: its start recorded, its handler started (it runs once the start is durable) and its timeout
      // armed by the engine's attempt runner. The duration and the timeout count from here, the recording of the
      // start included. Leaving the state stops the attempt: its signal is aborted, its timer cleared, and a late
      // outcome dropped.
      in_progress: {
        entry: [{ type: 'record', params: { to: 'in_progress' } }, 'forgetWaker', 'recordedRunning', 'runAttempt'],
        exit: ['stopAttempt', 'releaseSlot'],
        on: {
          ATTEMPT_SUCCEEDED: '#step.completed',
          ATTEMPT_FAILED: [
            { guard: 'asksToWait', target: '#step.waiting', actions: 'beginWait' },
            { target: '#step.attempt_failed', actions: { type: 'failAttempt', params: { cause: 'thrown' } } },
          ],
          // The aborted attempt's handler may have done its work.
          CANCEL: { target: 'cancelled', actions: ['rememberOperator', assign({ uncertain: true })] },
          DEADLINE: { target: 'failed', actions: { type: 'expire', params: { stopsAttempt: true } } },
          TIMEOUT: {
            target: '#step.attempt_failed',
            actions: { type: 'failAttempt', params: { cause: 'timeout' } },
          },
          // Restored in an attempt, which nothing runs (a restored actor runs no entry action): its start was durable
          // and its handler may have run, so it counts as failed. A stopping engine's pause may be in the snapshot:
          // the retry must not wait for a resume that has come.
          RESUME: {
            target: '#step.attempt_failed',
            actions: [{ type: 'failAttempt', params: { cause: 'interrupted' } }, assign({ paused: false })],
          },
        },
      },
      attempt_failed: {
        always: [{ guard: 'willRetry', target: 'waiting_for_retry' }, { target: 'failed' }],
      },
      waiting_for_retry: {
        // No wait for the commit: the next attempt's start is recorded after this in the same ordered queue.
        entry: recordAndRemember('waiting_for_retry'),
        initial: 'waiting',
        on: {
          CANCEL: { target: 'cancelled', actions: 'rememberOperator' },
          DEADLINE: { target: 'failed', actions: { type: 'expire', params: { stopsAttempt: false } } },
          RESOLVE: { target: 'resolved_manually', actions: ['rememberOperator', 'keepResolution'] },
        },
        states: {
          waiting: {
            after: { untilRetry: { guard: not('isPaused'), target: '#step.admission', actions: 'startAttempt' } },
            on: { RESUME: { target: 'waiting', reenter: true, actions: assign({ paused: false }) } },
          },
        },
      },
      // The handler waits (a sleep, a signal): no attempt runs, and the step is passivated with its task when nothing
      // else of it runs. It wakes on its time (the timer, re-armed on restore), on its signal, or when restored after
      // either came: the handler runs again in the same attempt and finds what it waited for (or waits again).
      waiting: {
        entry: recordAndRemember('waiting'),
        initial: 'asleep',
        on: {
          SIGNAL_RECEIVED: {
            guard: and([not('isPaused'), 'awaitsThisSignal']),
            target: '#step.admission',
            actions: 'wakeBySignal',
          },
          CANCEL: { target: 'cancelled', actions: 'rememberOperator' },
          DEADLINE: { target: 'failed', actions: { type: 'expire', params: { stopsAttempt: false } } },
          RESOLVE: { target: 'resolved_manually', actions: ['rememberOperator', 'keepResolution'] },
        },
        states: {
          asleep: {
            after: {
              untilWake: { guard: and([not('isPaused'), 'hasWakeTime']), target: '#step.admission', actions: 'wake' },
            },
            // Restored (claimed after a passivation, say): woken by the signal if it came meanwhile, or by its time if
            // that has come; otherwise it waits on (its timer re-armed), so an operator's action finds it waiting.
            on: {
              RESUME: [
                {
                  guard: 'signalArrived',
                  target: '#step.admission',
                  actions: ['wakeBySignal', assign({ paused: false })],
                },
                { guard: 'wakeDue', target: '#step.admission', actions: ['wake', assign({ paused: false })] },
                { target: 'asleep', reenter: true, actions: assign({ paused: false }) },
              ],
            },
          },
        },
      },
      // The result goes from the attempt's event straight into the write: the context of an actor that is done is
      // read by nothing else.
      completed: { type: 'final', entry: 'recordCompleted', output: { state: 'completed' } },
      failed: outcome('failed'),
      cancelled: outcome('cancelled'),
      resolved_manually: outcome('resolved_manually'),
    },
  });
}

/**
 * The actor a task spawns (instead of a step actor) to resolve a step by hand that no actor runs, `pending` or
 * `failed`: it records the resolution and is done at once, reporting the outcome as a step actor would.
 */
export function createResolutionMachine(env: MachineEnvironment) {
  return setup({
    types: {} as { context: StepFacts; input: ResolutionMachineInput; output: StepOutcome },
    actions: {
      record: ({ context }, params: RecordParams) => recordMove(env, context, params),
    },
  }).createMachine({
    id: 'resolution',
    output: ({ context, event }) => stepOutcome(env, context, event.output),
    context: ({ input }) => ({
      taskId: input.taskId,
      name: input.name,
      state: input.state,
      attempts: input.attempts,
      budgetBase: input.budgetBase,
      ...input.resolution,
    }),
    initial: 'resolved_manually',
    states: { resolved_manually: outcome('resolved_manually') },
  });
}

/** The step machine an engine runs. */
export type StepMachine = ReturnType<typeof createStepMachine>;
export type ResolutionMachine = ReturnType<typeof createResolutionMachine>;
export type StepActorRef = ActorRefFrom<StepMachine>;
