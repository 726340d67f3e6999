export { demoIds, seedDemoData } from './demo-data';
export { ensureDevVars, readDevVars } from './dev-vars';
export { type LatencyProxy, type LatencyProxyOptions, startLatencyProxy } from './latency-proxy';
export {
  defaultPorts,
  LOCAL_STAFF_AUDIENCE,
  type LocalStack,
  LocalStackError,
  type LocalStackPorts,
  type StartLocalStackOptions,
  startLocalStack,
  workerDirs,
} from './start-local-stack';
