import { LuaScript } from './lua-script.js';

/** The store's Lua scripts (`src/lua/*.lua`), each read once when the store's module loads. */
export const SCRIPTS = {
  createTask: new LuaScript('create-task'),
  publishTask: new LuaScript('publish-task'),
  replaceIdempotencyHolder: new LuaScript('replace-idempotency-holder'),
  commit: new LuaScript('commit'),
  appendEvents: new LuaScript('append-events'),
  claimTasks: new LuaScript('claim-tasks'),
  peekClaimable: new LuaScript('peek-claimable'),
  claimTask: new LuaScript('claim-task'),
  renewLeases: new LuaScript('renew-leases'),
  releaseLeases: new LuaScript('release-leases'),
  listWorkers: new LuaScript('list-workers'),
  listTasks: new LuaScript('list-tasks'),
  sendSignal: new LuaScript('send-signal'),
  migrate: new LuaScript('migrate'),
  claimSubscriber: new LuaScript('claim-subscriber'),
  saveSubscriberPosition: new LuaScript('save-subscriber-position'),
  releaseSubscriber: new LuaScript('release-subscriber'),
  recordWebhookDelivery: new LuaScript('record-webhook-delivery'),
  advanceSchedule: new LuaScript('advance-schedule'),
  purgeTask: new LuaScript('purge-task'),
  purgeTaskEvents: new LuaScript('purge-task-events'),
  releaseIdempotencyKey: new LuaScript('release-idempotency-key'),
} as const;
