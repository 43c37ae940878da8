/**
 * `npm run demo`: deploys the example app (examples/app.ts) to the local Amazon Connect emulator
 * through the real provider framework and the bundled handlers, shifts the split and moves a
 * number, then destroys the stack and shows what stays (retained resources keep running). Exits
 * non-zero on any failure, including when what it says it left running is not there.
 *
 * DEMO_TIME_SCALE (default 0.05) scales the emulator's durations and the waiter's interval:
 * 1 runs at the speed of the emulator's model of the service.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { GlobalResiliencyStack, REPLICA_REGION, SOURCE_REGION } from '../../examples/app';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE, PhoneProps, PhoneRemoval, ReplicaProps,
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';
import { ConnectEmulator, EmulatorDurations } from '../emulator';
import { LocalCloudFormation, pollEnv, ProgressEvent } from '../engine';

const STACK = 'ConnectGlobalResiliency';
const outdirs: string[] = [];

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
export interface Deployed {
  readonly resources: Resources;
  /** Output name -> the logical id whose attribute it shows. */
  readonly outputOf: Record<string, string>;
}

function synthStack(props: ConstructorParameters<typeof GlobalResiliencyStack>[2]) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-demo-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  return new GlobalResiliencyStack(app, STACK, props);
}

/** The resources and outputs of a stack's template (the synthesis is cached: the engine reads the same one). */
export function templateOf(stack: Stack): Deployed {
  const t = Stage.of(stack)!.synth().getStackByName(stack.stackName).template as {
    Resources: Resources; Outputs?: Record<string, { Value: unknown }>;
  };
  const outputOf: Record<string, string> = {};
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    const id = referencedId(o.Value);
    if (id !== undefined) {
      outputOf[name] = id;
    }
  }
  return { resources: t.Resources, outputOf };
}

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
function referencedId(value: unknown): string | undefined {
  const v = value as { 'Ref'?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return typeof v === 'object' && v !== null ? v.Ref ?? v['Fn::GetAtt']?.[0] : undefined;
}

/** Whether a number's target is a traffic distribution group (an ARN, or a reference to one of the stack). */
function onGroup(props: Record<string, unknown>, resources: Resources): boolean {
  const target = props[PhoneProps.TARGET_ARN];
  if (typeof target === 'string') {
    return target.includes(':traffic-distribution-group/');
  }
  const id = referencedId(target);
  return id !== undefined && resources[id]?.Type === TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE;
}

/** The steps of the emulator's model of the service, each with its real duration and its duration here. */
export function timeScaleLines(durations: Required<EmulatorDurations>, timeScale: number): string[] {
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
  const secs = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;
  return steps.map(([key, what]) => `    ${what.padEnd(28)} ${secs(durations[key]).padStart(5)} -> ${secs(durations[key] * timeScale)} here`);
}

/** What a Delete of this resource does, from its properties in the deployed template. */
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
      return 'deleted: the group is deleted';
    default:
      return '';
  }
}

function split(emulator: ConnectEmulator, groupArn: string): string {
  const d = emulator.distribution(groupArn);
  const fmt = (m: Record<string, number>) => `${SOURCE_REGION} ${m[SOURCE_REGION] ?? 0} % / ${REPLICA_REGION} ${m[REPLICA_REGION] ?? 0} %`;
  return `calls ${fmt(d.telephony)}; agents ${fmt(d.agent)}`;
}

function signIn(emulator: ConnectEmulator, groupArn: string): string {
  const s = emulator.distribution(groupArn).signIn ?? {};
  return Object.entries(s).map(([region, enabled]) => `${region} ${enabled ? 'yes' : 'no'}`).join(', ') || '(not set)';
}

function numbersTable(emulator: ConnectEmulator): string {
  const rows = emulator.claimedNumbers().map(n => {
    const flows = Object.keys(n.flows ?? {}).length;
    return `    ${n.phoneNumber}  ${n.status.padEnd(9)} on ${n.targetArn}${flows ? `  (flows in ${flows} Region${flows > 1 ? 's' : ''})` : ''}`;
  });
  return rows.length ? rows.join('\n') : '    (none)';
}

