import { ListPhoneNumbersV2Command } from '@aws-sdk/client-connect';
import { Command } from 'commander';
import { formatPart } from '../../src/shared/split';
import { CliError, connect, crossRegionRouting, describeGroup, explain, groupRef, GroupRef, NO_CREDENTIALS, readSplit, Split } from '../connect';
import { print } from '../output';

/** `status --group <arn>`: read from whichever of the group's two Regions answers. */
export function registerStatus(program: Command): void {
  program.command('status')
    .description('Shows a traffic distribution group: its status, the telephony, agent and sign-in split, the phone numbers on it, '
      + 'and cross-Region routing; read from whichever of its two Regions answers')
    .requiredOption('--group <arn>', 'the ARN of the traffic distribution group')
    .option('--json', 'print one JSON document (for scripts)')
    .action(async (options: { group: string; json?: boolean }) => {
      const group = groupRef(options.group);
      const { region, failures, report } = await firstAnswer(group);
      const lines = [
        `Group ${report.name} (${group.arn})`,
        `  answered by ${region}${failures.length > 0 ? ` (${failures.map(f => `${f.region}: ${f.error}`).join('; ')})` : ''}`,
        `  status     ${report.status}${report.isDefault ? ' (default group)' : ''}`,
        ...(report.split === undefined ? [`  split      not readable: ${report.splitError}`] : [
          `  telephony  ${formatPart(report.split.telephony)}`,
          `  agents     ${formatPart(report.split.agent)}`,
          `  sign-in    ${formatPart(report.split.signIn)}`,
        ]),
        `  numbers    ${report.numbers.length === 0 ? '(none)' : report.numbers.join(', ')}`,
        `  cross-Region routing (${region}): ${report.routing.error !== undefined ? `unknown (${report.routing.error})`
          : report.routing.isolatedRegions.length === 0 ? 'on' : `isolated: ${report.routing.isolatedRegions.join(', ')}`}`,
      ];
      print(options, lines, { group: group.arn, region, failures, ...report });
    });
}

interface Report {
  name?: string;
  status?: string;
  isDefault: boolean;
  instanceArn?: string;
  split?: Split;
  splitError?: string;
  numbers: string[];
  routing: { isolatedRegions: string[]; error?: string };
}

async function firstAnswer(group: GroupRef): Promise<{ region: string; failures: Array<{ region: string; error: string }>; report: Report }> {
  const failures: Array<{ region: string; error: string }> = [];
  for (const region of group.regions) {
    let described;
    try {
      described = await describeGroup(group, region);
    } catch (e) {
      const err = e as CliError;
      if (/was not found/.test(err.message) && region === group.source) {
        throw err; // the group's own Region says it does not exist
      }
      if (err.message.startsWith(NO_CREDENTIALS)) {
        throw err; // no Region is to blame: asking the other one would fail the same way
      }
      failures.push({ region, error: err.message });
      continue;
    }
    const report: Report = {
      name: described.Name,
      status: described.Status,
      isDefault: described.IsDefault === true,
      instanceArn: described.InstanceArn,
      numbers: [],
      routing: { isolatedRegions: [] },
    };
    try {
      report.split = await readSplit(group, region);
    } catch (e) {
      report.splitError = (e as Error).message;
    }
    report.numbers = await numbers(group, region).catch(e => [`(not listed: ${(e as Error).message})`]);
    const routing = await crossRegionRouting(described.InstanceArn, region);
    report.routing = routing.error !== undefined ? { isolatedRegions: [], error: routing.error } : { isolatedRegions: routing.isolatedRegions ?? [] };
    return { region, failures, report };
  }
  throw new CliError(`No Region of the group answered: ${failures.map(f => `${f.region}: ${f.error}`).join('; ')}`);
}

async function numbers(group: GroupRef, region: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await connect(region).send(new ListPhoneNumbersV2Command({ TargetArn: group.arn, MaxResults: 100, NextToken: token }));
      out.push(...(page.ListPhoneNumbersSummaryList ?? []).map(n => n.PhoneNumber ?? n.PhoneNumberId ?? '?'));
      token = page.NextToken;
    } catch (e) {
      throw explain(e, 'ListPhoneNumbersV2', region, group);
    }
  } while (token !== undefined && out.length < 1000);
  return out;
}
