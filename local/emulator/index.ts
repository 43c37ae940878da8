export * from './connect-emulator';
export * from './seed';
export { ConnectError, ROUTES } from './wire';
export * from './iam';
