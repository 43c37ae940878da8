/**
 * `cdk synth` of examples/ with the real AWS CDK CLI (the dev dependency `aws-cdk`), exactly as a
 * user runs it: examples/cdk.json names the app. Offline: no credentials, no version check, no
 * notices, no telemetry, no lookups.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GlobalResiliencyStack } from '../../examples/app';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';
import { cdkSynth } from '../local/cdk';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const STACK = 'ConnectGlobalResiliency';

/** The custom resources of a template: logical id -> type. */
function customResources(template: Record<string, any>): Record<string, string> {
  return Object.fromEntries(Object.entries(template.Resources as Record<string, { Type: string }>)
    .filter(([, r]) => r.Type.startsWith('Custom::'))
    .map(([id, r]) => [id, r.Type]));
}

describe('cdk synth of examples/ with the AWS CDK CLI', () => {
  let outdir: string;
  let result: ReturnType<typeof cdkSynth>;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'cdk-synth-'));
    result = cdkSynth(EXAMPLES, outdir, [STACK]);
  }, 160_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  test('the CLI reads the cloud assembly of aws-cdk-lib and exits 0', () => {
    expect(result.error).toBeUndefined();
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
    expect(manifest.version).toMatch(/^55\./);
  });

  test('aws-cdk-lib\'s CloudFormation template validation (off in the other tests, on here) finds no violation', () => {
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
    const violations = (report.pluginReports as Array<{ violations?: unknown[] }>).flatMap(r => r.violations ?? []);
    expect(violations).toEqual([]);
    expect(result.stderr).not.toMatch(/Template validation found issues/);
  });

  test('the stack has the whole chain of custom resources, served by the one provider', () => {
    const template = JSON.parse(readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf-8'));
    const types = Object.values(customResources(template));
    for (const type of [
      INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
      CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
    ]) {
      expect(types).toContain(type);
    }
    const tokens = new Set(Object.values(template.Resources as Record<string, any>)
      .filter(r => r.Type.startsWith('Custom::'))
      .map(r => JSON.stringify(r.Properties.ServiceToken)));
    expect([...tokens]).toEqual([expect.stringMatching(/ConnectProviderframeworkonEvent/)]);
  });

  test('the CLI synthesizes what the app synthesizes in-process (same custom resources, same logical ids)', () => {
    const template = JSON.parse(readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf-8'));
    const inProcess = Template.fromStack(new GlobalResiliencyStack(new App(), STACK)).toJSON();
    expect(customResources(template)).toEqual(customResources(inProcess));
  });
});
