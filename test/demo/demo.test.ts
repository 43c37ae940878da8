/**
 * The demo's explanations (`npm run demo`): the time scale lines are the emulator's own durations,
 * and each Delete line of the example app's resources says what its removal policy does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { GlobalResiliencyStack } from '../../examples/app';
import { deleteMeaning, templateOf, timeScaleLines } from '../../local/demo/demo';
import { ConnectEmulator } from '../../local/emulator';

function exampleTemplate(props: ConstructorParameters<typeof GlobalResiliencyStack>[2]) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
  try {
    return templateOf(new GlobalResiliencyStack(new App({ outdir }), 'Demo', props));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function meaningOf(deployed: ReturnType<typeof templateOf>, idPrefix: string): string {
  const [, r] = Object.entries(deployed.resources).find(([id, res]) => id.startsWith(idPrefix) && res.Type.startsWith('Custom::'))!;
  return deleteMeaning(r.Type, r.Properties ?? {}, deployed.resources);
}

test('the time scale lines give each modelled duration and its length at that scale, from the emulator', async () => {
  const emulator = await ConnectEmulator.start({ timeScale: 0.05, durations: { replicate: 40_000, claim: 2_000 } });
  try {
    const lines = timeScaleLines(emulator.realDurations(), 0.05);
    expect(lines.find(l => l.includes('replication of the instance'))).toMatch(/ 40 s -> 2 s here$/);
    expect(lines.find(l => l.includes('a number claimed'))).toMatch(/ 2 s -> 0\.1 s here$/);
    expect(lines.find(l => l.includes('creation of a group'))).toMatch(/ 20 s -> 1 s here$/);
  } finally {
    await emulator.stop();
  }
});

test('Delete lines of the example app: RETAIN numbers and the replica are left running, the rest deleted', () => {
  const first = exampleTemplate({});
  expect(meaningOf(first, 'Main')).toBe('retained, left running: the number stays claimed, parked on the instance (RETAIN)');
  expect(meaningOf(first, 'Searched')).toBe('retained, left running: the number stays claimed, parked on the instance (RETAIN)');
  expect(meaningOf(first, 'Backup')).toBe('deleted: the number is released (DESTROY)');
  expect(meaningOf(first, 'Replica')).toBe('retained, left running: the replica in us-west-2 and its default group stay (RETAIN)');
  expect(meaningOf(first, 'Group')).toBe('deleted: the group is deleted');
  expect(meaningOf(first, 'SignIn')).toBe('left as it is: a stack deletion never moves live traffic');
  expect(first.outputOf.MainNumber).toMatch(/^Main/);
});

test('a RETAIN number on the instance is said to stay on the instance', () => {
  const deployed = templateOf(new GlobalResiliencyStack(new App(), 'Demo', {}));
  const [id, backup] = Object.entries(deployed.resources).find(([k]) => k.startsWith('Backup'))!;
  const retained = { ...backup.Properties, RemovalPolicy: 'retain' };
  expect(deleteMeaning(backup.Type, retained, deployed.resources)).toBe('retained, left running: the number stays claimed on the instance (RETAIN)');
  expect(id).toMatch(/^Backup/);
});
