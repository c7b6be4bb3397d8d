import type { ChainableCommander } from 'ioredis';

/**
 * Sends a pipeline in one round trip and answers its replies in the order the commands were queued, throwing the
 * first command's error instead of handing back `[error, reply]` pairs.
 */
export async function pipelineReplies(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
