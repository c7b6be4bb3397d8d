import type { Knex } from 'knex';
import type { ServiceCall, ServiceSimulation } from './service-simulation.js';

/** A confirmation email to send. */
export interface EmailRequest extends ServiceCall {
  orderId: number;
  to: string;
  subject: string;
}

/** A simulated mailer that records what it sends in `sent_emails`, once per idempotency key. */
export class Mailer {
  readonly #db: Knex;
  readonly #simulation: ServiceSimulation;

  constructor(db: Knex, simulation: ServiceSimulation) {
    this.#db = db;
    this.#simulation = simulation;
  }

  /** @returns the id of the sent message (the first one's, when the key was sent already). */
  send(request: EmailRequest): Promise<{ messageId: string }> {
    return this.#simulation.run('mailer', request, async () => {
      await this.#db('sent_emails')
        .insert({
          idempotency_key: request.idempotencyKey,
          reference: request.reference,
          order_id: request.orderId,
          recipient: request.to,
          subject: request.subject,
          created_at: Date.now(),
        })
        .onConflict('idempotency_key')
        .ignore();
      const row = await this.#db('sent_emails').where({ idempotency_key: request.idempotencyKey }).first('id');
      return { messageId: `msg_${String(row?.id)}` };
    });
  }
}
