#!/usr/bin/env node
/**
 * A command-line entry with only the `local` commands (bundled to assets/local-cli.js by
 * `npx projen bundle:local-cli`), until the product's CLI registers them beside its own.
 */
import { Command } from 'commander';
import { registerLocalCommands } from './commands';

const program = new Command('cdk-connect-global-resiliency');
registerLocalCommands(program);
program.parseAsync(process.argv).then(
  // Exits at once: a failed deploy may leave a waiter's timer of the engine behind.
  () => process.exit(),
  e => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
