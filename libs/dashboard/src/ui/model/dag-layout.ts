import dagre from '@dagrejs/dagre';

/** A node to lay out: a step and the steps it depends on. */
export interface DagInput {
  name: string;
  dependsOn: readonly string[];
}

export interface PlacedNode {
  name: string;
  /** The centre of the node's box. */
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Every node's box, in SVG units: wide enough for a step name and its state. */
export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 48;

/**
 * Places the steps left to right by dependency with dagre (a dependency before its dependants), edges routed
 * around the boxes. Dependencies on names not in `steps` are ignored.
 */
export function layoutDag(steps: readonly DagInput[]): DagLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const names = new Set(steps.map((step) => step.name));
  for (const step of steps) graph.setNode(step.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const step of steps) {
    for (const dependency of step.dependsOn) if (names.has(dependency)) graph.setEdge(dependency, step.name);
  }
  dagre.layout(graph);
  const size = graph.graph();
  return {
    nodes: graph.nodes().map((name) => {
      const node = graph.node(name);
      return { name, x: node.x, y: node.y };
    }),
    edges: graph.edges().map((edge) => ({ from: edge.v, to: edge.w, points: graph.edge(edge).points ?? [] })),
    width: size.width ?? 0,
    height: size.height ?? 0,
  };
}
