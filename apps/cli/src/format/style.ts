import { styleText } from 'node:util';
import type { Io } from '../io.js';

/** The styles the CLI uses. */
export type Style = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'bold' | 'dim';

/** `text` in `style` when the output may be coloured, as it is otherwise. */
export function paint(io: Io, style: Style, text: string): string {
  return io.color ? styleText(style, text) : text;
}

/** The colour of a task or step state: green done, red failed, yellow under way, gray stopped. */
export function stateStyle(state: string): Style {
  if (state === 'completed' || state === 'compensated') return 'green';
  if (state.includes('failed')) return 'red';
  if (state === 'resolved_manually' || state === 'skipped') return 'cyan';
  if (state === 'cancelled') return 'gray';
  if (state === 'pending') return 'dim';
  return 'yellow';
}

/** A state, coloured by {@link stateStyle}. */
export function paintState(io: Io, state: string): string {
  return paint(io, stateStyle(state), state);
}
