/**
 * The engine's internals that Tasker's own packages share: the task and step machines and their version, the
 * registries behind `Engine.catalog`, the patch and merge helpers of the write path, retry planning and the
 * dependency-graph helpers. No promise of stability: they change with the engine, in any release. Build on
 * `@tasker/core` instead.
 */
export { createTaskMachine } from '../machines/task.machine.js';
export { createStepMachine } from '../machines/step.machine.js';
export { createCompensationMachine } from '../machines/compensation.machine.js';
export type { MachineEnvironment } from '../machines/machine-environment.js';
export { MACHINE_VERSION } from '../machines/machine-version.js';
export { HandlerRegistry } from '../handlers/handler-registry.js';
export { TemplateRegistry } from '../templates/template-registry.js';
export { applyPatch } from '../store/apply-patch.js';
export { mergeWrites } from '../store/merge-writes.js';
export { backoffDelay, planRetry } from '../retry/plan-retry.js';
export { dependencyLevels, findCycle } from '../templates/dependency-graph.js';
export {
  parseValuePath,
  readValuePath,
  valuePathProblem,
  ValuePathSyntaxError,
  type ValuePath,
  type ValuePathSources,
} from '../expressions/value-path.js';
