import { awscdk, DependencyType, javascript, JsonFile } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-connect-global-resiliency',
  description:
    'AWS CDK constructs for Amazon Connect Global Resiliency: traffic distribution groups with their split, ' +
    'claimed phone numbers (a specific one or a searched one) with their flows in both Regions, never released by accident.',
  keywords: [
    'cdk', 'awscdk', 'aws-cdk', 'amazon-connect', 'connect', 'global-resiliency',
    'traffic-distribution-group', 'phone-number', 'contact-center',
  ],
  stability: 'experimental',
  license: 'Apache-2.0',
  author: 'cdk-connect-global-resiliency developers',
  authorAddress: 'noreply@example.com',
  repositoryUrl: 'https://github.com/cdk-connect-global-resiliency/cdk-connect-global-resiliency.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The oldest aws-cdk-lib the packages accept (the peer dependency, and so the Python, Java and Go
  // packages' minimum). 2.275.0, not 2.276.0: PyPI serves aws-cdk-lib up to 2.275.0 only, and a
  // Python package that asks for 2.276.0 does not install (test/languages installs it from PyPI).
  // The TypeScript build and tests use 2.276.0 (the devDependencies below).
  cdkVersion: '2.275.0',
  constructsVersion: '10.5.1',
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',
  // The machine that builds this has Node 20; the Lambda runtime is nodejs24.x (set per function below).
  minNodeVersion: '20.0.0',

  // jsii targets: every CDK language. Which of them this machine can build is in the README.
  publishToPypi: {
    distName: 'cdk-connect-global-resiliency',
    module: 'cdk_connect_global_resiliency',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdk_connect_global_resiliency',
    mavenGroupId: 'io.github.cdk-connect-global-resiliency',
    mavenArtifactId: 'cdk-connect-global-resiliency',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkConnect.GlobalResiliency',
    packageId: 'CdkConnect.GlobalResiliency',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-connect-global-resiliency/cdk-connect-global-resiliency-go',
  },

  // The handlers live in lambda/ and are bundled by esbuild at build time into assets/
  // (shipped in the npm package), so consumers need neither esbuild nor Docker.
  lambdaAutoDiscover: false,

  devDeps: [
    // What the TypeScript tests and jsii build against (the peers' minimum is cdkVersion above).
    'aws-cdk-lib@2.276.0',
    // The Lambda runtime provides the AWS SDK v3; the bundle keeps it external.
    '@aws-sdk/client-connect@^3.1136.0',
    // DescribeStacks on the handlers' own stack: a request tells a rollback from a forward one or a removal (README: How it works).
    '@aws-sdk/client-cloudformation@^3.1136.0',
    // Loaded only by the tests that run the aws-cdk-lib provider framework runtime locally.
    '@aws-sdk/client-lambda@^3.1136.0',
    '@aws-sdk/client-sfn@^3.1136.0',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'fast-check@^4',
    // cdk-nag checks the stack with every construct; the library writes its acknowledgments as
    // cdk-nag metadata, so users need no dependency on it.
    'cdk-nag@^3.0.2',
    // Mutation testing of lambda/ (`npm run mutation`). 9.x: 10.x needs Node 22.
    '@stryker-mutator/core@~9.6.1',
    '@stryker-mutator/jest-runner@~9.6.1',
    '@stryker-mutator/typescript-checker@~9.6.1',
    // The plugin API of test/mutation/log-ignorer.mjs.
    '@stryker-mutator/api@~9.6.1',
    // The real CDK CLI: test/examples synthesizes examples/ with it. aws-cdk-lib 2.276 writes cloud assembly
    // schema 55, which CLI 2.1115.1 refuses ("Maximum schema version supported is 53.x.x"); 2.1148.1 reads it.
    'aws-cdk@2.1148.1',
    // The integration test's assertions (test/integ). integ-runner is not used: its latest release
    // (2.197.10) bundles a toolkit that reads schema 53 at most, so test/integ verifies its snapshots itself.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // jsii 6.0 compiles with TypeScript 6.0, and ts-jest, eslint and ts-node must see the same
    // compiler: pinned on purpose rather than taking typescript@latest (7.x).
    'typescript@~6.0.3',
    // The command-line tool's argument parser (cli/): bundled into assets/cli/index.js, so the
    // package gets no runtime dependency.
    'commander@^14',
    // The command-line tool's progress line while it waits (what for, elapsed time), on a terminal only:
    // sindresorhus' log-update redraws one line in place. Bundled like commander. 7.x: 8.x needs Node 22.
    'log-update@^7',
    // The offline world's virtual clock (local/clock): fake Date and timers that its loop advances only
    // when nothing is in flight. A well-kept clock (sinon's, the one jest's fake timers use) rather than our own.
    '@sinonjs/fake-timers@^15',
    // Its seeded Math.random (xoroshiro128+, fast-check's own generator), so that a seed replays a run.
    'pure-rand@^7',
    // The module graph reads one way: `madge --circular` in the test task finds no import cycle in
    // src, lambda, local and cli, type imports included (in place of eslint's import/no-cycle, which skips those).
    'madge@^8',
  ],

  jestOptions: {
    // Snapshots never rewrite themselves in a test run: `npx projen test:update` does that on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Plain JavaScript tests too (test/**/*.test.js): they call the constructs as a caller the
      // compiler does not check would (JavaScript, or a jsii language at run time).
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.js'],
      // test/package and test/languages need the packages: they run after the build (`npx projen test:package`).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/', '<rootDir>/test/languages/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/', '/local/'],
      // Coverage by instrumenting our own files (babel-plugin-istanbul, jest's own) rather than V8's precise
      // coverage, which counts every block of every script the process runs (aws-cdk-lib, the SDK, the
      // offline world): measured on the whole suite, 582 s of CPU with V8's, 374 s with this, 321 s with
      // none; the same figures per folder within a point or two (the two count branches differently).
      coverageProvider: 'babel',
      testTimeout: 60_000,
      // Two workers on the 2-core CI machine (jest's default in CI is cores - 1 = one).
      maxWorkers: 2,
      // No SDK Node-version warning, no handler log lines unless HANDLER_LOGS=1 (test/setup/quiet.ts).
      setupFiles: ['<rootDir>/test/setup/quiet.ts'],
    },
    extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json'],
  },

  tsconfigDev: {
    include: ['../lambda/**/*.ts', '../cli/**/*.ts', '../local/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../src/**/*.ts'],
    compilerOptions: {},
  },

  gitignore: ['/.jsii.tabl.json', '/assets/', '/test-reports/', 'cdk.out/', '*.cdk.out/', '/.tmp/'],
  npmignoreEnabled: true,

  githubOptions: { mergify: false },
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
});

