export * from './content';
export * from './fulfillment-anomalies';
export * from './organizations';
export * from './purchases';
export * from './stripe-webhook-events';
