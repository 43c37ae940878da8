/**
 * `npm run demo`: what a user of the package runs, on the example app. examples/app.ts is
 * synthesized with the real `cdk` CLI (twice: as it is, and with `-c sourcePercent=50 -c
 * backupOnGroup=true`), then deployed, updated and destroyed by the code of
 * `npx cdk-connect-global-resiliency local deploy | update | destroy --state <file>`
 * (`runLocalCommand`, local/run/command.ts), one state file carrying the emulated account and the
 * deployed stack between the three steps. Everything printed per step is the command's own output.
 *
 * Exits non-zero when a synth or a step fails, including when the destroy finds that the account
 * does not hold what its Delete lines said (a RETAIN number or replica gone, a DESTROY one left).
 * The world runs on the virtual clock: each step says how long it would take on AWS, in seconds of this machine.
 * DEMO_SEED replays a run (the demo prints its seed); DEMO_TIME_SCALE paces it in real time to watch it
 * (the commands' `--time-scale`: 0.05 shows a 10 s wait in 0.5 s; none by default).
 */
import { spawn } from 'child_process';
import { randomInt } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLocalCommand } from '../run/command';
import { CommandReport } from '../run/report';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const UPDATE_CONTEXT = ['-c', 'sourcePercent=50', '-c', 'backupOnGroup=true'];

/** `cdk synth` of examples/ into `outdir`, offline (no credentials looked for, no version check, no notices, no lookups). */
function cdkSynth(outdir: string, context: string[] = []): Promise<void> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_)/.test(k)));
  const args = ['synth', ...context, '--output', outdir, '--no-notices', '--no-version-reporting', '--no-lookups', '--quiet'];
  return new Promise((resolve, reject) => {
    const child = spawn(CDK, args, {
      cwd: EXAMPLES,
      env: { ...env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', code => (code === 0 ? resolve()
      : reject(new Error(`cdk ${args.join(' ')} (in examples/) exited with ${code}:\n${stderr.trim()}`))));
  });
}

function succeeded(report: CommandReport): void {
  if (!report.succeeded) {
    throw new Error(`local ${report.command} failed: ${report.error}`);
  }
}

async function main(): Promise<void> {
  const timeScale = process.env.DEMO_TIME_SCALE === undefined ? undefined : Number(process.env.DEMO_TIME_SCALE);
  const seed = process.env.DEMO_SEED === undefined ? randomInt(2 ** 31) : Number(process.env.DEMO_SEED);
  const world = { seed, timeScale };
  const flags = `--seed ${seed}${timeScale === undefined ? '' : ` --time-scale ${timeScale}`}`;
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-demo-'));
  const [v1, v2, state] = [path.join(work, 'cdk.out'), path.join(work, 'cdk.out.update'), path.join(work, 'local.json')];
  const cli = 'npx cdk-connect-global-resiliency local';
  try {
    console.log('The example app (examples/app.ts), deployed to the embedded Amazon Connect emulator by the package\'s own');
    console.log(`\`local\` commands: what you run on your app after \`cdk synth\`. The state file ${state}`);
    console.log('carries the emulated account and the deployed stack from one step to the next.');
    console.log(`Seed ${seed} (DEMO_SEED=${seed} npm run demo replays this run).\n`);

    console.log(`1. cdk synth --output ${v1}   (and, while the deploy runs, the update: cdk synth ${UPDATE_CONTEXT.join(' ')} --output ${v2})`);
    const update = cdkSynth(v2, UPDATE_CONTEXT);
    update.catch(() => undefined); // awaited before step 3
    await cdkSynth(v1);

    console.log(`\n2. ${cli} deploy ${v1} --state ${state} ${flags}\n`);
    succeeded(await runLocalCommand('deploy', { state, ...world }, v1));

    await update;
    console.log(`\n3. ${cli} update ${v2} --state ${state} ${flags}`);
    console.log('   (calls shift to 50/50; the backup number moves from the instance to the group, in place)\n');
    succeeded(await runLocalCommand('update', { state, ...world }, v2));

    console.log(`\n4. ${cli} destroy --state ${state} ${flags}`);
    console.log('   (a "retained, left running" line deletes nothing: the resource keeps running, outside the stack;');
    console.log('   the command then checks that the account holds exactly that)\n');
    succeeded(await runLocalCommand('destroy', { state, ...world }));

    console.log(`\nDemo done in ${((performance.now() - started) / 1000).toFixed(1)} s on this machine.`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(e => {
    console.error(`\nDemo failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
