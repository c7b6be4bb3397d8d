import { StepHandler, type JsonObject, type StepContext } from '@tasker/core';

/** A shipping step's `handler_config`: the carrier's service and how many days it takes. */
interface ShippingService {
  service: string;
  eta_days: number;
}

/**
 * `ship_express` and `ship_standard` (template 1.2.0, one of them chosen by `choose_shipping`): books the order's
 * shipment with the service its step's `handler_config` names. The shop has no carrier to call: the booking is the
 * step's result, keyed by the step's idempotency key as a carrier's would be.
 */
export class ShipOrderHandler extends StepHandler {
  process(ctx: StepContext): JsonObject {
    const { order_id: orderId } = ctx.results<{ order_id: number }>('create_order');
    const { service, eta_days: etaDays } = ctx.step.config as unknown as ShippingService;
    return { order_id: orderId, service, eta_days: etaDays, booking: ctx.idempotencyKey };
  }
}
