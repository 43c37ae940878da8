import { ListPhoneNumbersV2Command } from '@aws-sdk/client-connect';
import { Command } from 'commander';
import { formatPart } from '../../src/shared/split';
import { connect, crossRegionRouting, explain, firstAnswering, groupRef, GroupRef, readSplit, Split } from '../connect';
import { print } from '../output';
import { ACCOUNT, Target } from '../target';

/** `status --group <arn>`: read from whichever of the group's two Regions answers. */
export function registerStatus(program: Command, target: Target = ACCOUNT): void {
  const command = program.command('status')
    .description('Shows a traffic distribution group: its status, the telephony, agent and sign-in split, the phone numbers on it, '
      + 'and cross-Region routing; read from whichever of its two Regions answers');
  target.options(command)
    .option('--json', 'print one JSON document (for scripts)')
    .action((options: { group?: string; json?: boolean }) => target.run(options, async arn => {
      const group = groupRef(arn);
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
    }));
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
  const { region, described, failures } = await firstAnswering(group);
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
