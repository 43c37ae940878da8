/**
 * `cdk synth` with the real AWS CDK CLI (the dev dependency `aws-cdk`), exactly as a user runs it,
 * offline: no credentials, no version check, no notices, no telemetry, no lookups.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

/** The environment of the CLI: this process's, without anything that could reach AWS or the internet. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_)/.test(key)) {
      env[key] = value;
    }
  }
  return {
    ...env,
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // Credentials would only be looked for; none are needed, and the instance metadata service is never asked.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `cdk synth [stacks]` of the app whose cdk.json is in `appDir`, into `outdir`. */
export function cdkSynth(appDir: string, outdir: string, stacks: string[] = []): SpawnSyncReturns<string> {
  return spawnSync(CDK, [
    'synth', ...stacks, '--output', outdir, '--no-notices', '--no-version-reporting', '--no-lookups', '--quiet',
  ], { cwd: appDir, env: offlineEnv(), encoding: 'utf-8', timeout: 150_000 });
}
