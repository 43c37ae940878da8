/**
 * What the `local` commands print: the emulator's modelled durations, a line per operation on the
 * library's resources (the provider framework's rows summed up in one line, all with --verbose) (status, seconds; a Delete says what its removal policy did:
 * deleted, released, or retained and left running), the stack's outputs, what the emulated
 * account holds afterwards (the instance and its replica, the groups with their split and agents,
 * the numbers with their target and flows), and after a destroy what it left running.
 */
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE, PhoneProps, PhoneRemoval, ReplicaProps, TdgProps,
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';
import { ConnectEmulator, EmulatorDurations } from '../emulator';
import { ProgressEvent } from '../engine';

/** One resource operation, as CloudFormation's events name it. */
export interface ResourceLine {
  readonly logicalId: string;
  readonly resourceType: string;
  /** e.g. CREATE_COMPLETE, UPDATE_FAILED, DELETE_COMPLETE. */
  readonly status: string;
  readonly seconds: number;
  readonly reason?: string;
  /** A completed Delete: what it did (deleted, released, or retained and left running), from the resource's removal policy. */
  readonly meaning?: string;
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
  /** After a destroy: what the stack's removal policies left running in the account, outside any stack. */
  readonly leftRunning?: string[];
  /** Amazon Connect API calls the emulator answered during the command. */
  readonly apiCalls?: number;
  /** Wall-clock seconds of the command (on this machine). */
  readonly seconds?: number;
  /** The run's seed: `--seed` with it (and the same state file) replays the command. */
  readonly seed?: number;
  /** Simulated seconds of the deploy, update or destroy: about what it takes on AWS, whatever the machine. */
  readonly simulatedSeconds?: number;
}

const LIBRARY_TYPES = new Set([
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
]);

/** Whether a resource is one of this library's (the rest is the provider framework and the user's own). */
export function isLibraryResource(type: string): boolean {
  return LIBRARY_TYPES.has(type);
}

/** The operations on resources other than the library's that went well, as one line (none failed: failures are printed in full). */
export function summarizeOthers(lines: ReadonlyArray<ResourceLine>): string[] {
  const others = lines.filter(l => !isLibraryResource(l.resourceType) && !l.status.endsWith('_FAILED'));
  if (others.length === 0) {
    return [];
  }
  const byStatus = new Map<string, number>();
  others.forEach(l => byStatus.set(l.status, (byStatus.get(l.status) ?? 0) + 1));
  const seconds = Math.max(...others.map(l => l.seconds));
  return [`  + ${others.length} other resource operations (the provider framework's functions, roles, state machine...): `
    + `${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}, the longest ${seconds.toFixed(2)} s (--verbose lists them)`];
}

/** The line of a finished resource operation (IN_PROGRESS events give none); a completed Delete says what it did. */
export function resourceLine(p: ProgressEvent, resources: Resources = {}): ResourceLine | undefined {
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
    ...(p.requestType === 'Delete' && p.status === 'SUCCESS' && p.resourceType.startsWith('Custom::')
      ? { meaning: nothingMade(p) ?? (deleteMeaning(p.resourceType, resources[p.logicalId]?.Properties ?? {}, resources) || undefined) } : {}),
  };
}

/**
 * The Delete of a number or group whose create failed before it claimed or created anything (a
 * rollback): its physical id is not the resource's ARN, and nothing was retained or deleted.
 */
function nothingMade(p: ProgressEvent): string | undefined {
  const id = p.physicalResourceId;
  if (id === undefined) {
    return undefined;
  }
  if (p.resourceType === CLAIMED_PHONE_NUMBER_RESOURCE_TYPE && !id.includes(':phone-number/')) {
    return 'nothing to delete: no number was claimed (its create failed before the claim)';
  }
  if (p.resourceType === TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE && !id.includes(':traffic-distribution-group/')) {
    return 'nothing to delete: no group was created (its create failed before the group was)';
  }
  return undefined;
}

export function formatResourceLine(l: ResourceLine): string {
  return `  ${l.status.padEnd(16)} ${l.seconds.toFixed(2).padStart(7)} s  ${l.resourceType.padEnd(44)} ${l.logicalId}`
    + (l.meaning !== undefined ? `\n      ${l.meaning}` : '')
    + (l.reason !== undefined ? `\n      ${l.reason}` : '');
}

/**
 * What the emulated account holds now. Alike in shape to the emulator's API answers (numbers.ts,
 * summary) on purpose, not shared: this is what the local commands print, not the wire format.
 */
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

/** A template's resources (or the engine's deployed ones, with their resolved properties): logical id -> type and properties. */
export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A resource of a deployed stack as the engine keeps it (`exportState`): its physical id and resolved properties. */
export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly props: Record<string, unknown>;
}

