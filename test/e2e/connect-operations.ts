/**
 * The Amazon Connect operations the handlers really call over the example app's whole lifecycle
 * (deploy, update, destroy), recorded by the emulator: what the handler role must be granted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { E2E_SEED } from './harness';
import { GlobalResiliencyStack } from '../../examples/app';
import { startLocalWorld } from '../../local/world';

const STACK = 'ConnectOperations';

/**
 * Deploys examples/app.ts from an instance that is not yet replicated, updates it (split to 50/50,
 * the backup number moved to the group) and destroys it; returns the distinct Connect operations
 * called, sorted (e.g. `ClaimPhoneNumber`; the IAM action is `connect:<operation>`).
 */
export async function connectOperationsCalled(): Promise<string[]> {
  const world = await startLocalWorld({ seed: E2E_SEED, emulator: { replicated: false, rateLimit: false } });
  const { emulator, engine } = world;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-ops-'));
  try {
    const stack = (props: ConstructorParameters<typeof GlobalResiliencyStack>[2], dir: string) =>
      new GlobalResiliencyStack(new App({ outdir: path.join(outdir, dir) }), STACK, props);
    await engine.deploy(stack({}, 'create'));
    await engine.deploy(stack({ sourcePercent: 50, backupOnGroup: true }, 'update'));
    await engine.destroy(STACK);
    return [...new Set(emulator.calls.map(c => c.operation))].sort();
  } finally {
    await world.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
