/**
 * The committed snapshot of every integration test matches what it synthesizes today. To accept a
 * change on purpose: `npx projen integ:snapshot`, then review and commit the diff.
 */
import { rmSync } from 'fs';
import * as path from 'path';
import { comparable, integTests, keptFiles, readJson, snapshotDir, synthesize } from './snapshots';

describe.each(integTests())('%s', testFile => {
  let outdir: string;

  beforeAll(() => {
    outdir = synthesize(testFile);
  }, 130_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes the same stacks and test cases as its snapshot (to accept a change: npx projen integ:snapshot)', () => {
    const templates = (dir: string) => keptFiles(dir).filter(f => f.endsWith('.template.json'));
    expect(templates(outdir)).toEqual(templates(snapshotDir(testFile)));
    expect(readJson(path.join(outdir, 'integ.json'))).toEqual(readJson(path.join(snapshotDir(testFile), 'integ.json')));
  });

  test('every template matches its snapshot, asset hashes and assertion salts aside (to accept a change: npx projen integ:snapshot)', () => {
    for (const file of keptFiles(snapshotDir(testFile)).filter(f => f.endsWith('.template.json'))) {
      expect({ file, template: comparable(readJson(path.join(outdir, file))) })
        .toEqual({ file, template: comparable(readJson(path.join(snapshotDir(testFile), file))) });
    }
  });
});

describe('the comparison', () => {
  const template = (salt: string, hash: string, percentage: number) => ({
    Resources: {
      Assert: { Type: 'Custom::DeployAssert@SdkCallConnectGetTrafficDistribution', Properties: { salt, expected: { Percentage: percentage } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: `${hash}.zip` } } },
    },
  });
  const hashA = 'a'.repeat(64);
  const hashB = 'b'.repeat(64);

  test('ignores the synth-time salt and the asset hashes', () => {
    expect(comparable(template('1700000000000', hashA, 70))).toEqual(comparable(template('1800000000000', hashB, 70)));
  });

  test('sees any other change', () => {
    expect(comparable(template('1700000000000', hashA, 70))).not.toEqual(comparable(template('1700000000000', hashA, 60)));
  });
});
