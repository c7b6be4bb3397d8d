import type { StepSettings } from '../domain/template.js';

/**
 * The fixed part of a task: its steps' dependencies and settings, as stored in its step rows. The machines read it
 * through their environment instead of carrying it in their context, which keeps every persisted snapshot down to
 * what changes.
 */
export interface TaskDefinition {
  maxParallelSteps: number;
  /** Step names in template order: steps become ready in this order. */
  order: readonly string[];
  steps: ReadonlyMap<string, { dependsOn: readonly string[]; settings: StepSettings }>;
}
