import { describe, expect, it } from 'vitest';
import { configFromEnvironment } from './checkout-config.js';

describe('configFromEnvironment', () => {
  it('defaults to the SQLite file on port 3000 with no faults and the seed’s express timeout', () => {
    const config = configFromEnvironment({});
    expect(config).toMatchObject({
      port: 3000,
      storage: { sqliteFile: expect.stringMatching(/checkout\.sqlite$/) },
      simulation: { transientFaultRate: 0, flakyFailures: 2 },
      paymentTimeouts: { expressMs: 15_000 },
    });
    expect(config.storage.databaseUrl).toBeUndefined();
    expect(config.paymentTimeouts.standardMs).toBeUndefined();
  });

  it('switches to PostgreSQL, Redis and injected faults from the environment', () => {
    const config = configFromEnvironment({
      DATABASE_URL: 'postgres://postgres@db:5432/shop',
      REDIS_URL: 'redis://cache:6379',
      FAULT_RATE: '0.15',
      SERVICE_LATENCY_MS: '5-20',
    });
    expect(config.storage).toMatchObject({
      databaseUrl: 'postgres://postgres@db:5432/shop',
      redisUrl: 'redis://cache:6379',
    });
    expect(config.simulation).toMatchObject({ transientFaultRate: 0.15, latencyMs: { min: 5, max: 20 } });
  });

  it('runs the sales summary at 02:00:00 unless SALES_SUMMARY_CRON says when', () => {
    expect(configFromEnvironment({}).salesSummaryCron).toBe('0 0 2 * * *');
    expect(configFromEnvironment({ SALES_SUMMARY_CRON: '0 30 23 * * *' }).salesSummaryCron).toBe('0 30 23 * * *');
  });

  it('loads the repository templates unless TASKER_TEMPLATES_DIR names another folder', () => {
    expect(configFromEnvironment({}).templatesDir).toMatch(/config\/tasker\/tasks$/);
    expect(configFromEnvironment({ TASKER_TEMPLATES_DIR: '/srv/templates' }).templatesDir).toBe('/srv/templates');
  });

  it('limits checkouts to 100 a minute per client unless told otherwise, 0 meaning no limit', () => {
    expect(configFromEnvironment({}).checkoutRateLimit).toEqual({ max: 100, timeWindowMs: 60_000 });
    expect(
      configFromEnvironment({ CHECKOUT_RATE_LIMIT: '5', CHECKOUT_RATE_WINDOW_MS: '1000' }).checkoutRateLimit,
    ).toEqual({ max: 5, timeWindowMs: 1_000 });
    expect(configFromEnvironment({ CHECKOUT_RATE_LIMIT: '0' }).checkoutRateLimit).toBe(false);
  });

  it.each([
    [{ FAULT_RATE: '15%' }, "FAULT_RATE must be a number from 0 to 1, not '15%'"],
    [{ PORT: 'eighty' }, "PORT must be a whole number of zero or more, not 'eighty'"],
    [{ SERVICE_LATENCY_MS: '20-5' }, "SERVICE_LATENCY_MS must be 'min-max' milliseconds with min <= max, not '20-5'"],
    [{ DATABASE_URL: 'mysql://x' }, "DATABASE_URL must be a postgres:// URL, not 'mysql://x'"],
    [
      { DATABASE_URL: 'mysql://root:hunter2@db/x' },
      "DATABASE_URL must be a postgres:// URL, not 'mysql://root:***@db/x'",
    ],
    [{ CHECKOUT_RATE_LIMIT: 'lots' }, "CHECKOUT_RATE_LIMIT must be a whole number of zero or more, not 'lots'"],
    [{ CHECKOUT_RATE_WINDOW_MS: '0' }, 'CHECKOUT_RATE_WINDOW_MS must be at least 1'],
    [{ STOP_GRACE_PERIOD_MS: '10s' }, "STOP_GRACE_PERIOD_MS must be a whole number of zero or more, not '10s'"],
    [{ STORE_TIMEOUT_MS: '0' }, 'STORE_TIMEOUT_MS must be at least 1'],
    [{ SALES_SUMMARY_CRON: 'nightly' }, "SALES_SUMMARY_CRON must be a cron expression, not 'nightly'"],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => configFromEnvironment(env)).toThrow(message);
  });
});
