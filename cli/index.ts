/**
 * `npx cdk-connect-global-resiliency <command>`: the day a Region fails. Fail over from the healthy
 * Region, watch, fail back. Bundled (the AWS SDK and commander included) into assets/cli/index.js.
 */
import { Command } from 'commander';
import { registerAdopt } from './commands/adopt';
import { registerFailover } from './commands/failover';
import { registerIsolate } from './commands/isolate';
import { registerLocalCommands } from './commands/local';
import { registerSplit } from './commands/split';
import { registerStatus } from './commands/status';
import { CliError, destroyClients, EXIT } from './connect';
import { PendingError, unknownBeforeMissing } from './usage';
import { registerLocalIsolate } from '../local/run/isolate';
import { CLI_NAME } from '../src/shared/names';

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name(CLI_NAME)
    .description('Amazon Connect Global Resiliency on the bad day: check a traffic distribution group, fail over to the healthy Region, '
      + 'fail back. Runs with your AWS credentials; every call names the group by its ARN, so it works from either Region.')
    .showHelpAfterError()
    .exitOverride();
  registerStatus(program);
  registerFailover(program);
  registerSplit(program);
  registerIsolate(program);
  registerAdopt(program);
  // `local deploy|update|destroy`: the user's own cloud assembly on the embedded emulator.
  registerLocalIsolate(registerLocalCommands(program));
  unknownBeforeMissing(program);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') {
      return 0;
    }
    if (err.code?.startsWith('commander.')) {
      return EXIT.usage; // commander printed the usage error: nothing was called
    }
    const message = err instanceof CliError ? err.message : `${err.name}: ${err.message}`;
    process.stderr.write(`error: ${message}\n`);
    if (json && !(err instanceof PendingError)) { // a pending change printed its report already
      process.stdout.write(`${JSON.stringify({ error: message }, undefined, 2)}\n`);
    }
    return err instanceof CliError && typeof err.exitCode === 'number' ? err.exitCode : EXIT.failed;
  } finally {
    destroyClients();
  }
}

if (require.main === module) {
  // The SDK's Node-version notice is about the caller's Node, not about this tool's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void main(process.argv).then(code => {
    // The `local` commands set process.exitCode themselves; a failure of either kind wins.
    process.exitCode = code !== 0 ? code : process.exitCode;
    // A failed local deploy may leave a timer of the engine's waiter behind: the process ends once
    // stdout has drained, at the latest a second later.
    setTimeout(() => process.exit(), 1000).unref();
  });
}
