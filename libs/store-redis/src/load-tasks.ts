import type { StoredSnapshot, StoredTask } from '@tasker/core';
import type { Redis } from 'ioredis';
import { pipelineReplies } from './pipeline-replies.js';
import { stepsFromHash, taskFromHash } from './record-codec.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * The tasks of `taskIds` that exist, with their steps and snapshots: three reads per task, all in one pipelined
 * round trip.
 *
 * @param countCommands told how many commands were sent, for the store's command count.
 */
export async function loadTasks(
  client: Redis,
  keys: RedisKeys,
  taskIds: readonly string[],
  countCommands: (count: number) => void,
): Promise<StoredTask[]> {
  if (taskIds.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of taskIds) pipeline.hgetall(keys.task(id)).hgetall(keys.steps(id)).get(keys.snapshot(id));
  const replies = await pipelineReplies(pipeline);
  countCommands(replies.length);
  return taskIds.flatMap((id, position) => {
    const task = taskFromHash(Object.entries(replies[3 * position] as Record<string, string>));
    if (!task) return [];
    const steps = stepsFromHash(id, Object.entries(replies[3 * position + 1] as Record<string, string>));
    const snapshot = replies[3 * position + 2] as string | null;
    return [snapshot === null ? { task, steps } : { task, steps, snapshot: JSON.parse(snapshot) as StoredSnapshot }];
  });
}
