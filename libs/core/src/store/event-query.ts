import { eventMatches } from '../domain/event-pattern.js';
import type { EngineEvent } from '../domain/events.js';
import type { EventQuery } from './event-log.js';

/**
 * Whether `event` passes the filters of `query` (types, namespace, task): for stores that filter events in the
 * process rather than in a query language.
 */
export function eventMatchesQuery(event: EngineEvent, query: Omit<EventQuery, 'limit' | 'after'>): boolean {
  return (
    (query.namespace === undefined || event.namespace === query.namespace) &&
    (query.taskId === undefined || event.taskId === query.taskId) &&
    (query.types === undefined || query.types.some((pattern) => eventMatches(pattern, event.type)))
  );
}
