import { assign, not, setup, type ActorRefFrom } from 'xstate';
import type { StepState } from '../domain/states.js';
import type { CompensationSettings } from '../domain/template.js';
import { AttemptInterruptedError } from '../errors/attempt-interrupted-error.js';
import { StepTimeoutError } from '../errors/step-timeout-error.js';
import { toStepError } from '../errors/to-step-error.js';
import type { CompensationReason } from '../handlers/compensation-context.js';
import { planRetry } from '../retry/plan-retry.js';
import type { MachineEnvironment } from './machine-environment.js';
import { recordMove, stepOutcome, type RecordParams, type StepMachineEvent, type StepOutcome } from './step.machine.js';
import type { StepFacts } from './step-write.js';

/** What a task actor hands the actor it spawns to undo one step. */
export interface CompensationMachineInput {
  taskId: string;
  name: string;
  /** The step's durable state when its compensation starts (`compensation_failed` when an operator retries it). */
  state: StepState;
  /** Attempts the step itself made. */
  attempts: number;
  budgetBase: number;
  /** Whether the step completed or an attempt of it ended with an unknown outcome. */
  outcome: 'completed' | 'uncertain';
  reason: CompensationReason;
}

export interface CompensationMachineContext extends StepFacts {
  outcome: 'completed' | 'uncertain';
  /** Why the task compensates (`reason` is the operator's, as in every step's facts). */
  why: CompensationReason;
  /** Compensation attempts started by this actor: 1 during the first. */
  compensationAttempts: number;
  paused?: boolean;
}

/** The step's compensation settings: the task's definition holds them for every step it spawns this actor for. */
function settingsOf(env: MachineEnvironment, context: CompensationMachineContext): CompensationSettings {
  return env.definition(context.taskId).steps.get(context.name)!.settings.compensate!;
}

/**
 * The compensation of one step: its handler's attempts with their own timeout, retries and backoff, recorded as the
 * step's moves to `compensating` (once), then `compensated` or `compensation_failed`. Retries are not recorded:
 * a compensation runs at least once, so one interrupted by a crash or a stop simply runs again when its task is
 * restored (the snapshot of its start says it was running).
 */
export function createCompensationMachine(env: MachineEnvironment) {
  return setup({
    types: {} as {
      context: CompensationMachineContext;
      input: CompensationMachineInput;
      events: StepMachineEvent;
      output: StepOutcome;
    },
    delays: {
      untilRetry: ({ context }) => Math.max(0, (context.retryAt ?? 0) - env.now()),
    },
    guards: {
      willRetry: ({ context }) => context.retryAt !== undefined,
      isPaused: ({ context }) => context.paused === true,
    },
    actions: {
      record: ({ context }, params: RecordParams) => recordMove(env, context, params),
      recorded: assign((_, params: { to: StepState }) => ({ state: params.to })),
      startAttempt: assign(({ context }) => ({
        compensationAttempts: context.compensationAttempts + 1,
        runningSince: env.now(),
        retryAt: undefined,
      })),
      runAttempt: ({ context, self }) =>
        env.startCompensation(
          {
            taskId: context.taskId,
            stepName: context.name,
            attempt: context.compensationAttempts,
            stepAttempts: context.attempts,
            outcome: context.outcome,
            reason: context.why,
          },
          self,
        ),
      stopAttempt: ({ context }) => env.stopAttempt(context.taskId, context.name),
      failAttempt: assign(({ context, event }, params: { cause: 'thrown' | 'timeout' | 'interrupted' }) => {
        const settings = settingsOf(env, context);
        const error =
          params.cause === 'timeout'
            ? new StepTimeoutError(`${context.name} (compensation)`, settings.timeoutMs ?? 0)
            : params.cause === 'interrupted'
              ? new AttemptInterruptedError(`${context.name} (compensation)`, context.compensationAttempts)
              : (event as { error?: unknown }).error;
        return {
          error: toStepError(error),
          retryAt: planRetry({
            settings,
            attemptsInBudget: context.compensationAttempts,
            thrown: error,
            now: env.now(),
            random: env.random,
          }),
        };
      }),
    },
  }).createMachine({
    id: 'compensation',
    output: ({ context, event }) => stepOutcome(env, context, event.output),
    context: ({ input }) => ({
      taskId: input.taskId,
      name: input.name,
      state: input.state,
      attempts: input.attempts,
      budgetBase: input.budgetBase,
      outcome: input.outcome,
      why: input.reason,
      compensationAttempts: 0,
    }),
    initial: 'starting',
    on: {
      PAUSE: { actions: assign({ paused: true }) },
    },
    states: {
      // Recorded before the first attempt runs: the attempt runner waits for this write to be durable.
      starting: {
        entry: [
          { type: 'record', params: { to: 'compensating' } },
          { type: 'recorded', params: { to: 'compensating' } },
          'startAttempt',
        ],
        always: 'running',
      },
      running: {
        entry: 'runAttempt',
        exit: 'stopAttempt',
        on: {
          ATTEMPT_SUCCEEDED: 'compensated',
          ATTEMPT_FAILED: { target: 'attempt_failed', actions: { type: 'failAttempt', params: { cause: 'thrown' } } },
          TIMEOUT: { target: 'attempt_failed', actions: { type: 'failAttempt', params: { cause: 'timeout' } } },
          // Restored while an attempt ran: nothing runs it any more, and it may not have finished; it runs again.
          RESUME: {
            target: 'attempt_failed',
            actions: [{ type: 'failAttempt', params: { cause: 'interrupted' } }, assign({ paused: false })],
          },
        },
      },
      attempt_failed: {
        always: [{ guard: 'willRetry', target: 'waiting' }, { target: 'compensation_failed' }],
      },
      waiting: {
        after: { untilRetry: { guard: not('isPaused'), target: 'running', actions: 'startAttempt' } },
        on: { RESUME: { target: 'waiting', reenter: true, actions: assign({ paused: false }) } },
      },
      compensated: {
        type: 'final',
        entry: { type: 'record', params: { to: 'compensated' } },
        output: { state: 'compensated' },
      },
      compensation_failed: {
        type: 'final',
        entry: { type: 'record', params: { to: 'compensation_failed' } },
        output: { state: 'compensation_failed' },
      },
    },
  });
}

export type CompensationMachine = ReturnType<typeof createCompensationMachine>;
export type CompensationActorRef = ActorRefFrom<CompensationMachine>;