// madge 8 declares an optional peer typescript@^5.4.4 and reads the files with the compiler it is
// given: it gets this project's TypeScript 6 (it parses it as it does 5.x; npm would refuse the install otherwise).
project.package.addField('overrides', { madge: { typescript: '$typescript' } });

// The constructs the TypeScript build uses (the construct library's options drop a devDependency on it).
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

// Each handler is a self-contained esbuild bundle; @aws-sdk/* comes from the Lambda runtime.
for (const name of ['on-event', 'is-complete']) {
  new awscdk.LambdaFunction(project, {
    entrypoint: `lambda/${name}.lambda.ts`,
    constructFile: `src/provider/${name}-function.ts`,
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    cdkDeps: project.cdkDeps,
    bundlingOptions: {
      externals: ['@aws-sdk/*'],
      sourcemap: false,
    },
  });
  // Minified, so that the two assets stay far below 100 KB; names kept, so that error names and
  // stack traces in the FAILED reasons still read. (LambdaFunction's options have no minify.)
  const bundle = project.tasks.tryFind(`bundle:lambda/${name}.lambda`);
  const esbuild = bundle?.steps[0]?.execArgs;
  if (bundle === undefined || esbuild === undefined) {
    throw new Error(`no esbuild step for lambda/${name}.lambda.ts`);
  }
  bundle.reset();
  bundle.execArgs([...esbuild, '--minify', '--keep-names']);
}

