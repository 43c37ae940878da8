export * from './connect-emulator';
export * from './seed';
export { ConnectError, ROUTES } from './wire';
export { FOREIGN_SOURCE_NUMBER_ARN, SOURCE_NUMBERS } from './import';
export type { SourceNumber } from './import';
export * from './iam';
