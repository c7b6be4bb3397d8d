import type { InspectionEvent, Observer } from 'xstate';

/** An XState inspection observer for `createEngine({ inspect })`, and how to stop it once the engine has stopped. */
export interface TaskerInspector {
  inspect: Observer<InspectionEvent>;
  /** Stops inspecting and flushes what was written or sent. */
  stop(): Promise<void>;
}
