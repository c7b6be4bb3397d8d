import type { Io } from '../io.js';

/** Writes one JSON document on stdout, for scripts. */
export function writeJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
