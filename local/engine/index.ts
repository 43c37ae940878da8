export * from './local-cloudformation';
export type { LogLine, SandboxStats } from './lambda-runtime';
export { provideRuntimePackages } from './lambda-runtime';
export { pollEnv } from './poll-env';
export * from './cloud-assembly';
