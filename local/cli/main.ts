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
  // The command set process.exitCode. A failed deploy may leave a timer of the engine's waiter
  // behind: the process ends once stdout has drained, at the latest a second later.
  () => setTimeout(() => process.exit(), 1000).unref(),
  e => {
    console.error((e as Error).message);
    process.exitCode = 1;
  },
);
