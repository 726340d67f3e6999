export * from './content';
export * from './organizations';
export * from './purchases';
export * from './stripe-webhook-events';
