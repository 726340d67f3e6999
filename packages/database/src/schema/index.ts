export * from './content';
export * from './fulfillment-anomalies';
export * from './organizations';
export * from './payment-events';
export * from './purchases';
export * from './stripe-webhook-events';
