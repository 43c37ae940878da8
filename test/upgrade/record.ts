/**
 * Records the upgrade fixture of this release: `npx ts-node --transpile-only --project test/tsconfig.json test/upgrade/record.ts <version>`.
 * Deploys lifecycle.ts step by step on the local engine and emulator, then destroys the stack, and
 * writes every event CloudFormation sent (properties exactly as this release writes them) with the
 * outcome, to fixtures/<version>.json. Never rewrite a released fixture: add the next one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { lifecycleStack, STEPS } from './lifecycle';
import { SEED } from '../../local/emulator';
import { startLocalWorld } from '../../local/world';

const STACK = 'UpgradeFixture';

export interface RecordedEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly outcome: { readonly Status: string; readonly PhysicalResourceId: string; readonly Data: Record<string, string> };
}

export interface Fixture {
  readonly version: string;
  readonly stackId: string;
  readonly steps: readonly string[];
  readonly events: RecordedEvent[];
}

async function main(version: string): Promise<void> {
  const world = await startLocalWorld({ seed: 1, emulator: { rateLimit: false } });
  const { engine } = world;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-fixture-'));
  try {
    for (let step = 0; step < STEPS.length; step++) {
      const app = new App({ outdir: path.join(outdir, String(step)) });
      const stack = new Stack(app, STACK, { env: { account: SEED.account, region: SEED.sourceRegion } });
      lifecycleStack(stack, step);
      await engine.deploy(stack);
    }
    await engine.destroy(STACK);
  } finally {
    await world.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const events: RecordedEvent[] = engine.events
    .filter(e => e.ResourceType.startsWith('Custom::Connect'))
    .map(e => {
      const r = engine.responses.find(x => x.requestId === e.RequestId)!;
      const strip = (p?: Record<string, unknown>) => p && Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'ServiceToken'));
      return {
        RequestType: e.RequestType,
        ResourceType: e.ResourceType,
        LogicalResourceId: e.LogicalResourceId,
        ...(e.PhysicalResourceId ? { PhysicalResourceId: e.PhysicalResourceId } : {}),
        ResourceProperties: strip(e.ResourceProperties)!,
        ...(e.OldResourceProperties ? { OldResourceProperties: strip(e.OldResourceProperties) } : {}),
        outcome: { Status: r.status, PhysicalResourceId: r.physicalId, Data: (r.data ?? {}) as Record<string, string> },
      };
    });
  const failed = events.filter(e => e.outcome.Status !== 'SUCCESS');
  if (failed.length > 0) {
    throw new Error(`the recording has failed events: ${JSON.stringify(failed, undefined, 1)}`);
  }
  const fixture: Fixture = { version, stackId: engine.events[0].StackId, steps: [...STEPS, 'destroy'], events };
  const file = path.join(__dirname, 'fixtures', `${version}.json`);
  fs.writeFileSync(file, JSON.stringify(fixture, undefined, 1) + '\n');
  console.log(`wrote ${file}: ${events.length} events (${['Create', 'Update', 'Delete'].map(t => `${events.filter(e => e.RequestType === t).length} ${t}`).join(', ')})`);
}

main(process.argv[2] ?? JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version)
  .catch(e => {
    console.error(e);
    process.exit(1);
  });
