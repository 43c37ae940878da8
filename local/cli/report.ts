/**
 * What the `local` commands print: a line per resource operation (status, seconds), the stack's
 * outputs, and what the emulated account holds afterwards (the instance and its replica, the
 * groups with their split and agents, the numbers with their target and flows).
 */
import { ConnectEmulator } from '../emulator';
import { ProgressEvent } from '../engine';

/** One resource operation, as CloudFormation's events name it. */
export interface ResourceLine {
  readonly logicalId: string;
  readonly resourceType: string;
  /** e.g. CREATE_COMPLETE, UPDATE_FAILED, DELETE_COMPLETE. */
  readonly status: string;
  readonly seconds: number;
  readonly reason?: string;
}

export interface EmulatorReport {
  readonly instance: { arn: string; replicas: Record<string, string> };
  readonly groups: Array<{
    name: string;
    arn: string;
    status: string;
    isDefault: boolean;
    region: string;
    telephony: Record<string, number>;
    agent: Record<string, number>;
    signIn: Record<string, boolean>;
    users: string[];
  }>;
  readonly numbers: Array<{ phoneNumber: string; status: string; targetArn: string; flows: Record<string, string>; message?: string }>;
}

/** The document `--json` prints. */
export interface CommandReport {
  readonly command: 'deploy' | 'update' | 'destroy';
  readonly stack: string;
  readonly succeeded: boolean;
  /** Why it failed: the engine's message, with the failed resource and its handler's reason. */
  readonly error?: string;
  readonly resources: ResourceLine[];
  readonly outputs: Record<string, string>;
  readonly emulator?: EmulatorReport;
}

/** The line of a finished resource operation (IN_PROGRESS events give none). */
export function resourceLine(p: ProgressEvent): ResourceLine | undefined {
  if (p.status === 'IN_PROGRESS') {
    return undefined;
  }
  const status = `${p.requestType.toUpperCase()}_${p.status === 'SUCCESS' ? 'COMPLETE' : 'FAILED'}`;
  return {
    logicalId: p.logicalId,
    resourceType: p.resourceType,
    status,
    seconds: Math.round(p.elapsedMs) / 1000,
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
  };
}

export function formatResourceLine(l: ResourceLine): string {
  return `  ${l.status.padEnd(16)} ${l.seconds.toFixed(2).padStart(7)} s  ${l.resourceType.padEnd(44)} ${l.logicalId}`
    + (l.reason !== undefined ? `\n      ${l.reason}` : '');
}

/** What the emulated account holds now. */
export function emulatorReport(emulator: ConnectEmulator): EmulatorReport {
  const instance = emulator.instance();
  return {
    instance: { arn: instance.arn, replicas: instance.replicationStatus },
    groups: emulator.groups().map(g => {
      const split = emulator.distribution(g.arn);
      return {
        name: g.name,
        arn: g.arn,
        status: g.status,
        isDefault: g.isDefault,
        region: g.region,
        telephony: split.telephony,
        agent: split.agent,
        signIn: split.signIn,
        users: emulator.groupUsers(g.arn),
      };
    }),
    numbers: emulator.claimedNumbers().map(n => ({
      phoneNumber: n.phoneNumber,
      status: n.status,
      targetArn: n.targetArn,
      flows: n.flows,
      ...(n.message !== undefined ? { message: n.message } : {}),
    })),
  };
}

export function formatOutputs(outputs: Record<string, string>): string[] {
  const entries = Object.entries(outputs);
  if (entries.length === 0) {
    return [];
  }
  const width = Math.max(...entries.map(([k]) => k.length));
  return ['', 'Outputs:', ...entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}

export function formatEmulator(r: EmulatorReport): string[] {
  const percent = (m: Record<string, number>) => Object.entries(m).map(([region, p]) => `${region} ${p} %`).join(' / ') || '-';
  const replicas = Object.entries(r.instance.replicas);
  const lines = [
    '',
    'Emulator:',
    `  Instance ${r.instance.arn}`
      + (replicas.length === 0 ? ', not replicated' : `, replica ${replicas.map(([region, s]) => `${region} (${s})`).join(', ')}`),
    `  Groups (${r.groups.length}):`,
  ];
  for (const g of r.groups) {
    const signIn = Object.entries(g.signIn).map(([region, on]) => `${region} ${on ? 'yes' : 'no'}`).join(', ') || '-';
    lines.push(`    ${g.name}${g.isDefault ? ' (default)' : ''}  ${g.status}  ${g.arn}`);
    lines.push(`      calls ${percent(g.telephony)}; agents ${percent(g.agent)}; sign-in ${signIn}; ${g.users.length} agent(s)`);
  }
  lines.push(`  Numbers (${r.numbers.length}):`);
  for (const n of r.numbers) {
    const flows = Object.entries(n.flows).map(([region, arn]) => `${region} ${arn.split('/').pop()}`).join(', ') || 'none';
    lines.push(`    ${n.phoneNumber}  ${n.status}  on ${n.targetArn}  flows: ${flows}${n.message !== undefined ? `  (${n.message})` : ''}`);
  }
  return lines;
}
