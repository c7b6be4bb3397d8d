import { checkJson, checkString, type JsonLimits } from '../domain/check-json.js';
import type { JsonObject } from '../domain/json.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { ScheduleCatchUp, ScheduleDefinition, ScheduleOverlap } from './schedule.js';

const CATCH_UPS: readonly ScheduleCatchUp[] = ['none', 'latest', 'all'];
const OVERLAPS: readonly ScheduleOverlap[] = ['allow', 'skip'];

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, field: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'string' || value === '') throw new InvalidRequestError(field, 'must be a non-empty string');
  checkString(field, value);
}

function requireOneOf(value: unknown, field: string, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new InvalidRequestError(field, `must be one of ${allowed.map((one) => `'${one}'`).join(', ')}`);
  }
}

/**
 * Refuses a malformed schedule definition before anything is stored, naming the field: its id, cron expression and
 * time zone (checked by the parser, see `cronTimes`), the task's fields and context (the engine's JSON rule), and
 * `catchUp` and `overlap`.
 */
export function checkScheduleShape(definition: ScheduleDefinition, limits: JsonLimits): void {
  if (!isPlainObject(definition)) throw new InvalidRequestError('schedule', 'must be an object');
  requireString(definition.id, 'id');
  requireString(definition.cron, 'cron');
  requireString(definition.timezone, 'timezone', true);
  requireOneOf(definition.catchUp, 'catchUp', CATCH_UPS);
  requireOneOf(definition.overlap, 'overlap', OVERLAPS);
  const task: unknown = definition.task;
  if (!isPlainObject(task)) throw new InvalidRequestError('task', 'must be an object with namespace, name and context');
  requireString(task.namespace, 'task.namespace');
  requireString(task.name, 'task.name');
  requireString(task.version, 'task.version', true);
  if (!isPlainObject(task.context)) throw new InvalidRequestError('task.context', 'must be a JSON object');
  checkJson(task.context, 'task.context', { bytes: limits.contextBytes, depth: limits.depth });
}
