import {
  createCompensationMachine,
  createStepMachine,
  createTaskMachine,
  type MachineEnvironment,
} from '@tasker/core/internal';
import type { AnyStateMachine } from 'xstate';

/** Describing the machines runs none of them: an environment that refuses to be used says so if that changes. */
const unused = (): never => {
  throw new Error('the machines were built only to describe them; they cannot run');
};
const DESCRIBE_ONLY: MachineEnvironment = {
  now: unused,
  random: unused,
  record: unused,
  definition: unused,
  startAttempt: unused,
  startCompensation: unused,
  stopAttempt: unused,
  hasSignal: unused,
  isThrottled: unused,
  admit: unused,
  releaseSlot: unused,
  resultOf: unused,
};

/** The engine's machines, keyed by their ids: `task`, `step`, `resolution`, `compensation`. */
function engineMachines(): Record<string, AnyStateMachine> {
  const step = createStepMachine(DESCRIBE_ONLY);
  const compensation = createCompensationMachine(DESCRIBE_ONLY);
  const task = createTaskMachine(DESCRIBE_ONLY, step, compensation);
  const resolution = task.implementations.actors.resolution as AnyStateMachine;
  return { task, step, resolution, compensation };
}

/** Functions in a machine's config (inline actions, context factories) as `{ type: name }`, as the inspector shows them. */
function describeFunctions(_key: string, value: unknown): unknown {
  return typeof value === 'function' ? { type: value.name || 'anonymous' } : value;
}

/**
 * The definitions of the engine's state machines as JSON, keyed by machine id: `task` (the supervisor of a task's
 * steps), `step` (attempts, retries, timeouts, cancellation), `resolution` (a step resolved by hand) and
 * `compensation` (the undoing of one step, with its own retries). Each is
 * the machine's config, as the Stately inspector receives it, with functions shown as `{ type: name }`: paste one
 * into `createMachine(...)` in Stately's visualizer to see its states and transitions.
 *
 * @example
 * writeFileSync('machines.json', JSON.stringify(machineDefinitions(), null, 2));
 */
export function machineDefinitions(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(engineMachines()).map(([id, machine]) => [
      id,
      JSON.parse(JSON.stringify(machine.config, describeFunctions)),
    ]),
  );
}
