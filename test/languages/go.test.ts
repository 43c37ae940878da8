/**
 * Go, as its users get the library: a new module (`go mod init`) that uses the built Go module
 * (dist/go) through a `replace` directive and aws-cdk-go from the Go module proxy, the README's Go
 * app (test/languages/go/main.go, included verbatim in the README) synthesized with the real `cdk`
 * CLI and deployed with `local deploy` of the packed npm tarball's bin. Runs after the package step
 * (`npx projen test:package`). Go's module and build caches are its default ones (the package step
 * fills them with the same aws-cdk-go).
 */
import * as fs from 'fs';
import * as path from 'path';
import { cdkSynth, expectReadmeApp, freshDir, installTarball, localDeploy, readmeBlock, removeAll, ROOT, run } from './helpers';

const APP = path.join(__dirname, 'go', 'main.go');
const MODULE = 'github.com/cdk-connect-global-resiliency/cdk-connect-global-resiliency-go/cdkconnectglobalresiliency';
const BUILT = path.join(ROOT, 'dist', 'go', 'cdkconnectglobalresiliency');

afterAll(removeAll);

test('the README\'s Go app is test/languages/go/main.go, verbatim', () => {
  expect(readmeBlock('go', '// main.go')).toBe(fs.readFileSync(APP, 'utf-8'));
});

test('the README\'s Go app: a module using dist/go by replace, cdk synth with the real CLI, then local deploy from the packed tarball: the group, its split and the number in the emulator', () => {
  if (!fs.existsSync(path.join(BUILT, 'go.mod'))) {
    throw new Error(`no Go module in ${BUILT} (run npx projen compile && npx projen package first)`);
  }
  const app = freshDir('go-app');
  fs.copyFileSync(APP, path.join(app, 'main.go'));
  run('go', ['mod', 'init', 'example.com/connect-app'], app, 30);
  // The library is not published: require it at the zero version and point it at the build.
  run('go', ['mod', 'edit', `-replace=${MODULE}=${BUILT}`, `-require=${MODULE}@v0.0.0-00010101000000-000000000000`], app, 30);
  run('go', ['mod', 'tidy'], app, 300);
  // The aws-cdk-go the library's go.mod asks for (the one the package step built), not a newer one.
  const awscdk = (file: string) => /github\.com\/aws\/aws-cdk-go\/awscdk\/v2 (v2\.\d+\.\d+)/.exec(fs.readFileSync(file, 'utf-8'))?.[1];
  expect(awscdk(path.join(app, 'go.mod'))).toBe(awscdk(path.join(BUILT, 'go.mod')));
  expect(awscdk(path.join(app, 'go.mod'))).toBeDefined();
  run('go', ['build', './...'], app, 420);
  // The cdk.json `cdk init --language go` writes.
  fs.writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'go mod download && go run .' }));
  const assembly = cdkSynth(app, 300);
  const bin = installTarball();

  const deployed = localDeploy(bin, assembly, path.join(app, 'local.json'));

  expectReadmeApp(deployed);
}, 1_200_000);
