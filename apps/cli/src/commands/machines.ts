import { Command } from 'commander';
import { machineDefinitions } from '@tasker/telemetry';
import type { Io } from '../io.js';

/** A state node of a machine config, as far as the outline reads it. */
interface StateConfig {
  initial?: string;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfig>;
  type?: string;
}

/** Where a transition config leads: its target, or `(self)` for one that only runs actions. */
function targetOf(transition: unknown): string {
  const first = Array.isArray(transition) ? transition[0] : transition;
  if (typeof first === 'string') return first;
  const target = (first as { target?: unknown } | undefined)?.target;
  return typeof target === 'string' ? target : '(self)';
}

/** An indented outline of a machine's states and the events that leave them. */
function outline(config: StateConfig, depth = 1): string[] {
  const lines: string[] = [];
  for (const [event, transition] of Object.entries(config.on ?? {})) {
    lines.push(`${'  '.repeat(depth)}${event} -> ${targetOf(transition)}`);
  }
  for (const [name, state] of Object.entries(config.states ?? {})) {
    const marks = [name === config.initial ? 'initial' : '', state.type === 'final' ? 'final' : ''].filter(Boolean);
    lines.push(`${'  '.repeat(depth)}${name}${marks.length ? ` (${marks.join(', ')})` : ''}`);
    lines.push(...outline(state, depth + 1));
  }
  return lines;
}

/**
 * `tasker machines [--json]`: the engine's state machines, as JSON for Stately's visualizer (`--json`) or as an
 * outline of states and events for reading in a terminal.
 */
export function machinesCommand(io: Io): Command {
  return new Command('machines')
    .description("print the engine's state machines (task, step, resolution, compensation)")
    .option('--json', "print their definitions as JSON, for Stately's visualizer")
    .action((options: { json?: boolean }) => {
      const definitions = machineDefinitions();
      if (options.json) {
        io.out(`${JSON.stringify(definitions, null, 2)}\n`);
        return;
      }
      const text = Object.entries(definitions).flatMap(([id, config]) => [`${id}`, ...outline(config as StateConfig)]);
      io.out(`${text.join('\n')}\n`);
    });
}
