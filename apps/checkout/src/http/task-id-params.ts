/** `:task_id` of the order routes: a task id is a UUID, so anything else is a 400 before the store is asked. */
export const taskIdParams = {
  type: 'object',
  required: ['task_id'],
  properties: { task_id: { type: 'string', format: 'uuid' } },
} as const;
