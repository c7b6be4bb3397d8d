import { and, assign, enqueueActions, setup, stopChild, type ActorRefFrom, type DoneActorEvent } from 'xstate';
import { isStepDone, type TaskState } from '../domain/states.js';
import type { MachineEnvironment } from './machine-environment.js';
import type { TaskDefinition } from './task-definition.js';
import {
  createResolutionMachine,
  type ResolutionMachineInput,
  type StepMachine,
  type StepMachineInput,
  type StepOutcome,
  type StepResolution,
} from './step.machine.js';
import type { TaskMachineContext, TaskMachineInput, TaskStepEntry } from './task-context.js';
import { failureSummary, taskWrite, type StepChange, type TaskWriteChanges } from './task-write.js';

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
type TransitionChanges = 'started' | 'finished' | 'failed' | 'reopened' | 'cancelled';

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
const isHalted = (context: TaskMachineContext) => countIn(context.steps, 'failed') > 0;
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

function changesFor(kind: TransitionChanges, context: TaskMachineContext, now: number): TaskWriteChanges {
  switch (kind) {
    case 'started':
      return { task: { startedAt: now } };
    case 'finished':
      return { task: { completedAt: now } };
    case 'failed':
      return { task: { errorMessage: failureSummary(context), completedAt: now } };
    case 'reopened':
      // A retry gives failed steps a fresh budget; a manual resolution changes its one step through a step actor.
      return {
        task: { errorMessage: undefined, completedAt: undefined },
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
 * Spawns an actor for the resolution waiting to be applied and a step actor for every step that is ready, up to
 * `maxParallelSteps` running at once, and marks them running in `steps`: the task's steps, copied for the `assign`
 * that calls this (spawning there makes it one snapshot update per event). Tells whether any started.
 */
function startReady(
  context: TaskMachineContext,
  steps: TaskMachineContext['steps'],
  definition: TaskDefinition,
  spawn: SpawnStep,
): boolean {
  if (context.paused) return false;
  const { maxParallelSteps, order, steps: definitions } = definition;
  const { resolution } = context;
  // The step being resolved no longer holds the task back.
  const halted = countIn(steps, 'failed') > (steps[resolution?.stepName ?? '']?.state === 'failed' ? 1 : 0);
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
  for (const name of halted ? [] : order) {
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

/**
 * The lifecycle of one task: the supervisor of its steps. It spawns a step actor for every step whose
 * dependencies are done (up to `maxParallelSteps` at once), folds each settled step back into its context, and
 * ends `completed` (or `resolved_manually`) when all steps are done, `failed` once a step failed and the running
 * ones settled, or `cancelled`. Each transition is recorded durably before the task moves on.
 */
export function createTaskMachine(env: MachineEnvironment, stepMachine: StepMachine) {
  return setup({
    types: {} as { context: TaskMachineContext; input: TaskMachineInput; events: TaskMachineEvent },
    actors: { step: stepMachine, resolution: createResolutionMachine(env) },
    guards: {
      allDone: ({ context }) => allDone(context),
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
        return startReady(context, steps, env.definition(context.taskId), spawn)
          ? { steps, resolution: undefined }
          : {};
      }),
      /** Folds a settled step's outcome into the context; with `startReady`, starts what it made ready. */
      foldSettledStep: assign(({ context, event, spawn }, params: { startReady: boolean }) => {
        if (!('output' in event)) return {};
        const { name, state, attempts, error, durationMs } = event.output;
        const steps = { ...context.steps };
        // Written out: in V8 a spread followed by keys it lacked is many times slower, and this runs every step.
        steps[name] = { state, attempts, budgetBase: steps[name]!.budgetBase, error, durationMs };
        return params.startReady && startReady(context, steps, env.definition(context.taskId), spawn)
          ? { steps, resolution: undefined }
          : { steps };
      }),
      // A finished child would otherwise stay in every snapshot of the task.
      stopSettledStep: stopChild(({ event }) => ('actorId' in event ? event.actorId : '')),
      forwardToSteps: enqueueActions(({ context, event, enqueue }) => {
        for (const name of namesIn(context, 'in_progress')) enqueue.sendTo(name, event);
      }),
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
      return { taskId: input.taskId, state: 'pending', steps };
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
          { guard: 'haltedAndIdle', target: 'failed' },
        ],
        on: {
          'xstate.done.actor.*': {
            actions: [{ type: 'foldSettledStep', params: { startReady: true } }, 'stopSettledStep'],
          },
          RESUME: { actions: [assign({ paused: false }), 'forwardToSteps', 'startReadySteps'] },
          CANCEL: { target: 'cancelling', actions: 'rememberOperator' },
          RESOLVE_STEP: [
            { guard: 'resolvesRunningStep', actions: 'forwardResolution' },
            { guard: 'resolvesIdleStep', actions: ['rememberResolution', 'startReadySteps'] },
          ],
        },
      },
      failed: {
        entry: recordMove('failed', 'failed'),
        on: {
          RETRY: {
            target: 'in_progress',
            actions: ['rememberOperator', ...recordMove('in_progress', 'reopened'), 'resetFailedSteps'],
          },
          RESOLVE_STEP: {
            guard: 'resolvesIdleStep',
            target: 'in_progress',
            actions: ['rememberOperator', 'rememberResolution', ...recordMove('in_progress', 'reopened')],
          },
          CANCEL: { target: 'cancelling', actions: 'rememberOperator' },
        },
      },
      cancelling: {
        entry: 'forwardToSteps',
        always: { guard: 'idle', target: 'cancelled' },
        on: {
          'xstate.done.actor.*': {
            actions: [{ type: 'foldSettledStep', params: { startReady: false } }, 'stopSettledStep'],
          },
          RESUME: { actions: 'forwardToSteps' },
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
