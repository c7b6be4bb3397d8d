import * as z from 'zod';
import { FINISHED_TASK_STATES } from '@tasker/core';
import { jsonObject } from './json-object.js';

/** A file's retention age of one state: a duration (`7d`), ms, or false. */
const retentionAge = z.union([z.string(), z.number(), z.literal(false)], {
  error: () => "must be a duration like '7d', a number of ms, or false",
});

/** A zod error option: `is required` for a missing key, `message` for a value of the wrong type. */
function expect(message: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message) };
}

const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const identifier = z
  .string(expect('must be a string'))
  .regex(IDENTIFIER, { error: (issue) => `'${String(issue.input)}' may hold only letters, digits, '_', '.' and '-'` });

const className = z.string(expect('must be a handler name (a string)')).min(1, 'must not be empty');

const version = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : typeof issue.input === 'number'
          ? "must be a semantic version such as '1.0.0'; YAML read a number here, so write all three parts or quote it"
          : "must be a semantic version such as '1.0.0'",
  })
  // Whether the string is a semantic version is core's rule (validateTemplate), reported at this key all the same.
  .min(1, 'must not be empty');

const backoff = z.strictObject(
  {
    base_ms: z.number(expect('must be a number of milliseconds')).min(0, 'must be 0 or more').optional(),
    factor: z.number(expect('must be a number')).min(1, 'must be 1 or more').optional(),
    max_ms: z.number(expect('must be a number of milliseconds')).min(0, 'must be 0 or more').optional(),
    jitter: z
      .number(expect('must be a number'))
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .optional(),
  },
  expect('must be a mapping of base_ms, factor, max_ms and jitter'),
);

const systemName = z.string(expect('must be the name of a system (a string)')).min(1, 'must not be empty');

/**
 * Events a template's handlers may publish: a name, or a mapping of a name and a description (which only documents
 * it).
 */
const customEvents = z
  .array(
    z.union(
      [identifier, z.strictObject({ name: identifier, description: z.string(expect('must be a string')).optional() })],
      { error: () => 'must be an event name or a mapping of name and description' },
    ),
    expect('must be a list of event names'),
  )
  .optional();

/** How a step, or its compensation, retries and times out. */
const retryPolicy = {
  retryable: z.boolean(expect('must be true or false')).optional(),
  retry_limit: z.int(expect('must be a whole number of retries')).min(0, 'must be 0 or more').optional(),
  timeout: z
    .number(expect('must be a number of milliseconds'))
    .positive('must be a positive number of milliseconds')
    .optional(),
  backoff: backoff.optional(),
};

/** A step's compensation: the handler that undoes it, with retries, timeout and backoff of its own. */
const compensate = z.strictObject(
  { handler_class: className, ...retryPolicy },
  expect('must be a mapping with handler_class (and retry_limit, timeout, backoff, retryable)'),
);

const positiveInt = (what: string) => z.int(expect(`must be a whole number of ${what}`)).positive('must be 1 or more');
// Whether the key is a value path is core's rule (validateTemplate), reported at this key all the same.
const limitKey = z.string(expect('must be a value path such as $.context.merchant_id'));

/** A step's concurrency key: at most `limit` attempts at once per value of `key`, across workers. */
const concurrency = z.strictObject(
  { key: limitKey, limit: positiveInt('attempts') },
  expect('must be a mapping of key and limit'),
);

/** A step's rate limit: at most `limit` attempts started per `period_ms` per value of `key`, across workers. */
const rateLimit = z.strictObject(
  { key: limitKey, limit: positiveInt('attempts'), period_ms: positiveInt('milliseconds') },
  expect('must be a mapping of key, limit and period_ms'),
);

/** The settings of a step that an environment may override. */
const stepSettings = {
  description: z.string(expect('must be a string')).optional(),
  // Required for a step of type handler or decision (core's rule, reported at this key); sleep and signal steps have none.
  handler_class: className.optional(),
  ...retryPolicy,
  handler_config: jsonObject.optional(),
  compensate: compensate.optional(),
  skippable: z.boolean(expect('must be true or false')).optional(),
  concurrency: concurrency.optional(),
  rate_limit: rateLimit.optional(),
};

