/**
 * `npm run demo`: deploys the example app (examples/app.ts) to the local Amazon Connect emulator
 * through the real provider framework and the bundled handlers, shifts the split and moves a
 * number, then destroys the stack and shows what stays claimed. Exits non-zero on any failure.
 *
 * DEMO_TIME_SCALE (default 0.05) scales the emulator's durations and the waiter's interval:
 * 1 runs at the service's real speed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { GlobalResiliencyStack, REPLICA_REGION, SOURCE_REGION } from '../../examples/app';
import { ConnectEmulator } from '../emulator';
import { LocalCloudFormation, pollEnv } from '../engine';

const STACK = 'ConnectGlobalResiliency';
const outdirs: string[] = [];

function synthStack(props: ConstructorParameters<typeof GlobalResiliencyStack>[2]) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-demo-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  return new GlobalResiliencyStack(app, STACK, props);
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
  const engine = new LocalCloudFormation({
    // The handlers' inline polling, scaled like the emulator.
    env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...pollEnv(timeScale) },
    waiterIntervalScale: timeScale,
    onProgress: p => {
      if (!p.resourceType.startsWith('Custom::') || p.status === 'IN_PROGRESS') {
        return;
      }
      const secs = (p.elapsedMs / 1000).toFixed(2).padStart(6);
      console.log(`  ${p.requestType.padEnd(6)} ${p.logicalId.padEnd(22)} ${p.resourceType.padEnd(44)} ${p.status.padEnd(7)} ${secs} s${p.reason ? `  ${p.reason}` : ''}`);
    },
  });
  try {
    console.log(`Amazon Connect emulator on ${emulator.endpoint} (time scale ${timeScale}); instance not yet replicated\n`);

    console.log(`1. Deploy ${STACK} (examples/app.ts)`);
    const first = await engine.deploy(synthStack({}));
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
    await engine.deploy(synthStack({ sourcePercent: 50, backupOnGroup: true }));
    console.log(`\n  Split read back from the emulator: ${split(emulator, groupArn)}`);
    console.log('  Numbers claimed:\n' + numbersTable(emulator));

    console.log('\n3. Destroy the stack');
    await engine.destroy(STACK);
    const groupsLeft = emulator.groups().filter(g => !g.isDefault);
    console.log(`\n  Groups left (besides the default group): ${groupsLeft.length}`);
    console.log('  Numbers still claimed (RETAIN keeps them, parked on the instance; DESTROY released the backup):\n' + numbersTable(emulator));
    const biggest = Math.max(...engine.responses.map(r => r.bodyBytes));
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${emulator.callCount()} Connect API calls, `
      + `${engine.responses.length} CloudFormation responses (largest ${biggest} bytes).`);
  } finally {
    await emulator.stop();
    outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
  }
}

main().catch(e => {
  console.error(`\nDemo failed: ${(e as Error).message}`);
  process.exit(1);
});