// The AWS SDK warns on every Node below 22 that its 2027 releases will need Node 22. The Lambda
// runtime is nodejs24.x; the warning is about this machine's Node 20, not about the library.
const QUIET_SDK = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
project.testTask.env(QUIET_SDK, 'true');

// `npx projen build` packages what this machine can build and use: JavaScript (dist/js), Python
// (dist/python: wheel and sdist) and Go (dist/go), each used by a real app in test/languages
// (`npx projen test:languages`). Java is generated only: its build needs aws-cdk-lib from Maven
// Central, which serves this machine no version of it. .NET needs the .NET SDK. `npx projen
// package-all` builds every jsii language where Maven Central, .NET and NuGet are there.
const packageTask = project.tasks.tryFind('package');
if (packageTask === undefined) {
  throw new Error('no package task');
}
packageTask.reset();
for (const language of ['js', 'python', 'go']) {
  packageTask.spawn(project.tasks.tryFind(`package:${language}`)!);
}
packageTask.exec('echo "Packaged JavaScript (dist/js), Python (dist/python) and Go (dist/go). Skipped Java (aws-cdk-lib is not on the Maven Central this machine reaches) and .NET (no .NET SDK): npx projen package-all builds them where they can be."');

// The bundles must exist before the tests synthesize stacks (the e2e tests load them from cdk.out).
const bundleTask = project.tasks.tryFind('bundle');
if (bundleTask) {
  project.testTask.prependSpawn(bundleTask);
}

// The command-line tool (`npx cdk-connect-global-resiliency`): one self-contained bundle, the AWS
// SDK and commander included (users run it with npx, not in Lambda), shipped in assets/. Its
// `local` commands bring the emulator and the engine (local/), with the SDK clients the provider
// framework's functions find in the Lambda runtime; aws-cdk-lib is not needed at run time.
const bundleCli = project.addTask('bundle:cli', {
  description: 'Bundles the command-line tool (cli/) into assets/cli/index.js',
  exec: 'esbuild --bundle cli/index.ts --target="node20" --platform="node" --outfile="assets/cli/index.js" '
    + '--banner:js="#!/usr/bin/env node" --minify --keep-names --log-level=warning',
});
bundleTask?.spawn(bundleCli);
project.addBins({ 'cdk-connect-global-resiliency': 'assets/cli/index.js' });

// The packages as users get them, after `npx projen package` (the main test run comes before jsii
// compiles); .ci/run runs it and counts its results with the main run's:
// - test/package: the packed tarball installed in a fresh directory, its bin run with npx;
// - test/languages: a real app in Python (a fresh venv with the wheel) and Go (a module using dist/go
//   by replace), synthesized with the cdk CLI and deployed with that bin's `local deploy`.
// One test file at a time: the toolchains' builds and the emulator's timings share the 2 cores.
const testPackageArgs = '--testPathIgnorePatterns "/node_modules/" --coverage=false --ci --runInBand';
project.addTask('test:package', {
  description: 'Tests the packages after the package step: the npm tarball (bin, failover, local deploy, the game day) and the Python and Go apps (synth, local deploy)',
  env: { [QUIET_SDK]: 'true' },
  exec: `jest --testMatch "<rootDir>/test/package/**/*.test.ts" "<rootDir>/test/languages/**/*.test.ts" ${testPackageArgs} `
    + '--json --outputFile=test-reports/jest-package-results.json',
});
project.addTask('test:languages', {
  description: 'Only the language apps of test:package (test/languages): Python and Go, synth and local deploy',
  env: { [QUIET_SDK]: 'true' },
  exec: `jest --testMatch "<rootDir>/test/languages/**/*.test.ts" ${testPackageArgs}`,
});

// `npm run demo`: `cdk synth` of examples/, then `local deploy`, `local update` and `local destroy` (the code the CLI runs).
const demo = project.addTask('demo', {
  description: 'Synthesizes examples/app.ts with cdk synth, then deploys, updates and destroys it with the local commands (runLocalCommand) on the embedded Connect emulator',
});
if (bundleTask) {
  demo.spawn(bundleTask);
}
demo.env(QUIET_SDK, 'true');
demo.exec('ts-node --transpile-only --project local/tsconfig.json local/demo/demo.ts');

