import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** The position after which the next page of tasks (newest first) starts. */
export interface TaskCursor {
  createdAt: number;
  id: string;
}

/** An opaque cursor for {@link TaskCursor}, the same for every store. */
export function encodeTaskCursor(cursor: TaskCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** @throws InvalidRequestError when `cursor` was not made by {@link encodeTaskCursor}. */
export function decodeTaskCursor(cursor: string): TaskCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // Reported below with the same message as a well-formed cursor of the wrong shape.
  }
  throw new InvalidRequestError('cursor', 'is not a cursor this store returned');
}

/** The page size a filter asks for: 50 by default, between 1 and 500. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new InvalidRequestError('limit', 'must be a whole number from 1 to 500');
  }
  return limit;
}
