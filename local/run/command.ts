/**
 * What the `local` commands run (their arguments are handled in cli/commands/local.ts): deploy the
 * user's own app (a cloud assembly `cdk synth` wrote, from any CDK language) to the embedded
 * Connect emulator, through the local CloudFormation engine, the real provider framework and the
 * real handler bundles of the assembly. No account, no credentials, no Docker: the functions get
 * dummy credentials and AWS_ENDPOINT_URL_CONNECT of the emulator.
 *
 * A failed command prints the engine's message (the failed resource and its handler's reason)
 * and (cli/commands/local.ts) sets a non-zero exit code. A destroy also fails when the emulated account does not hold
 * what the resources' removal policies say (a RETAIN number gone, a DESTROY one still claimed).
 *
 * `runLocalCommand` is what each command runs: `npm run demo` (local/demo/demo.ts) calls it too.
 */
import * as path from 'path';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as connect from '@aws-sdk/client-connect';
import * as lambda from '@aws-sdk/client-lambda';
import * as sfn from '@aws-sdk/client-sfn';
import {
  afterDestroy, CommandReport, DeployedResource, emulatorReport, formatEmulator, formatLeftRunning, formatOutputs, formatResourceLine,
  resourceLine, ResourceLine, Resources, timeScaleLines,
} from './report';
import { loadState, LocalState, mergeWorld, saveState } from './state';
import { deriveWorld } from './world';
import { ConnectEmulator, EmulatorWorld } from '../emulator';
import { AssemblyStack, LocalCloudFormation, pollEnv, provideRuntimePackages, readAssembly, selectStack } from '../engine';

/** The options of the `local` commands, as commander parses them. */
export interface LocalOptions {
  readonly stack?: string;
  readonly timeScale: number;
  readonly state?: string;
  readonly json?: boolean;
  readonly logs?: boolean;
}

/**
 * Runs one command and prints what it did (text, or with `json` one JSON document); a failure is
 * printed too (to stderr in text mode) and returned as a report that did not succeed.
 */
