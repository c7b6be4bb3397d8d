import { and, assign, enqueueActions, not, setup, stopChild, type ActorRefFrom, type DoneActorEvent } from 'xstate';
import { isStepDone, type TaskState } from '../domain/states.js';
import type { MachineEnvironment } from './machine-environment.js';
import type { TaskDefinition } from './task-definition.js';
import {
  LONGEST_TIMER_MS,
  createResolutionMachine,
  type ResolutionMachineInput,
  type StepMachine,
  type StepMachineInput,
  type StepOutcome,
  type StepResolution,
} from './step.machine.js';
import type { CompensationMachine, CompensationMachineInput } from './compensation.machine.js';
import type { TaskCompensation, TaskMachineContext, TaskMachineInput, TaskStepEntry } from './task-context.js';
import { unchosenSteps } from './decision.js';
import { failureMessage, stepsWrite, taskWrite, type StepChange, type TaskWriteChanges } from './task-write.js';

export type TaskMachineEvent =
  | { type: 'START' }
  /** Sent right after a stored task is restored: settles what was in flight and re-arms its steps' timers. */
  | { type: 'RESUME' }
  | { type: 'PAUSE' }
  /** A step actor reached a final state; its output is the step's outcome. */
  | DoneActorEvent<StepOutcome, string>
  | { type: 'CANCEL'; by?: string; reason?: string }
  | { type: 'RETRY'; by?: string; reason?: string }
  | ({ type: 'RESOLVE_STEP'; stepName: string } & StepResolution);

/** The durable change that goes with a task transition, besides the task row's state. */
type TransitionChanges =
  | 'started'
  | 'finished'
  | 'failed'
  | 'reopened'
  | 'cancelled'
  | 'compensating'
  | 'compensationRetried'
  | 'compensationResolved'
  | 'restarted';

// These run on every event of a running task: plain loops, no intermediate arrays.
function namesIn(context: TaskMachineContext, state: TaskStepEntry['state']): string[] {
  const names: string[] = [];
  for (const name in context.steps) if (context.steps[name]!.state === state) names.push(name);
  return names;
}
function countIn(steps: TaskMachineContext['steps'], state: TaskStepEntry['state']): number {
  let count = 0;
  for (const name in steps) if (steps[name]!.state === state) count++;
  return count;
}
const isHalted = (context: TaskMachineContext) => context.expired === true || countIn(context.steps, 'failed') > 0;

const anyResolvedManually = (context: TaskMachineContext) => countIn(context.steps, 'resolved_manually') > 0;
function allDone(context: TaskMachineContext): boolean {
  for (const name in context.steps) if (!isStepDone(context.steps[name]!.state)) return false;
  return true;
}

function stepInput(taskId: string, name: string, step: TaskStepEntry): StepMachineInput {
  return {
    taskId,
    name,
    state: step.state === 'failed' ? 'failed' : 'pending',
    attempts: step.attempts,
    budgetBase: step.budgetBase,
  };
}

function stepChanges(
  context: TaskMachineContext,
  from: 'failed' | 'pending',
  to: 'pending' | 'cancelled',
  now: number,
): StepChange[] {
  return namesIn(context, from).map((name) => ({
    name,
    from,
    to,
    patch:
      to === 'pending'
        ? { name, state: to, budgetBase: context.steps[name]!.attempts, error: undefined, completedAt: undefined }
        : { name, state: to, completedAt: now },
  }));
}

/** Every step not done (its work undone, failed, cancelled) back to `pending` with a fresh budget. */
function restartChanges(context: TaskMachineContext): StepChange[] {
  return Object.entries(context.steps)
    .filter(([, step]) => !isStepDone(step.state))
    .map(([name, step]) => ({
      name,
      from: step.state,
      to: 'pending',
      patch: {
        name,
        state: 'pending',
        budgetBase: step.attempts,
        error: undefined,
        results: undefined,
        completedAt: undefined,
        nextRetryAt: undefined,
      },
    }));
}

/** The deadline a reopened task got (`renewDeadline`), for its row; nothing for a task without one. */
function renewedDeadline(context: TaskMachineContext): TaskWriteChanges['task'] {
  return context.deadlineAt === undefined ? {} : { deadlineAt: context.deadlineAt };
}