// The integration tests' snapshots (test/integ/*.snapshot) are verified by a jest test in every test
// run; this rewrites them after an intended change (review the diff, then commit it).
// `npm run bench`: the figures the README quotes (not part of CI: the scale matrix takes tens of minutes of CPU).
// Arguments pass through: `npm run bench -- --only=scale --seed=11`.
const bench = project.addTask('bench', {
  description: 'Benchmarks (simulated seconds, a seed): latency over a range of service times, throughput, the scale matrix, synth cost, assets',
});
if (bundleTask) {
  bench.spawn(bundleTask);
}
bench.env(QUIET_SDK, 'true');
bench.exec('ts-node --transpile-only --project bench/tsconfig.json bench/index.ts', { receiveArgs: true });

// `npm run mutation`: Stryker over lambda/ against the handler, fuzz and timeout tests (not part of CI).
project.addTask('mutation', {
  description: 'Mutation testing of the handlers (lambda/) with Stryker; the score is in the README',
  exec: 'stryker run',
});

const integSnapshot = project.addTask('integ:snapshot', {
  description: 'Rewrites the snapshots of the integration tests in test/integ (offline, placeholder instance)',
});
if (bundleTask) {
  integSnapshot.spawn(bundleTask);
}
integSnapshot.exec('ts-node --transpile-only --project test/tsconfig.json test/integ/update-snapshots.ts');

// Every TypeScript example in the README compiles through jsii-rosetta in strict mode (with the
// fixture in rosetta/) and is translated to each jsii language: a broken example fails the build.
project.postCompileTask.exec('jsii-rosetta extract --strict --fail --compile');

// lambda/, local/ (the offline world), examples/ and bench/ are type-checked and linted like the
// library: each has a tsconfig.json of its own, so that the linter's project service finds them.
for (const dir of ['lambda', 'cli', 'local', 'examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..', isolatedModules: true },
      include: ['**/*.ts', '../src/**/*.ts'],
      exclude: ['node_modules', 'cdk.out'],
    },
  });
}

// ts-jest only transpiles (test/tsconfig.json has isolatedModules), and jsii compiles only src/:
// the tests, the handlers, the examples and the benchmarks are type-checked here, once.
project.testTask.exec('tsc --noEmit -p test/tsconfig.json');
// No import cycle, type imports included: madge reads the module graph once (2 s), where eslint's
// import/no-cycle, which misses type imports, resolved it again for every file (36 of eslint's 62 s).
project.testTask.exec('madge --circular --no-spinner --extensions ts src lambda local cli');

project.eslint?.addLintPattern('lambda');
// A house one can find one's way in: no product file over 400 lines, no function over 80 (issue 22).
project.eslint?.addOverride({
  files: ['src/**/*.ts', 'lambda/**/*.ts', 'local/**/*.ts', 'cli/**/*.ts'],
  rules: {
    'max-lines': ['error', { max: 400 }],
    'max-lines-per-function': ['error', { max: 80 }],
  },
});
// The handlers import the AWS SDK, which the Lambda runtime provides (a dev dependency here, never bundled).
project.eslint?.allowDevDeps('lambda/**');
// The benchmarks are development tooling (never packaged): they may import dev dependencies (esbuild).
project.eslint?.allowDevDeps('bench/**');
project.eslint?.addLintPattern('cli');
// The command-line tool bundles its libraries (commander, the AWS SDK): they are dev dependencies.
project.eslint?.allowDevDeps('cli/**');
project.eslint?.addLintPattern('local');
// The offline world (emulator, engine, demo) runs the provider framework with the AWS SDK and aws-cdk-lib.
project.eslint?.allowDevDeps('local/**');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');

// The assets ship in the npm package.
project.npmignore?.include('/assets/');
project.addPackageIgnore('/lambda/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/local/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/test-reports/');
project.addPackageIgnore('/stryker.config.json');

project.synth();
