import { freshPostgresDatabase, type TestDatabase } from '@tasker/store-knex/testing';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateShop } from '../database/migrations/migrate-shop.js';
import { seedProducts } from '../database/seed-products.js';
import { TEST_SIMULATION } from '../test-fixtures/test-app.js';
import { InventoryService } from './inventory-service.js';
import { Mailer } from './mailer.js';
import { PaymentProcessor } from './payment-processor.js';
import { ServiceSimulation } from './service-simulation.js';

/** Racing calls with one idempotency key, as a timed-out attempt still running beside its retry would make. */
describe('the simulated services on PostgreSQL, called at once with one idempotency key', () => {
  let database: TestDatabase;
  let db: Knex;
  const simulation = new ServiceSimulation(TEST_SIMULATION);
  const call = (key: string) => ({ idempotencyKey: key, reference: 'task-1', signal: new AbortController().signal });

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    db = knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 10 } });
    await migrateShop(db);
    await seedProducts(db);
    // The order the confirmation email belongs to, paid by an earlier charge.
    await db('payments').insert({
      id: 'pi_earlier',
      idempotency_key: 'task-0:process_payment',
      reference: 'task-0',
      token: 'tok_success',
      amount_cents: 100,
      created_at: 0,
    });
    await db('orders').insert({
      task_id: 'task-0',
      payment_id: 'pi_earlier',
      customer_email: 'a@example.com',
      customer_name: 'A',
      items: '[]',
      subtotal_cents: 100,
      tax_cents: 0,
      total_cents: 100,
      created_at: 0,
    });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('charges once: every caller gets the same charge and the table holds one row', async () => {
    const payments = new PaymentProcessor(db, simulation);
    const charges = await Promise.all(
      Array.from({ length: 8 }, () =>
        payments.charge({
          ...call('task-1:process_payment'),
          token: 'tok_success',
          amountCents: 9_999,
          merchantId: 'm-1',
        }),
      ),
    );
    expect(new Set(charges.map((charge) => charge.id)).size).toBe(1);
    expect(await db('payments').where({ idempotency_key: 'task-1:process_payment' })).toHaveLength(1);
    // The eight calls were in flight at once for their merchant, as the Black Friday bench reads it.
    expect(simulation.paymentsInFlight.peaks()).toMatchObject({ 'm-1': 8 });
  });

  it('moves stock once: racing reservations leave one sale movement per item and the stock taken once', async () => {
    const inventory = new InventoryService(db, simulation);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        inventory.reserve({ ...call('task-1:update_inventory'), items: [{ productId: 2, quantity: 3 }] }),
      ),
    );
    expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(await db('inventory_movements').where({ idempotency_key: 'task-1:update_inventory' })).toHaveLength(1);
    expect((await db('products').where({ id: 2 }).first('stock')).stock).toBe(7);
    // A later retry finds the reservation made.
    expect(
      await inventory.reserve({ ...call('task-1:update_inventory'), items: [{ productId: 2, quantity: 3 }] }),
    ).toEqual({
      movements: 1,
    });
  });

  it('refunds once: racing refunds of one charge, under one key or two, leave one refund of the whole charge', async () => {
    const payments = new PaymentProcessor(db, simulation);
    const charge = await payments.charge({
      ...call('task-2:process_payment'),
      token: 'tok_success',
      amountCents: 4_200,
      merchantId: 'm-1',
    });
    const refunds = await Promise.all(
      ['task-2:process_payment:compensate', 'task-2:process_payment:compensate', 'another-key'].map((key) =>
        payments.refund({ ...call(key), chargeKey: 'task-2:process_payment' }),
      ),
    );
    expect(new Set(refunds.map((refund) => refund?.id)).size).toBe(1);
    expect(refunds[0]).toEqual({
      id: expect.stringMatching(/^re_/),
      paymentId: charge.id,
      amountCents: 4_200,
      createdAt: expect.any(Number),
    });
    expect(await db('refunds').where({ payment_id: charge.id })).toHaveLength(1);
  });

  it('refunds nothing for a charge never made, and refuses a charge arriving under that key afterwards', async () => {
    const payments = new PaymentProcessor(db, simulation);
    expect(
      await payments.refund({ ...call('task-3:process_payment:compensate'), chargeKey: 'task-3:process_payment' }),
    ).toBe(undefined);
    expect(await db('refunds').where({ idempotency_key: 'task-3:process_payment:compensate' })).toEqual([]);
    // An aborted attempt's charge that arrives after the refund: refused, so no charge stays without its refund.
    await expect(
      payments.charge({ ...call('task-3:process_payment'), token: 'tok_success', amountCents: 100, merchantId: 'm-1' }),
    ).rejects.toThrow('charge refused: this payment was voided when its checkout was compensated');
    expect(
      await db('payments').where({ idempotency_key: 'task-3:process_payment' }).select('amount_cents', 'voided_at'),
    ).toEqual([{ amount_cents: 0, voided_at: expect.anything() }]);
  });

  it('restocks once: racing restocks put back what the reservation took, one return movement per product; a reservation arriving after refused', async () => {
    const inventory = new InventoryService(db, simulation);
    const before = Number((await db('products').where({ id: 4 }).first('stock')).stock);
    await inventory.reserve({ ...call('task-4:update_inventory'), items: [{ productId: 4, quantity: 2 }] });
    const restocks = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        inventory.restock({ ...call('task-4:update_inventory:compensate'), reservationKey: 'task-4:update_inventory' }),
      ),
    );
    expect(restocks.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(
      await db('inventory_movements')
        .where({ idempotency_key: 'task-4:update_inventory:compensate' })
        .select('reason', 'quantity_delta'),
    ).toEqual([{ reason: 'return', quantity_delta: 2 }]);
    expect(Number((await db('products').where({ id: 4 }).first('stock')).stock)).toBe(before);
    // A reservation that never happened has nothing to put back.
    expect(
      await inventory.restock({
        ...call('task-5:update_inventory:compensate'),
        reservationKey: 'task-5:update_inventory',
      }),
    ).toEqual({ movements: 0 });
    // An aborted attempt's reservation that arrives after the restock: refused, so no stock stays taken.
    await expect(
      inventory.reserve({ ...call('task-5:update_inventory'), items: [{ productId: 4, quantity: 1 }] }),
    ).rejects.toThrow('reservation refused: it was voided when its checkout was compensated');
    expect(await db('inventory_movements').where({ idempotency_key: 'task-5:update_inventory' })).toEqual([]);
  });

  it('sends one email', async () => {
    const mailer = new Mailer(db, simulation);
    const order = await db('orders').where({ task_id: 'task-0' }).first('id');
    const sent = await Promise.all(
      Array.from({ length: 8 }, () =>
        mailer.send({ ...call('task-1:send_confirmation'), orderId: order.id, to: 'a@example.com', subject: 'Hi' }),
      ),
    );
    expect(new Set(sent.map((message) => message.messageId)).size).toBe(1);
    expect(await db('sent_emails').where({ idempotency_key: 'task-1:send_confirmation' })).toHaveLength(1);
  });
});