export async function runLocalCommand(command: CommandReport['command'], opts: LocalOptions, assemblyDir?: string): Promise<CommandReport> {
  const started = Date.now();
  const lines: ResourceLine[] = [];
  /** The resources a Delete may concern: the new template's, then (winning) the deployed ones with their resolved properties. */
  let resources: Resources = {};
  let leftRunning: string[] | undefined;
  const print = (text: string) => {
    if (opts.json !== true) {
      console.log(text);
    }
  };
  let stackName = opts.stack ?? '';
  let report: CommandReport | undefined;
  let emulator: ConnectEmulator | undefined;
  try {
    const saved = opts.state === undefined ? undefined : loadState(opts.state);
    if (command !== 'deploy' && saved === undefined) {
      throw new Error(opts.state === undefined
        ? `local ${command} acts on a stack deployed by an earlier command: pass the --state file that deploy wrote.`
        : `The state file ${opts.state} does not exist: run local deploy with --state ${opts.state} first.`);
    }
    let stack: AssemblyStack | undefined;
    let world: EmulatorWorld;
    let replicated = false;
    if (assemblyDir !== undefined) {
      const dir = path.resolve(assemblyDir);
      stack = selectStack(readAssembly(dir), opts.stack, dir);
      stackName = stack.name;
      const derived = deriveWorld(stack);
      world = saved === undefined ? derived.world : mergeWorld(saved.world, derived.world, opts.state!);
      replicated = derived.replicated;
    } else {
      world = saved!.world;
    }

    emulator = await ConnectEmulator.start({ timeScale: opts.timeScale, world, replicated: saved === undefined && replicated });
    provideRuntimePackages({
      '@aws-sdk/client-connect': connect, '@aws-sdk/client-cloudformation': cloudformation, '@aws-sdk/client-lambda': lambda, '@aws-sdk/client-sfn': sfn,
    });
    const engine = new LocalCloudFormation({
      env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...pollEnv(opts.timeScale) },
      waiterIntervalScale: opts.timeScale,
      printLogs: opts.logs === true,
      onProgress: p => {
        const line = resourceLine(p, resources);
        if (line !== undefined) {
          lines.push(line);
          print(formatResourceLine(line));
        }
      },
    });
    if (saved !== undefined) {
      emulator.restore(saved.emulator);
      engine.importState(saved.engine);
    }
    const deployed = engine.stackNames();
    if (stack === undefined) {
      stackName = opts.stack ?? (deployed.length === 1 ? deployed[0] : '');
      if (!deployed.includes(stackName)) {
        throw new Error(deployed.length === 0 ? `The state file ${opts.state} holds no deployed stack.`
          : `The state file ${opts.state} holds ${opts.stack === undefined ? 'several stacks' : `no stack ${opts.stack}, but`} ${deployed.join(', ')}: name one with --stack.`);
      }
    } else if (command === 'update' && !deployed.includes(stackName)) {
      throw new Error(`The stack ${stackName} is not deployed in ${opts.state}: run local deploy first.`);
    }

    print(`${header(command, stackName, assemblyDir)} (Connect emulator on ${emulator.endpoint}, instance ${world.instanceId} in ${world.sourceRegion}, time scale ${opts.timeScale})`);
    if (command === 'deploy') {
      print(`Each wait of the emulator's model of Amazon Connect (and of the provider's polling) takes ${opts.timeScale} of its modelled real length:`);
      timeScaleLines(emulator.realDurations(), opts.timeScale).forEach(print);
      print('  AWS publishes none of these figures. The seconds per resource below add the local run of the Lambda functions to these waits.\n');
    }
    const before = deployedResources(engine, stackName);
    resources = {
      ...stack?.template.Resources,
      ...Object.fromEntries(before.map(r => [r.logicalId, { Type: r.type, Properties: r.props }])),
    };
    let outputs: Record<string, string> = {};
    let error: string | undefined;
    try {
      if (command === 'destroy') {
        await engine.destroy(stackName);
        const after = afterDestroy(emulator, before);
        leftRunning = after.leftRunning;
        if (after.problems.length > 0) {
          error = `After the destroy, the account does not hold what the removal policies say: ${after.problems.join('; ')}`;
        }
      } else {
        outputs = (await engine.deployAssembly(stack!.assemblyDir, stack!.artifactId)).outputs;
      }
    } catch (e) {
      error = (e as Error).message;
    }
    report = {
      command,
      stack: stackName,
      succeeded: error === undefined,
      ...(error !== undefined ? { error } : {}),
      resources: lines,
      outputs,
      emulator: emulatorReport(emulator),
      ...(leftRunning !== undefined ? { leftRunning } : {}),
      apiCalls: emulator.callCount(),
      seconds: (Date.now() - started) / 1000,
    };
    if (opts.state !== undefined) {
      const state: LocalState = { version: 1, world, emulator: emulator.snapshot(), engine: engine.exportState() };
      saveState(opts.state, state);
    }
  } catch (e) {
    report = { command, stack: stackName, succeeded: false, error: (e as Error).message, resources: lines, outputs: {} };
  } finally {
    await emulator?.stop();
  }

  if (opts.json === true) {
    console.log(JSON.stringify(report, undefined, 2));
  } else {
    [
      ...formatOutputs(report.outputs),
      ...(report.emulator !== undefined ? formatEmulator(report.emulator) : []),
      ...(report.leftRunning !== undefined ? formatLeftRunning(report.leftRunning) : []),
      ...(report.apiCalls !== undefined ? ['', `${report.succeeded ? 'Done' : 'Failed'} in ${report.seconds?.toFixed(1)} s: ${report.apiCalls} Amazon Connect API calls.`] : []),
    ].forEach(l => console.log(l));
  }
  if (!report.succeeded && opts.json !== true) {
    console.error(`\nlocal ${command} of ${stackName || 'the stack'} failed: ${report.error}`);
  }
  return report;
}

/** The resources of a stack the engine has deployed (none when it has not). */
function deployedResources(engine: LocalCloudFormation, stackName: string): DeployedResource[] {
  const stack = engine.exportState().stacks.find(s => s.name === stackName);
  return (stack?.resources ?? []) as unknown as DeployedResource[];
}

function header(command: CommandReport['command'], stack: string, assemblyDir: string | undefined): string {
  switch (command) {
    case 'deploy':
      return `Deploying ${stack} from ${assemblyDir}`;
    case 'update':
      return `Updating ${stack} to ${assemblyDir}`;
    default:
      return `Destroying ${stack}`;
  }
}
