export {
  createStripeClient,
  STRIPE_API_VERSION,
  type StripeClientOptions,
} from './create-stripe-client';
export {
  type CreateWorkerAppOptions,
  createWorkerApp,
  type WorkerEnv,
  type WorkerVariables,
} from './create-worker-app';
export {
  type EmailBindings,
  type EmailSettings,
  emailConfigSchema,
  readEmailSettings,
} from './email-config';
export {
  type DatabaseConfig,
  type LazyDatabase,
  type LazyDatabaseOptions,
  lazyDatabase,
} from './lazy-database';
export {
  lazyServices,
  type RequestServiceDependencies,
  requestServiceDependencies,
  type ServiceBuilders,
} from './lazy-services';
export { type ConfigResult, readConfig } from './read-config';
export { refusePlaceholders } from './refuse-placeholders';
export { type RequestDatabaseEnv, requestDatabase } from './request-database';
export { type RequestStripeEnv, requestStripe, type StripeConfig } from './request-stripe';
export { type RequireConfigEnv, type RequireConfigOptions, requireConfig } from './require-config';
export {
  ENVIRONMENTS,
  type Environment,
  type WorkerBindings,
  type WorkerConfig,
  workerConfigSchema,
} from './worker-config-schema';
