import { effect, signal } from '@preact/signals';
import { EventSource } from 'eventsource';
import { api, headers } from '../api/client.js';
import type { EngineEventData } from '../api/types.js';
import { needsToken } from '../auth/session.js';

/** The events of `GET /events` the dashboard reacts to: every task and step transition. */
const EVENT_TYPES = [
  'task.throttled',
  'task.started',
  'task.resumed',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.resolved_manually',
  'task.compensating',
  'task.compensation_failed',
  'task.lost',
  'step.started',
  'step.retry_scheduled',
  'step.completed',
  'step.failed',
  'step.cancelled',
  'step.resolved_manually',
  'step.reset',
  'step.skipped',
  'step.compensating',
  'step.compensated',
  'step.compensation_failed',
];

type Listener = (event: EngineEventData) => void;

const listeners = new Set<Listener>();

/** Whether the live stream is open: the header shows it, and pages fall back to what they last loaded. */
export const liveStatus = signal<'connecting' | 'live' | 'offline'>('connecting');

/**
 * One stream for the whole page, opened with the session's token and reopened when it changes. The WHATWG
 * EventSource of browsers cannot send an `Authorization` header, so this is the `eventsource` package's
 * EventSource, the same API over `fetch`, which can (it reads the token at each connection); it reconnects by
 * itself as the browser's does. No endpoint of the API takes a token in its URL, where logs would keep it.
 */
function open(): () => void {
  const source = new EventSource(api.url('/events'), {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers() } }),
  });
  source.onopen = () => (liveStatus.value = 'live');
  source.onerror = () => (liveStatus.value = source.readyState === source.CLOSED ? 'offline' : 'connecting');
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      const event = JSON.parse(message.data) as EngineEventData;
      for (const listener of listeners) listener(event);
    });
  }
  return () => source.close();
}

// Open while the page has what it needs to authenticate; signing out closes the stream, signing in opens it again.
effect(() => (needsToken.value ? undefined : open()));

/** Calls `listener` with every task and step event until the returned function is called. */
export function onEngineEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