function changesFor(kind: TransitionChanges, context: TaskMachineContext, now: number): TaskWriteChanges {
  switch (kind) {
    case 'started':
      // Steps the request bypassed are stored `skipped`; their move is recorded (and announced) with the start.
      return {
        task: { startedAt: now },
        steps: namesIn(context, 'skipped').map((name) => ({
          name,
          from: 'pending',
          to: 'skipped',
          patch: { name, state: 'skipped', completedAt: now },
        })),
      };
    case 'finished':
      return { task: { completedAt: now } };
    case 'failed':
      return {
        task: { errorMessage: context.compensation?.reason.message ?? failureMessage(context), completedAt: now },
      };
    case 'compensating':
      return context.compensation?.then === 'cancelled'
        ? { steps: stepChanges(context, 'pending', 'cancelled', now) }
        : { task: { errorMessage: context.compensation?.reason.message } };
    case 'compensationRetried':
      // The failed compensations run again (their actors record their own moves); the task's failure stands.
      return { task: { completedAt: undefined } };
    case 'compensationResolved': {
      const name = context.resolution!.stepName;
      return {
        task: { completedAt: undefined },
        steps: [
          {
            name,
            from: 'compensation_failed',
            to: 'compensated',
            patch: { name, state: 'compensated', completedAt: now },
          },
        ],
      };
    }
    case 'restarted':
      return {
        task: { errorMessage: undefined, completedAt: undefined, ...renewedDeadline(context) },
        steps: restartChanges(context),
      };
    case 'reopened':
      // A retry gives failed steps a fresh budget; a manual resolution changes its one step through a step actor.
      return {
        task: { errorMessage: undefined, completedAt: undefined, ...renewedDeadline(context) },
        steps: context.resolution ? [] : stepChanges(context, 'failed', 'pending', now),
      };
    case 'cancelled':
      return { task: { completedAt: now }, steps: stepChanges(context, 'pending', 'cancelled', now) };
  }
}

function markRunning(steps: TaskMachineContext['steps'], name: string): void {
  steps[name] = { ...steps[name]!, state: 'in_progress' };
}

/** XState's `spawn` (of an `assign`) as {@link startReady} uses it. */
interface SpawnStep {
  (src: 'step', options: { id: string; input: StepMachineInput }): unknown;
  (src: 'resolution', options: { id: string; input: ResolutionMachineInput }): unknown;
}

/**
 * Spawns an actor for the resolution waiting to be applied and, unless the task is paused or past its deadline (at
 * `now`), a step actor for every step that is ready, up to `maxParallelSteps` running at once, and marks them running in `steps`: the task's steps, copied for the `assign`
 * that calls this (spawning there makes it one snapshot update per event). Tells whether any started.
 */
function startReady(
  context: TaskMachineContext,
  steps: TaskMachineContext['steps'],
  definition: TaskDefinition,
  spawn: SpawnStep,
  now: number,
): boolean {
  const { maxParallelSteps, order, steps: definitions } = definition;
  const { resolution } = context;
  // The step being resolved no longer holds the task back. A task started past its deadline (claimed late) starts
  // nothing before its timer's transition fails it.
  const halted =
    context.expired === true ||
    (context.deadlineAt !== undefined && now >= context.deadlineAt) ||
    countIn(steps, 'failed') > (steps[resolution?.stepName ?? '']?.state === 'failed' ? 1 : 0);
  let active = countIn(steps, 'in_progress');
  if (resolution) {
    const { stepName, ...resolved } = resolution;
    spawn('resolution', {
      id: stepName,
      input: { ...stepInput(context.taskId, stepName, steps[stepName]!), resolution: resolved },
    });
    markRunning(steps, stepName);
    active++;
  }
  const started = active;
  // A paused task starts no step; an operator's resolution runs no user code, so it is recorded even then (an
  // operator-only engine pauses the tasks it acts on).
  for (const name of halted || context.paused ? [] : order) {
    if (active >= maxParallelSteps) break;
    const step = steps[name]!;
    const ready =
      step.state === 'pending' &&
      definitions.get(name)!.dependsOn.every((dependency) => isStepDone(steps[dependency]!.state));
    if (!ready) continue;
    spawn('step', { id: name, input: stepInput(context.taskId, name, step) });
    markRunning(steps, name);
    active++;
  }
  return resolution !== undefined || active > started;
}