/** The steps of the emulator's model of the service, each with its simulated duration. */
export function durationLines(durations: Required<EmulatorDurations>): string[] {
  const steps: Array<[keyof EmulatorDurations, string]> = [
    ['replicate', 'replication of the instance'],
    ['groupCreate', 'creation of a group'],
    ['groupUpdate', 'a change of split'],
    ['claim', 'a number claimed'],
    ['move', 'a number moved'],
    ['release', 'a number released'],
    ['groupDelete', 'deletion of a group'],
    ['replicaDelete', 'deletion of a replica'],
  ];
  return steps.map(([key, what]) => `    ${what.padEnd(28)} ${formatSeconds(durations[key]).padStart(6)}`);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** Whether a number's target is a traffic distribution group (an ARN, or a reference to one of the stack). */
function onGroup(props: Record<string, unknown>, resources: Resources): boolean {
  const target = props[PhoneProps.TARGET_ARN];
  if (typeof target === 'string') {
    return target.includes(':traffic-distribution-group/');
  }
  const t = target as { 'Ref'?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  const id = typeof t === 'object' && t !== null ? t.Ref ?? t['Fn::GetAtt']?.[0] : undefined;
  return id !== undefined && resources[id]?.Type === TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE;
}

/** What a Delete of this resource does, from its properties in the deployed template ('' for a type this library does not define). */
export function deleteMeaning(type: string, props: Record<string, unknown>, resources: Resources): string {
  switch (type) {
    case INSTANCE_REPLICA_RESOURCE_TYPE:
      return props[ReplicaProps.REMOVAL_POLICY] === 'destroy'
        ? `deleted: the replica in ${String(props[ReplicaProps.REPLICA_REGION])} is deleted (DESTROY)`
        : `retained, left running: the replica in ${String(props[ReplicaProps.REPLICA_REGION])} and its default group stay (RETAIN)`;
    case CLAIMED_PHONE_NUMBER_RESOURCE_TYPE:
      return props[PhoneProps.REMOVAL_POLICY] === PhoneRemoval.DESTROY
        ? 'deleted: the number is released (DESTROY)'
        : onGroup(props, resources)
          ? 'retained, left running: the number stays claimed, parked on the instance (RETAIN)'
          : 'retained, left running: the number stays claimed on the instance (RETAIN)';
    case TRAFFIC_DISTRIBUTION_RESOURCE_TYPE:
      return 'left as it is: a stack deletion never moves live traffic';
    case TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE:
      return 'deleted: the agents are disassociated from the group';
    case TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE:
      return props[TdgProps.REMOVAL_POLICY] === 'retain'
        ? 'retained, left running: the group stays, with its split and its numbers (RETAIN)'
        : 'deleted: the group is deleted';
    default:
      return '';
  }
}

/**
 * After a destroy: what the removal policies of the destroyed stack's resources left running, read
 * back from the emulator, and where the emulator contradicts what the Delete lines said (a RETAIN
 * number no longer claimed, a DESTROY one still claimed, a replica gone or still there, a group
 * of the stack not deleted).
 */
export function afterDestroy(emulator: ConnectEmulator, destroyed: ReadonlyArray<DeployedResource>): { leftRunning: string[]; problems: string[] } {
  const leftRunning: string[] = [];
  const problems: string[] = [];
  const replication = emulator.instance().replicationStatus;
  const numbers = emulator.claimedNumbers();
  const groups = emulator.groups();
  for (const r of destroyed) {
    const retained = r.props[PhoneProps.REMOVAL_POLICY] !== 'destroy';
    const policy = retained ? 'RETAIN' : 'DESTROY';
    if (r.type === INSTANCE_REPLICA_RESOURCE_TYPE) {
      const region = String(r.props[ReplicaProps.REPLICA_REGION]);
      const running = replication[region] === 'INSTANCE_REPLICATION_COMPLETE';
      if (running) {
        const defaultGroup = groups.find(g => g.isDefault);
        leftRunning.push(`replica in ${region} (${r.logicalId}, ${policy})${defaultGroup !== undefined ? `, with its default group ${defaultGroup.name}` : ''}`);
      }
      if (running !== retained) {
        problems.push(`${r.logicalId}: the replica in ${region} is ${running ? 'still running' : replication[region] ?? 'gone'}, but its removal policy is ${policy}`);
      }
    } else if (r.type === CLAIMED_PHONE_NUMBER_RESOURCE_TYPE) {
      const number = numbers.find(n => n.arn === r.physicalId && n.status === 'CLAIMED');
      if (number !== undefined) {
        leftRunning.push(`${number.phoneNumber} claimed on ${number.targetArn} (${r.logicalId}, ${policy})`);
      }
      if ((number !== undefined) !== retained) {
        problems.push(`${r.logicalId}: the number ${r.physicalId} is ${number !== undefined ? 'still' : 'no longer'} claimed, but its removal policy is ${policy}`);
      }
    } else if (r.type === TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE) {
      const kept = r.props[TdgProps.REMOVAL_POLICY] === 'retain';
      const group = groups.find(g => g.arn === r.physicalId);
      if (group !== undefined) {
        leftRunning.push(`group ${group.name} ${group.status} (${r.logicalId}, ${kept ? 'RETAIN' : 'DESTROY'})`);
      }
      if ((group !== undefined) !== kept) {
        problems.push(`${r.logicalId}: the group ${r.physicalId} ${group !== undefined ? 'was not deleted' : 'is gone'}, but its removal policy is ${kept ? 'RETAIN' : 'DESTROY'}`);
      }
    }
  }
  return { leftRunning, problems };
}

/** The lines of what a destroy left running. */
export function formatLeftRunning(leftRunning: ReadonlyArray<string>): string[] {
  return ['', `Left running in the account, outside any stack (${leftRunning.length}):`,
    ...(leftRunning.length === 0 ? ['  nothing'] : leftRunning.map(l => `  ${l}`))];
}
