import { TaskerError, stepHandlerName, templateKey, type StepTemplate, type TaskTemplate } from '@tasker/core';
import { dependencyLevels, findCycle } from '@tasker/core/internal';

/** A step as a graph node. */
export interface GraphNode {
  name: string;
  handler: string;
  description?: string;
  /** What the step counts for on the critical path. */
  weight: number;
}

/** `to` depends on `from`: `from` runs first. */
export interface GraphEdge {
  from: string;
  to: string;
}

/** A template's dependency graph, for display. */
export interface TemplateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Level 0 depends on nothing; a step of level n depends on some step of level n-1. */
  levels: string[][];
  /** The chain of dependent steps with the largest total weight, first step first, and that weight. */
  criticalPath: { steps: string[]; weight: number };
}

/** How to weigh a step on the critical path: its timeout in ms when set, else 1, by default. */
export type StepWeight = (step: StepTemplate) => number;

const timeoutOrOne: StepWeight = (step) => step.timeoutMs ?? 1;

/**
 * The dependency graph of a template: nodes, edges, topological levels and the critical path (the heaviest
 * chain of steps that must run one after another).
 *
 * @throws TaskerError `INVALID_TEMPLATE` when the steps form a cycle.
 * @example
 * const { levels, criticalPath } = templateGraph(template);
 * console.log(levels.map((level) => level.join(' | ')).join('\n'), criticalPath.steps.join(' -> '));
 */
export function templateGraph(template: TaskTemplate, options: { weight?: StepWeight } = {}): TemplateGraph {
  const cycle = findCycle(template.steps);
  if (cycle)
    throw new TaskerError(
      'INVALID_TEMPLATE',
      `Template ${templateKey(template)} has a dependency cycle: ${cycle.join(' -> ')}`,
    );
  const weigh = options.weight ?? timeoutOrOne;
  const names = new Set(template.steps.map((step) => step.name));
  const nodes = template.steps.map((step) => ({
    name: step.name,
    handler: stepHandlerName(step),
    ...(step.description === undefined ? {} : { description: step.description }),
    weight: weigh(step),
  }));
  const edges = template.steps.flatMap((step) =>
    (step.dependsOn ?? []).filter((from) => names.has(from)).map((from) => ({ from, to: step.name })),
  );
  const levels = dependencyLevels(template.steps);
  return { nodes, edges, levels, criticalPath: criticalPath(nodes, edges, levels) };
}

function criticalPath(nodes: GraphNode[], edges: GraphEdge[], levels: string[][]): TemplateGraph['criticalPath'] {
  const weight = new Map(nodes.map((node) => [node.name, node.weight]));
  // Heaviest chain ending at each step; levels give an order in which every dependency comes first.
  const best = new Map<string, { weight: number; previous?: string }>();
  for (const name of levels.flat()) {
    let chosen: { weight: number; previous?: string } = { weight: 0 };
    for (const edge of edges) {
      const before = edge.to === name ? best.get(edge.from) : undefined;
      if (before && before.weight > chosen.weight) chosen = { weight: before.weight, previous: edge.from };
    }
    best.set(name, { ...chosen, weight: chosen.weight + (weight.get(name) ?? 0) });
  }
  let end: string | undefined;
  for (const [name, entry] of best) if (end === undefined || entry.weight > best.get(end)!.weight) end = name;
  const steps: string[] = [];
  for (let at = end; at !== undefined; at = best.get(at)?.previous) steps.unshift(at);
  return { steps, weight: end === undefined ? 0 : best.get(end)!.weight };
}
