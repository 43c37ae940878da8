/**
 * The handler bundles as Lambda runs them: a bundle that needs a module the Lambda runtime does
 * not provide fails the deployment with a reason that says so (instead of a stack that hangs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { SEED, startWorld, World } from './harness';
import { TrafficDistributionGroup } from '../../src';

describe('handler bundles', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  test('a bundle requiring a module outside the Lambda runtime fails the deploy with a clear reason', async () => {
    const stack = world.stack(s => new TrafficDistributionGroup(s, 'Group', { instanceArn: SEED.instanceArn }));
    const assembly = Stage.of(stack)!.synth();
    // Break the synthesized copies of the handler bundles (never the repository's assets/):
    // aws-cdk-lib is in this repository's node_modules, but not in the Lambda runtime.
    const bundles = fs.readdirSync(assembly.directory).filter(d => d.startsWith('asset.') && d.endsWith('.lambda'));
    expect(bundles).toHaveLength(2);
    for (const dir of bundles) {
      const file = path.join(assembly.directory, dir, 'index.js');
      fs.writeFileSync(file, `require("aws-cdk-lib");\n${fs.readFileSync(file, 'utf8')}`);
    }

    await expect(world.engine.deploy(stack)).rejects.toThrow(/CREATE_FAILED: .*Cannot find module 'aws-cdk-lib'/);
    expect(world.engine.responses).toEqual([
      expect.objectContaining({ requestType: 'Create', status: 'FAILED', physicalId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }),
      expect.objectContaining({ requestType: 'Delete', status: 'SUCCESS' }),
    ]);
    expect(world.emulator.callCount()).toBe(0);
  });
});
