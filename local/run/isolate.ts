/**
 * `local isolate --state F [--instance <arn>] [--undo]`: the real `isolate` command (cli/commands/isolate.ts),
 * with the same options and output, run against the local world a state file holds; the change is saved back.
 */
import { Command } from 'commander';
import { loadState, saveState } from './state';
import { parseWait, registerIsolate } from '../../cli/commands/isolate';
import { CliError, destroyClients } from '../../cli/connect';
import { ConnectEmulator } from '../emulator';

export interface LocalIsolateOptions {
  readonly state: string;
  readonly instance?: string;
  readonly undo?: boolean;
  readonly wait: string;
  readonly json?: boolean;
}

/** Runs `isolate` against an emulator holding the state file's account, then saves what it holds. */
export async function runLocalIsolate(opts: LocalIsolateOptions): Promise<void> {
  const saved = loadState(opts.state);
  if (saved === undefined) {
    throw new CliError(`The state file ${opts.state} does not exist: run local deploy with --state ${opts.state} first.`);
  }
  const w = saved.world;
  const instance = opts.instance ?? `arn:aws:connect:${w.sourceRegion}:${w.account}:instance/${w.instanceId}`;
  const emulator = await ConnectEmulator.start({ timeScale: 1, world: w });
  const keys = ['AWS_ENDPOINT_URL_CONNECT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
  const env = Object.fromEntries(keys.map(k => [k, process.env[k]]));
  try {
    emulator.restore(saved.emulator);
    // The real command, its clients pointed at the emulator with dummy credentials (it enforces IAM only for the engine's roles).
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, AWS_ACCESS_KEY_ID: 'AKIDLOCALOPERATOR', AWS_SECRET_ACCESS_KEY: 'local',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const program = new Command().exitOverride();
    registerIsolate(program);
    await program.parseAsync(['isolate', '--instance', instance, '--wait', opts.wait,
      ...(opts.undo === true ? ['--undo'] : []), ...(opts.json === true ? ['--json'] : [])], { from: 'user' });
    saveState(opts.state, { ...saved, emulator: emulator.snapshot() });
  } finally {
    destroyClients();
    for (const k of keys) {
      if (env[k] === undefined) {
        delete process.env[k];
      } else {
        process.env[k] = env[k];
      }
    }
    await emulator.stop();
  }
}

/** Adds `local isolate` to the `local` command. */
export function registerLocalIsolate(local: Command): void {
  local.command('isolate')
    .description('Runs isolate (cross-Region routing off, or back on with --undo) against the local world of a state file, '
      + 'with the same output; the instance is the state\'s unless --instance is given')
    .requiredOption('--state <file>', 'the state file that local deploy wrote')
    .option('--instance <arn>', 'the instance (default: the state\'s instance)')
    .option('--undo', 'turn cross-Region routing back on')
    .option('--wait <seconds>', 'how long to wait for GetCrossRegionRouting to read the change back', parseWait, '60')
    .option('--json', 'print one JSON document (for scripts)')
    .action(async (opts: LocalIsolateOptions) => runLocalIsolate(opts));
}