/** What a running task does on `RESUME`: steps re-arm their timers or count their interrupted attempts; ready ones start. */
const resumeRunning = ['unpause', 'forwardToSteps', 'startReadySteps'] as const;

/** The actions that record the task's move to `to`: the write, then the context that remembers the move. */
const recordMove = (to: TaskState, changes: TransitionChanges) =>
  [
    { type: 'record', params: { to, changes } },
    { type: 'recorded', params: { to } },
  ] as const;

/** `steps` with the entries of `names` changed by `change`. */
function withSteps(
  context: TaskMachineContext,
  names: readonly string[],
  change: (step: TaskStepEntry) => TaskStepEntry,
): TaskMachineContext['steps'] {
  const steps = { ...context.steps };
  for (const name of names) steps[name] = change(steps[name]!);
  return steps;
}

/** How a compensation would see step `name` now, when it has a compensation and may have done work; else none. */
function undoOf(definition: TaskDefinition, name: string, step: TaskStepEntry): TaskStepEntry['undo'] {
  if (definition.steps.get(name)!.settings.compensate === undefined) return undefined;
  if (step.state === 'completed' || step.state === 'resolved_manually') return 'completed';
  if (step.uncertain && (step.state === 'failed' || step.state === 'cancelled')) return 'uncertain';
  return undefined;
}

function needsCompensation(context: TaskMachineContext, definition: TaskDefinition): boolean {
  for (const name in context.steps) if (undoOf(definition, name, context.steps[name]!)) return true;
  return false;
}

/** Whether `step` depends on `ancestor`, directly or through other steps. */
function dependsOn(definition: TaskDefinition, step: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const visit = (name: string): boolean =>
    definition.steps.get(name)!.dependsOn.some((dependency) => {
      if (dependency === ancestor) return true;
      if (seen.has(dependency)) return false;
      seen.add(dependency);
      return visit(dependency);
    });
  return visit(step);
}

/**
 * Whether step `name` may be compensated now: it is to be undone and not yet (or its failed compensation is retried),
 * and every step to be undone that depends on it, directly or not, is undone already.
 */
function compensationReady(
  steps: TaskMachineContext['steps'],
  definition: TaskDefinition,
  name: string,
  retry: boolean,
): boolean {
  const step = steps[name]!;
  if (!step.undo || step.state === 'compensating' || step.state === 'compensated') return false;
  if (step.state === 'compensation_failed' && !retry) return false;
  for (const other in steps) {
    const dependant = steps[other]!;
    if (dependant.undo && dependant.state !== 'compensated' && dependsOn(definition, other, name)) return false;
  }
  return true;
}

/** XState's `spawn` (of an `assign`) for a compensation actor. */
type SpawnCompensation = (src: 'compensation', options: { id: string; input: CompensationMachineInput }) => unknown;

/** Spawns a compensation actor for every step whose compensation is ready, and marks them `compensating`. */
function startCompensations(
  context: TaskMachineContext,
  steps: TaskMachineContext['steps'],
  definition: TaskDefinition,
  spawn: SpawnCompensation,
): void {
  if (context.paused || !context.compensation) return;
  const retry = context.retryCompensations === true;
  // Template order: independent compensations start together; a dependency's waits for its dependants' to finish.
  for (const name of definition.order) {
    if (!compensationReady(steps, definition, name, retry)) continue;
    const step = steps[name]!;
    spawn('compensation', {
      id: name,
      input: {
        taskId: context.taskId,
        name,
        state: step.state,
        attempts: step.attempts,
        budgetBase: step.budgetBase,
        outcome: step.undo!,
        reason: context.compensation.reason,
      },
    });
    steps[name] = { ...step, state: 'compensating' };
  }
}

/** Whether no compensation runs and none can start: the task's compensation is over. */
function compensationsOver(context: TaskMachineContext, definition: TaskDefinition): boolean {
  if (countIn(context.steps, 'compensating') > 0) return false;
  for (const name of definition.order) if (compensationReady(context.steps, definition, name, false)) return false;
  return true;
}

