/**
 * What the `local` commands run (their arguments are handled in cli/commands/local.ts): deploy the
 * user's own app (a cloud assembly `cdk synth` wrote, from any CDK language) to the embedded
 * Connect emulator, through the local CloudFormation engine, the real provider framework and the
 * real handler bundles of the assembly. No account, no credentials, no Docker: the functions get
 * dummy credentials and AWS_ENDPOINT_URL_CONNECT of the emulator.
 *
 * The world runs on the virtual clock (local/open.ts, local/world.ts): the handlers with their production
 * timings, the emulator at the service's modelled durations and rate limit, simulated time that jumps
 * whenever everything waits. So each command says how long it would take on AWS, whatever the laptop.
 *
 * A failed command prints the engine's message (the failed resource and its handler's reason)
 * and (cli/commands/local.ts) sets a non-zero exit code. A destroy also fails when the emulated account does not hold
 * what the resources' removal policies say (a RETAIN number gone, a DESTROY one still claimed).
 *
 * `runLocalCommand` is what each command runs: `npm run demo` (local/demo/demo.ts) calls it too.
 */
import * as path from 'path';
import { formatDuration, openWorld, saveWorld, WorldOptions } from './open';
import {
  afterDestroy, CommandReport, DeployedResource, durationLines, emulatorReport, formatEmulator, formatLeftRunning, formatOutputs,
  formatResourceLine, isLibraryResource, resourceLine, ResourceLine, Resources, summarizeOthers,
} from './report';
import { loadState, LocalState, mergeWorld } from './state';
import { deriveWorld } from './world';
import { EmulatorWorld } from '../emulator';
import { AssemblyStack, LocalCloudFormation, readAssembly, selectStack } from '../engine';
import { LocalWorld } from '../world';

/** The options of the `local` commands, as commander parses them. */
export interface LocalOptions extends WorldOptions {
  readonly stack?: string;
  readonly state?: string;
  readonly json?: boolean;
  readonly logs?: boolean;
  /** Print every resource's line (the provider framework's functions, roles and state machine too). */
  readonly verbose?: boolean;
}

/** What a command works on, once its arguments and the state file are read. */
interface Plan {
  readonly saved?: LocalState;
  readonly stack?: AssemblyStack;
  readonly spec: EmulatorWorld;
  readonly replicated: boolean;
}

/** What the command collects while it runs. */
class Run {
  public readonly lines: ResourceLine[] = [];
  /** The resources a Delete may concern: the new template's, then (winning) the deployed ones with their resolved properties. */
  public resources: Resources = {};
  public stackName: string;
  constructor(public readonly command: CommandReport['command'], public readonly opts: LocalOptions) {
    this.stackName = opts.stack ?? '';
  }
  print(text: string): void {
    if (this.opts.json !== true) {
      console.log(text);
    }
  }
  /** A finished resource operation: the library's resources (and any failure) at once, the rest with --verbose. */
  progress(line: ResourceLine | undefined): void {
    if (line === undefined) {
      return;
    }
    this.lines.push(line);
    if (this.opts.verbose === true || isLibraryResource(line.resourceType) || line.status.endsWith('_FAILED')) {
      this.print(formatResourceLine(line));
    }
  }
}

/**
 * Runs one command and prints what it did (text, or with `json` one JSON document); a failure is
 * printed too (to stderr in text mode) and returned as a report that did not succeed.
 */
export async function runLocalCommand(command: CommandReport['command'], opts: LocalOptions, assemblyDir?: string): Promise<CommandReport> {
  const started = performance.now();
  const run = new Run(command, opts);
  let report: CommandReport;
  let world: LocalWorld | undefined;
  try {
    const plan = readPlan(command, opts, assemblyDir);
    run.stackName = plan.stack?.name ?? run.stackName;
    world = await openWorld(plan.spec, plan.saved, {
      ...opts,
      replicated: plan.replicated,
      engine: { printLogs: opts.logs === true, onProgress: p => run.progress(resourceLine(p, run.resources)) },
    });
    run.stackName = chooseStack(command, world.engine, plan, opts);
    printHeader(run, world, plan, assemblyDir);
    report = await execute(run, world, plan.stack);
    if (opts.state !== undefined) {
      saveWorld(opts.state, plan.spec, world, plan.saved?.outages ?? []);
    }
  } catch (e) {
    report = { command, stack: run.stackName, succeeded: false, error: (e as Error).message, resources: run.lines, outputs: {} };
  } finally {
    await world?.stop();
  }
  report = { ...report, seconds: (performance.now() - started) / 1000 };
  printReport(run, report);
  return report;
}

