import { useMemo } from 'preact/hooks';
import { formatState } from '../format/format.js';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH, type DagInput } from '../model/dag-layout.js';
import { ScrollBox } from './scroll-box.js';

interface DagProps {
  steps: ReadonlyArray<DagInput & { state?: string }>;
  /** What the graph shows, for screen readers. */
  label: string;
  /** Called when a step is chosen (click, Enter or Space); steps are not focusable without it. */
  onSelect?: (name: string) => void;
  selected?: string | undefined;
}

/** A DAG of steps laid out by dagre, each box coloured by its step's state (`data-state`). */
export function Dag({ steps, label, onSelect, selected }: DagProps) {
  const layout = useMemo(
    () => layoutDag(steps),
    [steps.map((step) => `${step.name}<${step.dependsOn.join(',')}`).join(';')],
  );
  const stateOf = new Map(steps.map((step) => [step.name, step.state]));
  return (
    <ScrollBox label={label}>
      <svg
        class="dag"
        role="group"
        aria-label={label}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" class="dag-arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <polyline
            key={`${edge.from}>${edge.to}`}
            class="dag-edge"
            points={edge.points.map((point) => `${point.x},${point.y}`).join(' ')}
            marker-end="url(#arrow)"
          />
        ))}
        {layout.nodes.map((node) => {
          const state = stateOf.get(node.name);
          const choose = onSelect ? () => onSelect(node.name) : undefined;
          return (
            <g
              key={node.name}
              class="dag-node"
              data-step={node.name}
              data-state={state ?? 'template'}
              aria-pressed={onSelect ? selected === node.name : undefined}
              transform={`translate(${node.x - NODE_WIDTH / 2},${node.y - NODE_HEIGHT / 2})`}
              {...(choose
                ? {
                    role: 'button',
                    // Lower case: on an SVG element, Preact sets the attribute by the name as written.
                    tabindex: 0,
                    onClick: choose,
                    onKeyDown: (event: KeyboardEvent) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        choose();
                      }
                    },
                  }
                : {})}
            >
              <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="8" />
              <text x={NODE_WIDTH / 2} y={state ? 20 : 29} text-anchor="middle" class="dag-name">
                {node.name}
              </text>
              {state && (
                <text x={NODE_WIDTH / 2} y={38} text-anchor="middle" class="dag-state">
                  {formatState(state)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </ScrollBox>
  );
}
