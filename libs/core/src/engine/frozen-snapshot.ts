import type { AnyActorLogic, AnyActorRef, Snapshot } from 'xstate';

/** An actor's snapshot; a machine's lists its child actors. */
type ActorSnapshot = Snapshot<unknown> & { children?: Record<string, unknown> };

/**
 * An actor's state at one moment, kept as XState's own snapshots of it and of every actor under it. XState never
 * changes a snapshot once it exists (each transition makes a new one), so this is the state at that moment for
 * as long as it is kept, at the price of a few references.
 */
interface FrozenActor {
  logic: AnyActorLogic;
  /** The actor's snapshot without its `children`, which are live actors: their frozen states are below. */
  snapshot: ActorSnapshot;
  src: string | AnyActorLogic;
  systemId: string | undefined;
  syncSnapshot: boolean | undefined;
  children?: Record<string, FrozenActor>;
}

/** What XState's actor class has besides the actor-ref interface (`_syncSnapshot` is internal to XState). */
type ActorInternals = AnyActorRef & { logic: AnyActorLogic; systemId?: string; _syncSnapshot?: boolean };

function freezeActor(actor: AnyActorRef): FrozenActor {
  const { logic, src, systemId, _syncSnapshot: syncSnapshot } = actor as ActorInternals;
  const snapshot = actor.getSnapshot() as ActorSnapshot & { children?: Record<string, AnyActorRef> };
  if (!snapshot.children) return { logic, snapshot, src, systemId, syncSnapshot };
  const children: Record<string, FrozenActor> = {};
  for (const id in snapshot.children) children[id] = freezeActor(snapshot.children[id]!);
  // Without the live children, a frozen state kept in a store holds no actor (of a task that stopped, say).
  return { logic, snapshot: { ...snapshot, children: {} }, src, systemId, syncSnapshot, children };
}

/** XState's persisted snapshot of a frozen actor: what `getPersistedSnapshot()` gave when it was frozen. */
function persist({ logic, snapshot, children }: FrozenActor): unknown {
  if (!children) return logic.getPersistedSnapshot(snapshot);
  // XState persists a machine's children by asking each for its `getPersistedSnapshot()`, `src`, `systemId` and
  // `_syncSnapshot`: stand-ins answer from the frozen states.
  const standIns: Record<string, unknown> = {};
  for (const id in children) {
    const child = children[id]!;
    standIns[id] = {
      src: child.src,
      systemId: child.systemId,
      _syncSnapshot: child.syncSnapshot,
      getPersistedSnapshot: () => persist(child),
    };
  }
  return logic.getPersistedSnapshot({ ...snapshot, children: standIns });
}

/**
 * `actor.getPersistedSnapshot()` as it is now, computed when first asked for rather than now. Freezing is a few
 * references (the engine takes a snapshot of each task in every commit batch); persisting is the costly part, and
 * a store may never need it (the in-memory store keeps only the latest of each task, and reads it to restore). A
 * frozen state is no bigger than its persisted form: both share the actors' contexts.
 */
export function persistLater(actor: AnyActorRef): () => unknown {
  const frozen = freezeActor(actor);
  let persisted: unknown;
  return () => (persisted ??= persist(frozen));
}