/** The state file, the assembly's stack, and the emulator's world they call for. */
function readPlan(command: CommandReport['command'], opts: LocalOptions, assemblyDir: string | undefined): Plan {
  const saved = opts.state === undefined ? undefined : loadState(opts.state);
  if (command !== 'deploy' && saved === undefined) {
    throw new Error(opts.state === undefined
      ? `local ${command} acts on a stack deployed by an earlier command: pass the --state file that deploy wrote.`
      : `The state file ${opts.state} does not exist: run local deploy with --state ${opts.state} first.`);
  }
  if (assemblyDir === undefined) {
    return { saved, spec: saved!.world, replicated: false };
  }
  const dir = path.resolve(assemblyDir);
  const stack = selectStack(readAssembly(dir), opts.stack, dir);
  const derived = deriveWorld(stack);
  const spec = saved === undefined ? derived.world : mergeWorld(saved.world, derived.world, opts.state!);
  return { saved, stack, spec, replicated: derived.replicated };
}

/** The stack to work on: the assembly's, or (destroy) the one the state file holds. */
function chooseStack(command: CommandReport['command'], engine: LocalCloudFormation, plan: Plan, opts: LocalOptions): string {
  const deployed = engine.stackNames();
  if (plan.stack === undefined) {
    const name = opts.stack ?? (deployed.length === 1 ? deployed[0] : '');
    if (!deployed.includes(name)) {
      throw new Error(deployed.length === 0 ? `The state file ${opts.state} holds no deployed stack.`
        : `The state file ${opts.state} holds ${opts.stack === undefined ? 'several stacks' : `no stack ${opts.stack}, but`} ${deployed.join(', ')}: name one with --stack.`);
    }
    return name;
  }
  if (command === 'update' && !deployed.includes(plan.stack.name)) {
    throw new Error(`The stack ${plan.stack.name} is not deployed in ${opts.state}: run local deploy first.`);
  }
  return plan.stack.name;
}

function printHeader(run: Run, world: LocalWorld, plan: Plan, assemblyDir: string | undefined): void {
  const { spec } = plan;
  run.print(`${header(run.command, run.stackName, assemblyDir)} (Connect emulator on ${world.emulator.endpoint}, instance ${spec.instanceId} in ${spec.sourceRegion}, `
    + `seed ${world.seed}: --seed ${world.seed} replays it)`);
  const outages = plan.saved?.outages ?? [];
  if (outages.length > 0) {
    run.print(`Region${outages.length > 1 ? 's' : ''} down (local outage): ${outages.join(', ')}: every call there fails until local recover.`);
  }
  if (run.command === 'deploy' && plan.saved === undefined) {
    run.print("The emulator's model of Amazon Connect (AWS publishes none of these figures), in simulated time:");
    durationLines(world.emulator.realDurations()).forEach(l => run.print(l));
    run.print('');
  }
}

/** The deploy, update or destroy itself, and the report of what the account then holds. */
async function execute(run: Run, world: LocalWorld, stack: AssemblyStack | undefined): Promise<CommandReport> {
  const { engine, emulator } = world;
  const before = deployedResources(engine, run.stackName);
  run.resources = {
    ...stack?.template.Resources,
    ...Object.fromEntries(before.map(r => [r.logicalId, { Type: r.type, Properties: r.props }])),
  };
  const startedAt = world.clock.now();
  let outputs: Record<string, string> = {};
  let error: string | undefined;
  let leftRunning: string[] | undefined;
  try {
    if (run.command === 'destroy') {
      await engine.destroy(run.stackName);
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
  return {
    command: run.command,
    stack: run.stackName,
    succeeded: error === undefined,
    ...(error !== undefined ? { error } : {}),
    resources: run.lines,
    outputs,
    emulator: emulatorReport(emulator),
    ...(leftRunning !== undefined ? { leftRunning } : {}),
    apiCalls: emulator.callCount(),
    seed: world.seed,
    simulatedSeconds: (world.clock.now() - startedAt) / 1000,
  };
}

function printReport(run: Run, report: CommandReport): void {
  if (run.opts.json === true) {
    console.log(JSON.stringify(report, undefined, 2));
  } else {
    const others = run.opts.verbose === true ? [] : summarizeOthers(report.resources);
    [
      ...others,
      ...formatOutputs(report.outputs),
      ...(report.emulator !== undefined ? formatEmulator(report.emulator) : []),
      ...(report.leftRunning !== undefined ? formatLeftRunning(report.leftRunning) : []),
      ...(report.simulatedSeconds !== undefined ? ['', `${report.succeeded ? 'Done' : 'Failed'}: on AWS this ${run.command} would take about `
        + `${formatDuration(report.simulatedSeconds * 1000)} (the library's production timings, the service's modelled durations and `
        + `rate limit; ${report.apiCalls} Amazon Connect API calls; ${report.seconds?.toFixed(1)} s on this machine).`] : []),
    ].forEach(l => console.log(l));
  }
  if (!report.succeeded && run.opts.json !== true) {
    console.error(`\nlocal ${run.command} of ${run.stackName || 'the stack'} failed: ${report.error}`);
  }
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
