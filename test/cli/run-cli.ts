/** Runs a command-line tool as a child process against the emulator: exit code, stdout, stderr. */
import { execFile } from 'child_process';
import * as path from 'path';
import { ConnectEmulator } from '../../local/emulator';

/** The bundled tool, as shipped in the package (assets/cli/index.js, built by `npx projen bundle`). */
export const BUNDLED_CLI = path.join(__dirname, '..', '..', 'assets', 'cli', 'index.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The caller's environment: credentials, and the Connect endpoint pointed at the emulator (the SDK honours it). */
export function cliEnv(emulator: ConnectEmulator): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env).filter(x => x.startsWith('AWS_'))) {
    delete env[k];
  }
  return {
    ...env,
    AWS_ENDPOINT_URL_CONNECT: emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Runs `command` (a .js file is run with this Node) with `args`. */
export function runCli(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliRun> {
  const [file, argv] = command.endsWith('.js') ? [process.execPath, [command, ...args]] : [command, args];
  return new Promise(resolve => {
    execFile(file, argv, { env, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as any).code === 'number' ? (error as any).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
