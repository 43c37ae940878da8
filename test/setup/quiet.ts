/**
 * Runs before every test file (jest `setupFiles`): the test output shows test results, not noise.
 *
 * - The AWS SDK warns once per process that its releases after January 2027 need Node 22; this
 *   machine has Node 20 (the Lambda runtime is nodejs24.x), so the warning says nothing about the tests.
 * - The handlers log one JSON line per step (`{"level":...}`); in-process handler runs (the upgrade
 *   replay, the handler tests) would print them all. `HANDLER_LOGS=1 npx jest ...` shows them.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// aws-cdk-lib 2.276 validates every synthesized template with its CloudFormation rules (a WebAssembly
// engine): about a fifth of the CPU of a test that synthesizes often (the lifecycle model), for a report
// the tests never read. The examples' synth by the real CLI (test/examples) keeps it and asserts it clean.
process.env.CDK_VALIDATION = 'false';

if (!process.env.HANDLER_LOGS) {
  for (const method of ['log', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('{"level":')) {
        return;
      }
      original(...args);
    };
  }
}
