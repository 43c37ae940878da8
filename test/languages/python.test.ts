/**
 * Python, as its users get the library: a fresh virtual environment, `pip install` of the built
 * wheel only (dist/python; aws-cdk-lib, constructs and jsii come from PyPI as its dependencies),
 * then the README's Python app (test/languages/python/app.py, included verbatim in the README)
 * synthesized with the real `cdk` CLI and deployed with `local deploy` of the packed npm tarball's
 * bin. Runs after the package step (`npx projen test:package`). pip's cache is its default one.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  cdkSynth, distFile, expectReadmeApp, freshDir, installTarball, languageEnv, localDeploy, readmeBlock, removeAll, run,
} from './helpers';

const APP = path.join(__dirname, 'python', 'app.py');
let venv: string;
let python: string;

beforeAll(() => {
  venv = freshDir('venv');
  run('python3', ['-m', 'venv', venv], venv, 60);
  python = path.join(venv, 'bin', 'python');
  run(python, ['-m', 'pip', 'install', '--quiet', distFile('python', '.whl')], venv, 400);
}, 480_000);

afterAll(removeAll);

/** As `source <venv>/bin/activate` leaves the shell: its python3 first on the PATH. */
function activated(): NodeJS.ProcessEnv {
  return languageEnv({ VIRTUAL_ENV: venv, PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH}` });
}

test('a fresh virtual environment with only the wheel installed imports cdk_connect_global_resiliency and synthesizes a TrafficDistributionGroup', () => {
  const outdir = freshDir('py-synth');
  const script = [
    'import json, sys',
    'import aws_cdk, cdk_connect_global_resiliency as gr',
    'app = aws_cdk.App(outdir=sys.argv[1])',
    'stack = aws_cdk.Stack(app, "Only", env=aws_cdk.Environment(account="111122223333", region="us-east-1"))',
    'gr.TrafficDistributionGroup(stack, "Group", instance_arn="arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555",',
    '    telephony_distribution={"us-east-1": 40, "us-west-2": 60})',
    'template = app.synth().get_stack_by_name("Only").template',
    'print(json.dumps({"module": gr.__file__, "template": template}))',
  ].join('\n');

  const out = JSON.parse(run(python, ['-c', script, outdir], outdir, 180));

  // The module is the installed wheel's, not this repository's.
  expect(out.module.startsWith(venv)).toBe(true);
  const custom = Object.values(out.template.Resources as Record<string, { Type: string; Properties: any }>)
    .filter(r => r.Type.startsWith('Custom::'));
  expect(custom.map(r => r.Type)).toEqual(['Custom::ConnectTrafficDistributionGroup']);
  expect(custom[0].Properties.TelephonyDistribution).toEqual({ 'us-east-1': 40, 'us-west-2': 60 });
  // Its dependencies came from PyPI into the venv: aws-cdk-lib 2.x, at least the peer minimum.
  const installed = JSON.parse(run(python, ['-m', 'pip', 'list', '--format', 'json'], venv, 60)) as Array<{ name: string; version: string }>;
  const cdk = installed.find(p => p.name === 'aws-cdk-lib');
  expect(cdk?.version).toMatch(/^2\.(27[5-9]|2[89]\d|[3-9]\d\d)\./);
}, 240_000);

test('the README\'s Python app is test/languages/python/app.py, verbatim', () => {
  expect(readmeBlock('python', '# app.py')).toBe(fs.readFileSync(APP, 'utf-8'));
});

test('the README\'s Python app: cdk synth with the real CLI, then local deploy from the packed tarball: the group, its split and the number in the emulator', () => {
  const app = freshDir('py-app');
  fs.copyFileSync(APP, path.join(app, 'app.py'));
  // The cdk.json the README names.
  fs.writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'python3 app.py' }));
  const assembly = cdkSynth(app, 240, activated());
  const bin = installTarball();

  const deployed = localDeploy(bin, assembly, path.join(app, 'local.json'));

  expectReadmeApp(deployed);
}, 600_000);