/** Why a task that failed for good compensates: its failed steps, the first of them named. */
function failureReason(context: TaskMachineContext): TaskCompensation['reason'] {
  const failed = namesIn(context, 'failed')[0];
  const error = failed === undefined ? undefined : context.steps[failed]!.error;
  return {
    kind: 'failed',
    message: failureMessage(context),
    ...(failed === undefined ? {} : { stepName: failed }),
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The steps that `event`, a settled step's, skips: when a decision step completed (or was resolved), those it did not
 * choose.
 */
function skippedBy(env: MachineEnvironment, context: TaskMachineContext, event: TaskMachineEvent): string[] {
  if (!('output' in event)) return [];
  const { name, state } = event.output;
  const definition = env.definition(context.taskId);
  if (!definition.steps.get(name)?.settings.decision || (state !== 'completed' && state !== 'resolved_manually')) {
    return [];
  }
  return unchosenSteps(definition, context.steps, name, env.resultOf(context.taskId, name));
}

/**
 * The lifecycle of one task: the supervisor of its steps. It spawns a step actor for every step whose
 * dependencies are done (up to `maxParallelSteps` at once), folds each settled step back into its context, and
 * ends `completed` (or `resolved_manually`) when all steps are done, `failed` once a step failed and the running
 * ones settled, or `cancelled`. Each transition is recorded durably before the task moves on.
 */
export function createTaskMachine(
  env: MachineEnvironment,
  stepMachine: StepMachine,
  compensationMachine: CompensationMachine,
) {
  return setup({
    types: {} as { context: TaskMachineContext; input: TaskMachineInput; events: TaskMachineEvent },
    actors: { step: stepMachine, resolution: createResolutionMachine(env), compensation: compensationMachine },
    guards: {
      needsCompensation: ({ context }) => needsCompensation(context, env.definition(context.taskId)),
      compensationsOver: ({ context }) => compensationsOver(context, env.definition(context.taskId)),
      anyCompensationFailed: ({ context }) => countIn(context.steps, 'compensation_failed') > 0,
      compensatesCancel: ({ context }) => context.compensation?.then === 'cancelled',
      resolvesFailedCompensation: ({ context, event }) =>
        event.type === 'RESOLVE_STEP' && context.steps[event.stepName]?.state === 'compensation_failed',
      allDone: ({ context }) => allDone(context),
      hasDeadline: ({ context }) => context.deadlineAt !== undefined,
      deadlinePassed: ({ context }) => context.deadlineAt !== undefined && env.now() >= context.deadlineAt,
      isPaused: ({ context }) => context.paused === true,
      haltedAndIdle: ({ context }) => isHalted(context) && countIn(context.steps, 'in_progress') === 0,
      idle: ({ context }) => countIn(context.steps, 'in_progress') === 0,
      anyResolvedManually: ({ context }) => anyResolvedManually(context),
      resolvesRunningStep: ({ context, event }) =>
        event.type === 'RESOLVE_STEP' && context.steps[event.stepName]?.state === 'in_progress',
      resolvesIdleStep: ({ context, event }) => {
        if (event.type !== 'RESOLVE_STEP') return false;
        const state = context.steps[event.stepName]?.state;
        return state === 'pending' || state === 'failed';
      },
    },
    delays: {
      untilDeadline: ({ context }) => Math.min(LONGEST_TIMER_MS, Math.max(0, (context.deadlineAt ?? 0) - env.now())),
    },
    actions: {
      /**
       * Records the task's move to `to` with the changes of `changes`. The task never waits for the commit: every
       * write that depends on this one (a step's start, say) is queued after it, and queued writes commit in order.
       */
      record: ({ context }, params: { to: TaskState; changes: TransitionChanges }) => {
        const now = env.now();
        env.record(taskWrite(context, params.to, now, changesFor(params.changes, context, now)));
      },
      /** After `record`: the task's last durable state, and the operator's part in it done. */
      recorded: assign((_, params: { to: TaskState }) => ({ state: params.to, by: undefined, reason: undefined })),
      markStarted: assign(() => ({ startedAt: env.now() })),
      unpause: assign({ paused: false }),
      rememberOperator: assign(({ event }) =>
        event.type === 'CANCEL' || event.type === 'RETRY' || event.type === 'RESOLVE_STEP'
          ? { by: event.by, reason: event.reason }
          : {},
      ),
      rememberResolution: assign(({ event }) =>
        event.type === 'RESOLVE_STEP'
          ? { resolution: { stepName: event.stepName, results: event.results, by: event.by, reason: event.reason } }
          : {},
      ),
      startReadySteps: assign(({ context, spawn }) => {
        const steps = { ...context.steps };
        return startReady(context, steps, env.definition(context.taskId), spawn, env.now())
          ? { steps, resolution: undefined }
          : {};
      }),
      /** Records the moves to `skipped` of the steps a settled decision step did not choose (before they are folded). */
      recordSkippedBranches: ({ context, event }) => {
        const skipped = skippedBy(env, context, event);
        if (skipped.length === 0) return;
        const now = env.now();
        env.record(
          stepsWrite(
            context,
            skipped.map((name) => ({
              name,
              from: 'pending',
              to: 'skipped',
              patch: { name, state: 'skipped', completedAt: now },
            })),
            now,
          ),
        );
      },
      /** Marks `skipped` the steps a settled decision step did not choose, as recorded just before. */
      markSkippedBranches: assign(({ context, event }) => {
        const skipped = skippedBy(env, context, event);
        return skipped.length === 0
          ? {}
          : { steps: withSteps(context, skipped, (step) => ({ ...step, state: 'skipped' as const })) };
      }),
      /** Folds a settled step's outcome into the context; with `startReady`, starts what it made ready. */
      foldSettledStep: assign(({ context, event, spawn }, params: { startReady: boolean }) => {
        if (!('output' in event)) return {};
        const { name, state, attempts, error, durationMs, uncertain } = event.output;
        const steps = { ...context.steps };
        const before = steps[name]!;
        // Written out: in V8 a spread followed by keys it lacked is many times slower, and this runs every step.
        steps[name] = {
          state,
          attempts,
          budgetBase: before.budgetBase,
          error,
          durationMs,
          uncertain: uncertain ?? before.uncertain,
          undo: before.undo,
        };
        return params.startReady && startReady(context, steps, env.definition(context.taskId), spawn, env.now())
          ? { steps, resolution: undefined }
          : { steps };
      }),
      /** Remembers why the task compensates and marks the steps to undo; a cancel cancels the pending steps after. */
      beginCompensation: assign(({ context }, params: { then: 'failed' | 'cancelled' }) => {
        const definition = env.definition(context.taskId);
        const reason: TaskCompensation['reason'] =
          params.then === 'failed'
            ? failureReason(context)
            : { kind: 'cancelled', message: context.reason ?? 'The task was cancelled' };
        const steps = { ...context.steps };
        for (const name in steps) {
          const undo = undoOf(definition, name, steps[name]!);
          if (undo) steps[name] = { ...steps[name]!, undo };
        }
        return { steps, compensation: { reason, then: params.then } };
      }),
      startCompensations: assign(({ context, spawn }) => {
        const steps = { ...context.steps };
        startCompensations(context, steps, env.definition(context.taskId), spawn as SpawnCompensation);
        return { steps, retryCompensations: undefined };
      }),
      /** An operator's resolution of a failed compensation: the step counts as undone. */
      markCompensatedByHand: assign(({ context }) => ({
        steps: withSteps(context, [context.resolution!.stepName], (step) => ({ ...step, state: 'compensated' })),
        resolution: undefined,
      })),
      /** An operator's retry after compensation: every step not done starts over with a fresh budget. */
      restartUndoneSteps: assign(({ context }) => {
        const steps: TaskMachineContext['steps'] = {};
        for (const name in context.steps) {
          const step = context.steps[name]!;
          steps[name] = isStepDone(step.state)
            ? step
            : { state: 'pending', attempts: step.attempts, budgetBase: step.attempts };
        }
        return { steps, compensation: undefined };
      }),
      // A finished child would otherwise stay in every snapshot of the task.
      stopSettledStep: stopChild(({ event }) => ('actorId' in event ? event.actorId : '')),
      forwardToSteps: enqueueActions(({ context, event, enqueue }) => {
        for (const name of namesIn(context, 'in_progress')) enqueue.sendTo(name, event);
        for (const name of namesIn(context, 'compensating')) enqueue.sendTo(name, event);
      }),
      /** The deadline passed: every step still running stops, and fails with `DEADLINE_EXCEEDED`. */
      forwardDeadline: enqueueActions(({ context, enqueue }) => {
        const event = { type: 'DEADLINE', deadlineMs: context.deadlineMs ?? 0, deadlineAt: context.deadlineAt ?? 0 };
        for (const name of namesIn(context, 'in_progress')) enqueue.sendTo(name, event);
      }),
      /** An operator's retry (or resolution) reopens the task: it has its whole deadline again, from now. */
      renewDeadline: assign(({ context }) =>
        context.deadlineMs === undefined ? {} : { deadlineAt: env.now() + context.deadlineMs, expired: undefined },
      ),
      forwardResolution: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'RESOLVE_STEP') return;
        const { stepName, type: _type, ...resolution } = event;
        enqueue.sendTo(stepName, { type: 'RESOLVE', ...resolution });
      }),
      resetFailedSteps: assign(({ context }) =>
        context.resolution
          ? {}
          : {
              steps: withSteps(context, namesIn(context, 'failed'), (step) => ({
                ...step,
                state: 'pending',
                budgetBase: step.attempts,
                error: undefined,
              })),
            },
      ),
      cancelPendingSteps: assign(({ context }) => ({
        steps: withSteps(context, namesIn(context, 'pending'), (step) => ({ ...step, state: 'cancelled' })),
      })),
    },
  }).createMachine({
    id: 'task',
    context: ({ input }) => {
      const steps: TaskMachineContext['steps'] = {};
      for (const name of input.stepNames) steps[name] = { state: 'pending', attempts: 0, budgetBase: 0 };
      for (const name of input.skipped) steps[name] = { state: 'skipped', attempts: 0, budgetBase: 0 };
      return {
        taskId: input.taskId,
        state: 'pending',
        steps,
        ...(input.deadline ? { deadlineAt: input.deadline.at, deadlineMs: input.deadline.ms } : {}),
      };
    },
    initial: 'pending',
    on: {
      PAUSE: { actions: [assign({ paused: true }), 'forwardToSteps'] },
    },
    states: {
      pending: {
        on: {
          START: {
            target: 'in_progress',
            actions: ['markStarted', ...recordMove('in_progress', 'started')],
          },
          CANCEL: { target: 'cancelling', actions: 'rememberOperator' },
        },
      },
      in_progress: {
        entry: 'startReadySteps',
        always: [
          { guard: and(['allDone', 'anyResolvedManually']), target: 'resolved_manually' },
          { guard: 'allDone', target: 'completed' },
          {
            guard: and(['haltedAndIdle', 'needsCompensation']),
            target: 'compensating',
            actions: [
              { type: 'beginCompensation', params: { then: 'failed' } },
              ...recordMove('compensating', 'compensating'),
            ],
          },
          { guard: 'haltedAndIdle', target: 'failed' },
        ],
        on: {
          'xstate.done.actor.*': {
            // A decision that settles while its task cancels skips nothing: the task's pending steps are cancelled.
            actions: [
              'recordSkippedBranches',
              'markSkippedBranches',
              { type: 'foldSettledStep', params: { startReady: true } },
              'stopSettledStep',
            ],
          },
          CANCEL: { target: 'cancelling', actions: 'rememberOperator' },
          RESOLVE_STEP: [
            { guard: 'resolvesRunningStep', actions: 'forwardResolution' },
            { guard: 'resolvesIdleStep', actions: ['rememberResolution', 'startReadySteps'] },
          ],
        },
        // The deadline's durable timer: `deadlineAt` lives in the context, and a restored task re-arms it on `RESUME`.
        initial: 'running',
        states: {
          running: {
            always: [
              // Started past its deadline (a delayed task claimed late): it fails at once.
              { guard: 'deadlinePassed', target: 'expired' },
              { guard: 'hasDeadline', target: 'timed' },
            ],
            on: { RESUME: { actions: resumeRunning } },
          },
          timed: {
            after: {
              untilDeadline: [
                // A paused task (its engine stopping) leaves the deadline to the engine that resumes it.
                { guard: and([not('isPaused'), 'deadlinePassed']), target: 'expired' },
                // Beyond one timer's reach: wait again.
                { guard: not('deadlinePassed'), target: 'timed', reenter: true },
              ],
            },
            on: {
              RESUME: [
                // Restored after its deadline (passivated until then, say): its steps settle, then stop.
                { guard: 'deadlinePassed', target: 'expired', actions: ['unpause', 'forwardToSteps'] },
                { target: 'timed', reenter: true, actions: resumeRunning },
              ],
            },
          },
          // Out of time: the running steps stop and fail, none starts, and the task fails (compensating first) once
          // they have settled, through the `always` transitions above.
          expired: {
            entry: [assign({ expired: true }), 'forwardDeadline'],
            // Restored after its snapshot was taken here, with steps still running: they stop again.
            on: { RESUME: { actions: ['unpause', 'forwardToSteps', 'forwardDeadline'] } },
          },
        },
      },
      failed: {
        entry: recordMove('failed', 'failed'),
        on: {
          RETRY: {
            target: 'in_progress',
            actions: [
              'rememberOperator',
              'renewDeadline',
              ...recordMove('in_progress', 'reopened'),
              'resetFailedSteps',
            ],
          },
          RESOLVE_STEP: {
            guard: 'resolvesIdleStep',
            target: 'in_progress',
            actions: [
              'rememberOperator',
              'rememberResolution',
              'renewDeadline',
              ...recordMove('in_progress', 'reopened'),
            ],
          },
          CANCEL: { target: 'cancelling', actions: 'rememberOperator' },
        },
      },
      cancelling: {
        entry: 'forwardToSteps',
        always: [
          {
            guard: and(['idle', 'needsCompensation']),
            target: 'compensating',
            actions: [
              { type: 'beginCompensation', params: { then: 'cancelled' } },
              ...recordMove('compensating', 'compensating'),
              'cancelPendingSteps',
            ],
          },
          { guard: 'idle', target: 'cancelled' },
        ],
        on: {
          'xstate.done.actor.*': {
            actions: [{ type: 'foldSettledStep', params: { startReady: false } }, 'stopSettledStep'],
          },
          RESUME: { actions: 'forwardToSteps' },
        },
      },
      // Undoing what the steps did, in reverse dependency order, independent steps at once.
      compensating: {
        entry: 'startCompensations',
        always: [
          { guard: and(['compensationsOver', 'anyCompensationFailed']), target: 'compensation_failed' },
          { guard: and(['compensationsOver', 'compensatesCancel']), target: 'compensated_cancelled' },
          { guard: 'compensationsOver', target: 'compensated_failed' },
        ],
        on: {
          'xstate.done.actor.*': {
            actions: [
              { type: 'foldSettledStep', params: { startReady: false } },
              'stopSettledStep',
              'startCompensations',
            ],
          },
          RESUME: { actions: [assign({ paused: false }), 'forwardToSteps', 'startCompensations'] },
        },
      },
      compensation_failed: {
        entry: recordMove('compensation_failed', 'finished'),
        on: {
          RETRY: {
            target: 'compensating',
            actions: [
              'rememberOperator',
              assign({ retryCompensations: true }),
              ...recordMove('compensating', 'compensationRetried'),
            ],
          },
          RESOLVE_STEP: {
            guard: 'resolvesFailedCompensation',
            target: 'compensating',
            actions: [
              'rememberOperator',
              'rememberResolution',
              ...recordMove('compensating', 'compensationResolved'),
              'markCompensatedByHand',
            ],
          },
        },
      },
      // The task's own outcome once its steps are undone; retried only when its template allows it (the engine
      // checks), then every step not done starts over.
      compensated_failed: {
        entry: recordMove('failed', 'failed'),
        on: {
          RETRY: {
            target: 'in_progress',
            actions: [
              'rememberOperator',
              'renewDeadline',
              ...recordMove('in_progress', 'restarted'),
              'restartUndoneSteps',
            ],
          },
        },
      },
      compensated_cancelled: {
        entry: recordMove('cancelled', 'finished'),
        on: {
          RETRY: {
            target: 'in_progress',
            actions: [
              'rememberOperator',
              'renewDeadline',
              ...recordMove('in_progress', 'restarted'),
              'restartUndoneSteps',
            ],
          },
        },
      },
      completed: { type: 'final', entry: recordMove('completed', 'finished') },
      resolved_manually: {
        type: 'final',
        entry: recordMove('resolved_manually', 'finished'),
      },
      cancelled: {
        type: 'final',
        entry: [...recordMove('cancelled', 'cancelled'), 'cancelPendingSteps'],
      },
    },
  });
}

/** The task machine an engine runs. */
export type TaskMachine = ReturnType<typeof createTaskMachine>;
export type TaskActor = ActorRefFrom<TaskMachine>;
