import type { ActivityFilter, TaskActivity, TransitionRecord } from '@tasker/core';
import type { Redis } from 'ioredis';
import { pageRange, taskIdOfMember } from './index-member.js';
import { pipelineReplies } from './pipeline-replies.js';
import { parseJsonList, stepsFromHash, taskFromHash } from './record-codec.js';
import { indexSuffix, type RedisKeys } from './redis-keys.js';

/**
 * The tasks created in the filter's window, oldest first, with their steps and the history entries that carry an
 * error. The namespace index (or `idx:all`) gives the window as one lexicographic range; the tasks' hashes and
 * histories then come in one pipelined round trip. Name and version are checked on the rows read.
 *
 * @param countCommands told how many commands were sent, for the store's command count.
 */
export async function listActivity(
  client: Redis,
  keys: RedisKeys,
  filter: ActivityFilter,
  countCommands: (count: number) => void,
): Promise<TaskActivity[]> {
  const index = `${keys.prefix}idx:${filter.namespace === undefined ? 'all' : indexSuffix('namespace', filter.namespace)}`;
  const range = pageRange({ createdFrom: filter.createdFrom, createdTo: filter.createdTo });
  const ids = (await client.zrange(index, range.min, range.max, 'BYLEX')).map(taskIdOfMember);
  countCommands(1);
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) {
    pipeline.hgetall(keys.task(id));
    pipeline.hgetall(keys.steps(id));
    pipeline.lrange(keys.transitions(id), 0, -1);
  }
  const replies = await pipelineReplies(pipeline);
  countCommands(replies.length);
  const activities: TaskActivity[] = [];
  ids.forEach((id, position) => {
    const task = taskFromHash(Object.entries(replies[3 * position] as Record<string, string>));
    if (!task || task.createdAt < filter.createdFrom || task.createdAt >= filter.createdTo) return;
    if (filter.name !== undefined && task.name !== filter.name) return;
    if (filter.version !== undefined && task.version !== filter.version) return;
    activities.push({
      task,
      steps: stepsFromHash(id, Object.entries(replies[3 * position + 1] as Record<string, string>)),
      failures: parseJsonList<TransitionRecord>(replies[3 * position + 2] as string[]).filter(
        (transition) => transition.error !== undefined,
      ),
    });
  });
  return activities;
}