async function main(): Promise<void> {
  const timeScale = Number(process.env.DEMO_TIME_SCALE ?? '0.05');
  const started = Date.now();
  const emulator = await ConnectEmulator.start({ timeScale, replicated: false });
  /** The template deployed before the current operation: a Delete always concerns a resource of it. */
  let deployed: Deployed = { resources: {}, outputOf: {} };
  const engine = new LocalCloudFormation({
    // The handlers' inline polling, scaled like the emulator.
    env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...pollEnv(timeScale) },
    waiterIntervalScale: timeScale,
    onProgress: (p: ProgressEvent) => {
      if (!p.resourceType.startsWith('Custom::') || p.status === 'IN_PROGRESS') {
        return;
      }
      const secs = (p.elapsedMs / 1000).toFixed(2).padStart(6);
      const meaning = p.requestType === 'Delete' && p.status === 'SUCCESS'
        ? deleteMeaning(p.resourceType, deployed.resources[p.logicalId]?.Properties ?? {}, deployed.resources) : '';
      console.log(`  ${p.requestType.padEnd(6)} ${p.logicalId.padEnd(22)} ${p.resourceType.padEnd(44)} ${p.status.padEnd(7)} ${secs} s`
        + `${meaning ? `  ${meaning}` : ''}${p.reason ? `  ${p.reason}` : ''}`);
    },
  });
  try {
    console.log(`Amazon Connect emulator on ${emulator.endpoint}; the instance is not yet replicated.\n`);
    console.log(`Time scale ${timeScale}: each wait in the emulator's model of Amazon Connect (and the provider's polling) `
      + `takes ${timeScale} times its modelled real length:`);
    console.log(timeScaleLines(emulator.realDurations(), timeScale).join('\n'));
    console.log('  AWS publishes none of these figures (a real replication takes tens of minutes). The times printed per');
    console.log('  resource below add the local run of the Lambda functions to these waits. DEMO_TIME_SCALE=1 runs at full length.\n');

    console.log(`1. Deploy ${STACK} (examples/app.ts)`);
    const v1 = synthStack({});
    const first = await engine.deploy(v1);
    deployed = templateOf(v1);
    const { GroupArn: groupArn, DefaultGroupArn: defaultGroupArn } = first.outputs;
    console.log('\n  Outputs:');
    for (const [k, v] of Object.entries(first.outputs)) {
      console.log(`    ${k.padEnd(19)} ${v}`);
    }
    console.log(`\n  Split read back from the emulator: ${split(emulator, groupArn)}`);
    console.log(`  Sign-in on the default group:      ${signIn(emulator, defaultGroupArn)}`);
    console.log(`  Agents on the group:               ${emulator.groupUsers(groupArn).length}`);
    console.log('  Numbers claimed:\n' + numbersTable(emulator));

    console.log('\n2. Update: shift calls to 50/50 and move the backup number from the instance to the group');
    const v2 = synthStack({ sourcePercent: 50, backupOnGroup: true });
    await engine.deploy(v2);
    deployed = templateOf(v2);
    console.log(`\n  Split read back from the emulator: ${split(emulator, groupArn)}`);
    console.log('  Numbers claimed:\n' + numbersTable(emulator));

    console.log('\n3. Destroy the stack (a "retained, left running" line deletes nothing: the resource keeps running, outside the stack)');
    await engine.destroy(STACK);
    console.log('\n  What is left running in the account:');
    const replication = emulator.instance().replicationStatus[REPLICA_REGION];
    console.log(`  Replica in ${REPLICA_REGION}:              ${replication ?? '(none)'}`);
    const groupsLeft = emulator.groups();
    console.log(`  Groups:                            ${groupsLeft.map(g => `${g.name}${g.isDefault ? ' (default, goes with the replica)' : ''}`).join(', ') || '(none)'}`);
    console.log('  Numbers still claimed:\n' + numbersTable(emulator));
    checkLeftRunning(emulator, deployed, first.outputs);

    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${emulator.callCount()} Amazon Connect API calls, `
      + `${engine.responses.length} responses to CloudFormation.`);
  } finally {
    await emulator.stop();
    outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
  }
}

/** Fails the demo when what its Delete lines said is not what the emulator holds. */
function checkLeftRunning(emulator: ConnectEmulator, deployed: Deployed, outputs: Record<string, string>): void {
  const problems: string[] = [];
  const claimed = new Set(emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').map(n => n.phoneNumber));
  const numberOf = Object.fromEntries(Object.entries(deployed.outputOf).map(([name, id]) => [id, outputs[name]]));
  let numbersChecked = 0;
  for (const [id, r] of Object.entries(deployed.resources)) {
    const props = r.Properties ?? {};
    if (r.Type === INSTANCE_REPLICA_RESOURCE_TYPE) {
      const running = emulator.instance().replicationStatus[String(props[ReplicaProps.REPLICA_REGION])] === 'INSTANCE_REPLICATION_COMPLETE';
      if (running !== (props[ReplicaProps.REMOVAL_POLICY] !== 'destroy')) {
        problems.push(`${id}: the replica is ${running ? '' : 'not '}running`);
      }
    }
    if (r.Type === CLAIMED_PHONE_NUMBER_RESOURCE_TYPE) {
      const number = numberOf[id];
      numbersChecked++;
      if (number === undefined) {
        problems.push(`${id}: no output shows its number`);
      } else if (claimed.has(number) !== (props[PhoneProps.REMOVAL_POLICY] !== PhoneRemoval.DESTROY)) {
        problems.push(`${id}: ${number} is ${claimed.has(number) ? 'still' : 'no longer'} claimed`);
      }
    }
  }
  if (numbersChecked === 0) {
    problems.push('the stack declares no number');
  }
  if (emulator.groups().some(g => !g.isDefault)) {
    problems.push('a group of the stack was not deleted');
  }
  if (problems.length > 0) {
    throw new Error(`after the destroy, the account does not hold what the removal policies say: ${problems.join('; ')}`);
  }
}

if (require.main === module) {
  main().catch(e => {
    console.error(`\nDemo failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
