/**
 * `isolate --instance <arn> [--undo]`: turns cross-Region routing of a replicated instance off
 * (UpdateCrossRegionRouting IsolatedAll true) or back on (--undo), from whichever of its two Regions
 * answers; waits until GetCrossRegionRouting reads it back and prints before -> after.
 */
import { GetCrossRegionRoutingCommand, UpdateCrossRegionRoutingCommand } from '@aws-sdk/client-connect';
import { Command, InvalidArgumentError } from 'commander';
import { REPLICATION_PAIRS } from '../../src/shared/names';
import { parseInstanceArn } from '../../src/shared/validate';
import { CliError, connect, errorName, throwIfNoCredentials } from '../connect';
import { print } from '../output';

interface IsolateOptions {
  instance: string;
  undo?: boolean;
  wait: string;
  json?: boolean;
}

/** The instance's Regions: the one of its ARN first, then its replication partner. */
export function instanceRegions(arn: string): { id: string; regions: string[] } {
  let parsed;
  try {
    parsed = parseInstanceArn('--instance', arn);
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Give the instance's ARN (arn:aws:connect:<region>:<account>:instance/<id>), as the console shows it.`);
  }
  return { id: parsed.id, regions: [parsed.region, ...(REPLICATION_PAIRS[parsed.region] ?? [])] };
}

/** The instance's ARN in `region` (the replica has the instance's id). */
export function instanceIn(arn: string, region: string): string {
  return arn.replace(/^(arn:[^:]+:connect:)[^:]+:/, `$1${region}:`);
}

const describeRouting = (isolated: string[]) => (isolated.length === 0 ? 'on (no Region isolated)' : `off (isolated: ${[...isolated].sort().join(', ')})`);

export function registerIsolate(program: Command): void {
  program.command('isolate')
    .description('Turns cross-Region routing of a replicated instance off (UpdateCrossRegionRouting with IsolatedAll true: '
      + 'contacts stay in the Region they arrive in), or back on with --undo; called in whichever of the instance\'s two '
      + 'Regions answers. Waits until GetCrossRegionRouting reads the change back and prints before -> after')
    .requiredOption('--instance <arn>', 'the ARN of the Amazon Connect instance (the source\'s or the replica\'s)')
    .option('--undo', 'turn cross-Region routing back on (IsolatedAll false)')
    .option('--wait <seconds>', 'how long to wait for GetCrossRegionRouting to read the change back', parseWait, '60')
    .option('--json', 'print one JSON document (for scripts)')
    .action(async (options: IsolateOptions) => {
      const { regions } = instanceRegions(options.instance);
      const wait = Number(options.wait);
      const isolatedAll = options.undo !== true;
      const failures: Array<{ region: string; error: string }> = [];
      for (const region of regions) {
        const instance = instanceIn(options.instance, region);
        let before: string[];
        try {
          before = await readRouting(instance, region);
        } catch (e) {
          failures.push({ region, error: reason(e, 'GetCrossRegionRouting', region, instance) });
          continue;
        }
        try {
          await connect(region).send(new UpdateCrossRegionRoutingCommand({ InstanceId: instance, IsolatedAll: isolatedAll }));
        } catch (e) {
          throw new CliError(reason(e, 'UpdateCrossRegionRouting', region, instance));
        }
        const after = await waitFor(instance, region, isolatedAll, wait);
        print(options, [
          `isolate${isolatedAll ? '' : ' --undo'}: UpdateCrossRegionRouting (IsolatedAll ${isolatedAll}) in ${region}`
            + `${failures.length > 0 ? ` (${failures.map(f => `${f.region}: ${f.error}`).join('; ')})` : ''}.`,
          `  cross-Region routing  ${describeRouting(before)} -> ${describeRouting(after)}`,
        ], { command: 'isolate', instance: options.instance, region, failures, isolatedAll, before: { isolatedRegions: before }, after: { isolatedRegions: after } });
        return;
      }
      throw new CliError(`No Region of the instance answered: ${failures.map(f => `${f.region}: ${f.error}`).join('; ')}`);
    });
}

/** `--wait`: whole seconds, 1 or more (checked before any call; commander exits 2 with the usage). */
export function parseWait(value: string): string {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('whole seconds, 1 or more (e.g. 60)');
  }
  return value;
}

async function readRouting(instance: string, region: string): Promise<string[]> {
  const out = await connect(region).send(new GetCrossRegionRoutingCommand({ InstanceId: instance }));
  return out.IsolatedRegions ?? [];
}

/** Reads GetCrossRegionRouting until it shows the change (IsolatedAll true: some Region isolated; false: none). */
async function waitFor(instance: string, region: string, isolatedAll: boolean, seconds: number): Promise<string[]> {
  const stopAt = Date.now() + seconds * 1000;
  let delay = 200;
  for (;;) {
    let isolated: string[];
    try {
      isolated = await readRouting(instance, region);
    } catch (e) {
      throw new CliError(`${reason(e, 'GetCrossRegionRouting', region, instance)} (after UpdateCrossRegionRouting was accepted: check with status).`);
    }
    if ((isolated.length > 0) === isolatedAll) {
      return isolated;
    }
    if (Date.now() + delay > stopAt) {
      throw new CliError(`UpdateCrossRegionRouting was accepted in ${region}, but GetCrossRegionRouting still reads ${describeRouting(isolated)} `
        + `after ${seconds} s. Run the command again to check it.`);
    }
    await new Promise(r => setTimeout(r, delay));
    delay = Math.min(2000, delay * 1.5);
  }
}

/** What went wrong with `call` in `region`, and what to do. */
function reason(e: unknown, call: string, region: string, instance: string): string {
  throwIfNoCredentials(e, call, region);
  const name = errorName(e);
  const message = (e as Error)?.message ?? String(e);
  if (name === 'AccessDeniedException') {
    return `${call} in ${region}: access denied (${message}). Grant the caller group.grantCrossRegionRouting(...) `
      + `(connect:${call} on the instance in both Regions).`;
  }
  if (name === 'ResourceNotFoundException') {
    return `${call} in ${region}: the instance ${instance} was not found (${message}). Check the ARN and the account.`;
  }
  if (name === 'InvalidRequestException') {
    return `${call} in ${region}: Amazon Connect refused the request (${message}). Cross-Region routing needs an instance replicated with Global Resiliency.`;
  }
  return `${call} in ${region} failed: ${name}: ${message}`;
}
