export { demoIds, seedDemoData } from './demo-data';
export { ensureDevVars, readDevVars } from './dev-vars';
export {
  defaultPorts,
  type LocalStack,
  LocalStackError,
  type LocalStackPorts,
  type StartLocalStackOptions,
  startLocalStack,
  workerDirs,
} from './start-local-stack';
