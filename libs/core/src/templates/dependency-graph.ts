import type { StepTemplate } from '../domain/template.js';

type Node = Pick<StepTemplate, 'name' | 'dependsOn'>;

/**
 * A dependency cycle among `steps` as the names along it, first name repeated at the end
 * (`['a', 'b', 'a']`), or `undefined` when the graph is acyclic. Unknown dependencies are ignored here.
 */
export function findCycle(steps: readonly Node[]): string[] | undefined {
  const dependencies = new Map(steps.map((step) => [step.name, step.dependsOn ?? []]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];

  const visit = (name: string): string[] | undefined => {
    if (done.has(name)) return undefined;
    if (visiting.has(name)) return [...path.slice(path.indexOf(name)), name];
    visiting.add(name);
    path.push(name);
    for (const dependency of dependencies.get(name) ?? []) {
      if (!dependencies.has(dependency)) continue;
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    visiting.delete(name);
    done.add(name);
    return undefined;
  };

  for (const step of steps) {
    const cycle = visit(step.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The steps grouped by depth: level 0 has no dependencies, level n depends on some step of level n-1. Within a
 * level, template order is kept. Requires an acyclic graph.
 */
export function dependencyLevels(steps: readonly Node[]): string[][] {
  const level = new Map<string, number>();
  const byName = new Map(steps.map((step) => [step.name, step]));
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const dependsOn = byName.get(name)?.dependsOn ?? [];
    const value = dependsOn.length === 0 ? 0 : 1 + Math.max(...dependsOn.map(levelOf));
    level.set(name, value);
    return value;
  };
  const levels: string[][] = [];
  for (const step of steps) (levels[levelOf(step.name)] ??= []).push(step.name);
  return levels;
}

/**
 * Every step `stepName` depends on, directly or not (the steps whose results it may read), given each step's direct
 * dependencies. Unknown steps have none; a cycle ends the walk.
 */
export function ancestorsOf(dependsOn: (name: string) => readonly string[] | undefined, stepName: string): Set<string> {
  const ancestors = new Set<string>();
  const stack = [...(dependsOn(stepName) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (ancestors.has(next)) continue;
    ancestors.add(next);
    stack.push(...(dependsOn(next) ?? []));
  }
  return ancestors;
}
