import { randomBytes } from 'node:crypto';
import { toObserver, type InspectionEvent, type Observer } from 'xstate';

/** What the proxies change of an actor reference: its session id and its parent's. */
interface Session {
  sessionId: string;
  _parent?: Session;
}

/**
 * The prefix of the session ids an engine's inspection events carry: its worker id and a random part of its own.
 * XState numbers sessions `x:0`, `x:1`... from zero in every process, so two workers feeding one inspector, or a
 * worker restarted under the same id, would otherwise merge unrelated tasks into one session.
 */
export function sessionPrefix(workerId: string): string {
  return `${workerId}.${randomBytes(4).toString('hex')}/`;
}

/**
 * `inspect` seeing every session id (the actor's, its parent's, the event's source's and root's) with `prefix` in
 * front. The actor references it receives are proxies that answer the prefixed ids and otherwise read the actor.
 */
export function withSessionPrefix(
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void),
  prefix: string,
): Observer<InspectionEvent> {
  const observer = toObserver(inspect);
  const proxies = new WeakMap<object, object>();
  const prefixed = <Actor extends object>(actor: Actor): Actor => {
    let proxy = proxies.get(actor) as Actor | undefined;
    if (!proxy) {
      proxy = new Proxy(actor, {
        get(target, property) {
          const session = target as unknown as Session;
          if (property === 'sessionId') return `${prefix}${session.sessionId}`;
          if (property === '_parent') return session._parent && prefixed(session._parent);
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      proxies.set(actor, proxy);
    }
    return proxy;
  };
  return {
    next: (event) => {
      const sourceRef = 'sourceRef' in event && event.sourceRef ? { sourceRef: prefixed(event.sourceRef) } : {};
      observer.next?.({
        ...event,
        rootId: `${prefix}${event.rootId}`,
        actorRef: prefixed(event.actorRef),
        ...sourceRef,
      });
    },
    ...(observer.error ? { error: observer.error } : {}),
    ...(observer.complete ? { complete: observer.complete } : {}),
  };
}
