import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import * as internal from './index.js';

const INTERNALS = [
  'createTaskMachine',
  'createStepMachine',
  'createCompensationMachine',
  'MACHINE_VERSION',
  'HandlerRegistry',
  'TemplateRegistry',
  'applyPatch',
  'mergeWrites',
  'backoffDelay',
  'planRetry',
  'dependencyLevels',
  'findCycle',
  'parseValuePath',
  'readValuePath',
  'valuePathProblem',
  'ValuePathSyntaxError',
];

describe("@tasker/core's entry points", () => {
  it('keep the machines, registries and write-path helpers out of the root export, in ./internal', () => {
    expect(Object.keys(core).filter((name) => INTERNALS.includes(name))).toEqual([]);
    expect(Object.keys(internal).sort()).toEqual([...INTERNALS].sort());
  });

  it('export from the root what a service and a store adapter build on', () => {
    for (const name of ['createEngine', 'Engine', 'createMemoryStore', 'EVENT_TYPES', 'classifyEngineError'])
      expect(core).toHaveProperty(name);
  });
});
