/** The permissions a token can carry, each as a `resource:action` claim. */
export const PERMISSIONS = [
  'tasks:read',
  'tasks:create',
  'tasks:retry',
  'tasks:cancel',
  'tasks:signal',
  'tasks:purge',
  'steps:resolve',
  'templates:read',
  'analytics:read',
  'events:read',
  'metrics:read',
  'workers:read',
  'webhooks:read',
  'schedules:read',
  'schedules:write',
] as const;

/** A `resource:action` permission. */
export type Permission = (typeof PERMISSIONS)[number];
