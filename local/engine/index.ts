export * from './local-cloudformation';
export type { LogLine, SandboxStats } from './lambda-runtime';
export { pollEnv } from './poll-env';
