/**
 * The `local` commands' arguments: deploy the user's own app (a cloud assembly `cdk synth` wrote)
 * to the embedded Connect emulator, on the offline world's virtual clock; what each command runs is
 * local/run/command.ts. Then the game day on the same state file (local/run/gameday.ts).
 *
 *   local deploy <assembly> [--stack NAME]    create the stack (or update it, with --state)
 *   local update <assembly> [--stack NAME]    update the stack deployed before (needs --state)
 *   local destroy [--stack NAME]              delete it (needs --state)
 *   local outage|recover <region> --state F   take a Region of the local world down, bring it back
 *   local status|failover|split --state F     the tool's own commands, against the local world
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerFailover } from './failover';
import { registerSplit } from './split';
import { registerStatus } from './status';
import { LocalOptions, runLocalCommand } from '../../local/run/command';
import { setOutage, withLocalWorld, groupOf, requireState } from '../../local/run/gameday';
import { WorldOptions } from '../../local/run/open';
import { CommandReport } from '../../local/run/report';
import { CliError, destroyClients } from '../connect';
import { print } from '../output';
import { Target } from '../target';

/** Adds `local deploy | update | destroy | outage | recover | status | failover | split` to a commander program. */
export function registerLocalCommands(program: Command): Command {
  const local = program.command('local')
    .description('Deploy your own CDK app to an embedded Amazon Connect emulator (no account, no credentials, no Docker), '
      + 'then rehearse the bad day on it: outage, failover, status, split, recover');
  const common = (c: Command) => worldOptions(c)
    .option('--stack <name>', 'the stack to work on (needed when the assembly, or the state file, has several)')
    .option('--state <file>', 'keep the emulator and the deployed stacks in this JSON file between commands')
    .option('--json', 'print one JSON document instead of text')
    .option('--logs', "print the Lambda functions' logs as they are written")
    .option('--verbose', "list every resource's line (the provider framework's functions, roles and state machine too)");

  common(local.command('deploy <assembly>')
    .description('deploy a stack of a cloud assembly (the cdk.out directory of `cdk synth`); says how long it would take on AWS'))
    .action(async (assembly: string, opts: LocalOptions) => exitCodeOf(await runLocalCommand('deploy', opts, assembly)));
  common(local.command('update <assembly>')
    .description('update the stack deployed before (with --state) to a new cloud assembly'))
    .action(async (assembly: string, opts: LocalOptions) => exitCodeOf(await runLocalCommand('update', opts, assembly)));
  common(local.command('destroy')
    .description('delete the stack deployed before (with --state)'))
    .action(async (opts: LocalOptions) => exitCodeOf(await runLocalCommand('destroy', opts)));
  registerOutage(local);
  registerStatus(local, LOCAL_WORLD);
  registerFailover(local, LOCAL_WORLD);
  registerSplit(local, LOCAL_WORLD);
  return local;
}

/** `--seed` and `--time-scale`, the world's options. */
function worldOptions(c: Command): Command {
  return c
    .addOption(new Option('--seed <n>', 'the run\'s seed (every command prints it): the same seed and state file replay a command exactly').argParser(parseSeed))
    .addOption(new Option('--time-scale <factor>', 'pace the simulated time in real time, e.g. 0.05 shows a 10 s wait in 0.5 s (default: '
      + 'none, simulated time jumps whenever everything waits)').argParser(parseTimeScale));
}

/** The local world of `--state` as the target of status, failover and split. */
const LOCAL_WORLD: Target = {
  options: c => worldOptions(c
    .requiredOption('--state <file>', 'the state file of local deploy: the local world to run the command against')
    .option('--group <arn>', 'the ARN of the traffic distribution group (default: the one group of the state\'s stacks)')),
  run: async (options, body) => {
    const opts = options as { group?: string; state: string; json?: boolean } & WorldOptions;
    const group = wrap(() => groupOf(requireState(opts.state), opts.state, opts.group));
    await withLocalWorld(opts.state, opts, async () => {
      try {
        await body(group);
      } finally {
        destroyClients();
      }
    }, line => process.stderr.write(opts.json === true ? '' : `${line}\n`));
  },
};

function registerOutage(local: Command): void {
  const help = 'every Amazon Connect call to the Region, the handlers\' and the tool\'s, is answered 503 ServiceUnavailableException '
    + '(the endpoint answers with a server error; not a connection error), as during an outage, until local recover';
  for (const [name, down] of [['outage', true], ['recover', false]] as const) {
    local.command(`${name} <region>`)
      .description(down ? `take a Region of the local world down: ${help}` : 'bring a Region of the local world back (local outage undone)')
      .requiredOption('--state <file>', 'the state file of local deploy')
      .option('--json', 'print one JSON document instead of text')
      .action((region: string, opts: { state: string; json?: boolean }) => {
        const outages = wrap(() => setOutage(opts.state, region, down));
        print(opts, [down
          ? `${region} is down in the local world of ${opts.state}: every Amazon Connect call there is answered 503 ServiceUnavailableException `
            + `until: local recover ${region} --state ${opts.state}`
          : `${region} is back in the local world of ${opts.state}.`,
        `  Regions down: ${outages.length === 0 ? 'none' : outages.join(', ')}`], { region, down, outages });
      });
  }
}

/** An error of the state file, as the tool reports its own (no stack trace). */
function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof CliError ? e : new CliError((e as Error).message);
  }
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) >= 2 ** 31) {
    throw new InvalidArgumentError('a whole number from 0 to 2147483647 (as a command printed it)');
  }
  return Number(value);
}

function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) {
    throw new InvalidArgumentError('a number above 0 and at most 1 (1 runs at the service\'s real speed)');
  }
  return n;
}

function exitCodeOf(report: CommandReport): void {
  if (!report.succeeded) {
    process.exitCode = 1;
  }
}
