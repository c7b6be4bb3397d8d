/**
 * Where an engine is in its life: `idle` (built, not started: it stores tasks and acts for operators, runs nothing
 * by itself), `starting` and `running` (claiming and running tasks), `stopping` (letting go of its tasks) and
 * `stopped` (as idle, but a task it loads is not passivated, and it claims nothing until started again).
 */
export type EngineMode = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The moves allowed from each mode. `stop()` works from any mode but `stopping`, where it waits for the stop. */
const MOVES: Readonly<Record<EngineMode, readonly EngineMode[]>> = {
  idle: ['starting', 'stopping'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: ['starting', 'stopping'],
};

/** An engine's mode, moved only along {@link MOVES}: a move that is not allowed is a bug, thrown at once. */
export class EngineLifecycle {
  #mode: EngineMode = 'idle';

  get mode(): EngineMode {
    return this.#mode;
  }

  /** Whether the engine claims and runs tasks: started and not stopping. */
  get takesWork(): boolean {
    return this.#mode === 'starting' || this.#mode === 'running';
  }

  /** Whether the engine is letting go of its tasks, or has: claimed tasks go back and nothing is passivated. */
  get lettingGo(): boolean {
    return this.#mode === 'stopping' || this.#mode === 'stopped';
  }

  /** Moves to `next`. @throws Error when `next` is not reachable from the current mode. */
  moveTo(next: EngineMode): void {
    if (!MOVES[this.#mode].includes(next)) {
      throw new Error(`Engine lifecycle: cannot move from ${this.#mode} to ${next}`);
    }
    this.#mode = next;
  }
}
