/** The transports Opsbook delivers over; a pack channel's `kind` maps onto one (see plan.ts). */
export const DELIVERY_KINDS = ['email', 'slack', 'sms', 'whatsapp', 'voice', 'webhook', 'in-app'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