/** One entry of `step_templates`. */
export const stepDocument = z
  .strictObject(
    {
      name: identifier,
      type: z
        .enum(['handler', 'sleep', 'signal', 'decision'], { error: () => 'must be handler, sleep, signal or decision' })
        .optional(),
      /** Makes a handler step a map step: its handler runs once per element of the array `over` points to. */
      map: z
        .strictObject(
          {
            over: z.string(expect('must be a value path such as $.context.items')),
            max_parallel: z.int(expect('must be a whole number')).positive('must be 1 or more').optional(),
          },
          expect('must be a mapping with over (and max_parallel)'),
        )
        .optional(),
      /** Runs only when a decision step it depends on activates it; otherwise ends skipped. */
      deferred: z.boolean(expect('must be true or false')).optional(),
      ...stepSettings,
      /** A sleep step's length in milliseconds. */
      duration: z.number(expect('must be a number of milliseconds')).min(0, 'must be 0 or more').optional(),
      /** When a sleep step ends: an ISO 8601 time or the dotted path of a context value. */
      until: z.string(expect('must be an ISO 8601 time or a context path')).min(1, 'must not be empty').optional(),
      /** The signal a signal step waits for. */
      signal: identifier.optional(),
      /** JSON Schema of a signal step's payload. */
      schema: jsonObject.optional(),
      dependent_system: systemName.optional(),
      custom_events: customEvents,
      depends_on_step: z.string(expect('must be the name of a step')).optional(),
      depends_on_steps: z
        .array(z.string(expect('must be the name of a step')), expect('must be a list of step names'))
        .optional(),
    },
    expect('must be a mapping (a step)'),
  )
  .superRefine((step, ctx) => {
    // A step of type handler (the default) names its handler; sleep and signal steps run a built-in one.
    if ((step.type ?? 'handler') === 'handler' && step.handler_class === undefined) {
      ctx.addIssue({
        code: 'invalid_type',
        expected: 'string',
        input: undefined,
        path: ['handler_class'],
        message: 'is required',
      });
    }
  });

/** One entry of `environments.<env>.step_templates`: a step's name and the settings to merge over it. */
export const stepOverride = z.strictObject(
  { name: z.string(expect('must be the name of a step')), ...z.object(stepSettings).partial().shape },
  expect('must be a mapping (a step override)'),
);

const environment = z.strictObject(
  { step_templates: z.array(stepOverride, expect('must be a list of step overrides')) },
  expect('must be a mapping with step_templates'),
);

/** One entry of `schedules`: a schedule of tasks of this template; cron and time zone are checked by the parser. */
export const scheduleDocument = z.strictObject(
  {
    id: identifier,
    cron: z.string(expect('must be a cron expression (a string)')).min(1, 'must not be empty'),
    timezone: z.string(expect('must be an IANA time zone such as Europe/Oslo')).optional(),
    context: jsonObject.optional(),
    catch_up: z.enum(['none', 'latest', 'all'], expect("must be 'none', 'latest' or 'all'")).optional(),
    overlap: z.enum(['allow', 'skip'], expect("must be 'allow' or 'skip'")).optional(),
  },
  expect('must be a mapping (a schedule)'),
);

/** A task template file as written: the seed's YAML format, snake_case keys, nothing unknown allowed. */
export const templateDocument = z.strictObject(
  {
    name: identifier,
    namespace_name: identifier,
    version,
    task_handler_class: className.optional(),
    // Names the Ruby module a seed template's handler classes lived in; nothing here needs it.
    module_namespace: z.string(expect('must be a string')).optional(),
    description: z.string(expect('must be a string')).optional(),
    default_dependent_system: systemName.optional(),
    default_retryable: z.boolean(expect('must be true or false')).optional(),
    default_retry_limit: z.int(expect('must be a whole number of retries')).min(0, 'must be 0 or more').optional(),
    named_steps: z
      .array(z.string(expect('must be the name of a step')), expect('must be a list of step names'))
      .optional(),
    custom_events: customEvents,
    /**
     * Signals the template's handlers wait for with ctx.waitForSignal (signal steps declare their own): a name, or a
     * mapping of a name, a JSON Schema its payload must match, and a description (which only documents it).
     */
    signals: z
      .array(
        z.union(
          [
            identifier,
            z.strictObject({
              name: identifier,
              schema: jsonObject.optional(),
              description: z.string(expect('must be a string')).optional(),
            }),
          ],
          { error: () => 'must be a signal name or a mapping of name, schema and description' },
        ),
        expect('must be a list of signal names'),
      )
      .optional(),
    schema: jsonObject.optional(),
    max_parallel_steps: z.int(expect('must be a whole number')).positive('must be 1 or more').optional(),
    deadline_ms: z
      .int(expect('must be a whole number of milliseconds'))
      .positive('must be 1 or more (milliseconds)')
      .optional(),
    // Whether it is a priority (0 to 1000) is core's rule (validateTemplate), reported at this key all the same.
    priority: z.int(expect('must be a whole number')).optional(),
    retry_after_compensation: z.boolean(expect('must be true or false')).optional(),
    /** How long finished tasks are kept, by state: `7d`, `12h`, ms, or false (for ever); durations checked by core. */
    retention: z
      .strictObject(
        Object.fromEntries(FINISHED_TASK_STATES.map((state) => [state, retentionAge.optional()])),
        expect(`must be a mapping of finished states (${FINISHED_TASK_STATES.join(', ')}) to durations`),
      )
      .optional(),
    step_templates: z.array(stepDocument, expect('must be a list of steps')).min(1, 'needs at least one step'),
    schedules: z.array(scheduleDocument, expect('must be a list of schedules')).optional(),
    environments: z.record(z.string(), environment, expect('must be a mapping of environment names')).optional(),
  },
  expect('must be a mapping (a task template)'),
);

/** A template file that passed the schema. */
export type TemplateDocument = z.infer<typeof templateDocument>;
/** A step of a template file that passed the schema. */
export type StepDocument = z.infer<typeof stepDocument>;
/** An environment's override of one step. */
export type StepOverride = z.infer<typeof stepOverride>;
