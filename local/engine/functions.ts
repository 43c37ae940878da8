/**
 * The deployed Lambda functions and state machines as the engine runs them: a Lambda runtime per
 * Region, each function's configuration (its code from the cloud assembly, its environment), and
 * IAM: each function runs with an access key of its own, and its role's deployed policies decide its
 * calls to the emulator.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AuthorizationDecision, AuthorizationRequest } from '../emulator';
import { accessDeniedMessage, evaluate, PolicyStatement } from './iam';
import { LambdaFunctionConfig, LambdaRuntime, LogLine, SandboxStats } from './lambda-runtime';
import { LocalCloudFormationOptions, ResourceState, StackState } from './stack-state';
import { StateMachineDefinition } from './state-machine';
import { uuidFor } from '../clock/virtual-clock';

export class LambdaFunctions {
  private readonly runtimes = new Map<string, LambdaRuntime>();
  /** Function name to logical id, of every function invoked. */
  private readonly functionLogicalIds = new Map<string, string>();
  private readonly inlineCodeDirs = new Map<string, string>();

  /** The access key each function runs with (its role's credentials), to the function. */
  private readonly accessKeys = new Map<string, { stack: string; logicalId: string }>();
  private readonly engineId = uuidFor('engine');

  constructor(
    private readonly stacks: Map<string, StackState>,
    private readonly options: LocalCloudFormationOptions,
    /** Called with each sandbox started (the provider framework's outbound calls are replaced in it). */
    private readonly onSandbox: (sandbox: { loaded(file: string): unknown }) => void,
  ) {}

  /** Ends every function's sandboxes. */
  public dispose(): void {
    this.runtimes.forEach(r => r.dispose());
  }

  public get logs(): LogLine[] {
    return [...this.runtimes.values()].flatMap(r => r.logs);
  }

  /**
   * Lambda's concurrency so far, per function (by logical id; one sandbox per concurrent invocation): the sandboxes started, the peak of sandboxes busy at
   * once, the invocations and the longest one.
   */
  public sandboxStats(): Record<string, SandboxStats> {
    const byName: Record<string, SandboxStats> = Object.assign({}, ...[...this.runtimes.values()].map(r => r.sandboxStats()));
    return Object.fromEntries(Object.entries(byName).map(([name, stats]) => [this.functionLogicalIds.get(name) ?? name, stats]));
  }

  public runtime(fn: LambdaFunctionConfig): LambdaRuntime {
    const region = fn.functionArn.split(':')[3];
    let runtime = this.runtimes.get(region);
    if (runtime === undefined) {
      runtime = new LambdaRuntime({
        // CloudFormation (DescribeStacks on the function's own stack) is served on the Connect emulator's endpoint.
        env: {
          ...(this.options.env?.AWS_ENDPOINT_URL_CONNECT ? { AWS_ENDPOINT_URL_CLOUDFORMATION: this.options.env.AWS_ENDPOINT_URL_CONNECT } : {}),
          ...this.options.env,
        },
        region,
        printLogs: this.options.printLogs,
        timeoutScale: this.options.lambdaTimeoutScale,
        onSandbox: (_config, sandbox) => this.onSandbox(sandbox),
      });
      this.runtimes.set(region, runtime);
    }
    return runtime;
  }

  /** The access key of a function (stable per engine, stack and function), as Lambda gives it its role's session. */
  public accessKeyFor(st: StackState, logicalId: string): string {
    const key = `ASIA${createHash('sha256').update(`${this.engineId}/${st.name}/${logicalId}`).digest('hex').slice(0, 16).toUpperCase()}`;
    this.accessKeys.set(key, { stack: st.name, logicalId });
    return key;
  }

  /**
   * Decides a call signed with one of this engine's access keys: the function's role's
   * identity-based policies as deployed now (the role's inline policies, and every AWS::IAM::Policy
   * or AWS::IAM::ManagedPolicy attached to it). AWS managed policies (the Lambda execution
   * policies) grant no Connect action and are not read.
   */
  public authorize(req: AuthorizationRequest): AuthorizationDecision | undefined {
    const caller = this.accessKeys.get(req.accessKeyId);
    if (caller === undefined) {
      return undefined;
    }
    const st = this.stacks.get(caller.stack);
    const fn = st?.resources.get(caller.logicalId);
    const roleArn = String(fn?.props.Role ?? '');
    const role = [...this.stacks.values()].flatMap(s => [...s.resources.values()])
      .find(r => r.type === 'AWS::IAM::Role' && r.attributes.Arn === roleArn);
    const statements: PolicyStatement[] = [];
    const docStatements = (doc: unknown): PolicyStatement[] =>
      [(doc as { Statement?: PolicyStatement | PolicyStatement[] } | undefined)?.Statement ?? []].flat();
    if (role !== undefined) {
      for (const p of (role.props.Policies ?? []) as Array<{ PolicyDocument?: unknown }>) {
        statements.push(...docStatements(p.PolicyDocument));
      }
      for (const s of this.stacks.values()) {
        for (const r of s.resources.values()) {
          const attached = ((r.props.Roles ?? []) as unknown[]).includes(role.physicalId);
          if (attached && (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy')) {
            statements.push(...docStatements(r.props.PolicyDocument));
          }
        }
      }
    }
    const evaluation = evaluate(statements, req.action, req.resources);
    if (evaluation.allowed) {
      return evaluation;
    }
    const account = st?.account ?? 'unknown';
    const principal = `arn:aws:sts::${account}:assumed-role/${role?.physicalId ?? 'deleted-role'}/${fn?.physicalId ?? caller.logicalId}`;
    return { allowed: false, message: accessDeniedMessage(principal, req.action, evaluation) };
  }

  /** The deployed Lambda function with this name or ARN. */
  public lambdaFunction(nameOrArn: string): LambdaFunctionConfig | undefined {
    for (const st of this.stacks.values()) {
      for (const r of st.resources.values()) {
        if (r.type === 'AWS::Lambda::Function' && (r.attributes.Arn === nameOrArn || r.physicalId === nameOrArn)) {
          return this.functionConfig(st, r);
        }
      }
    }
    return undefined;
  }

  public functionConfig(st: StackState, r: ResourceState): LambdaFunctionConfig {
    const p = r.props as {
      Code: { S3Key?: string; ZipFile?: string };
      Handler: string;
      Runtime?: string;
      MemorySize?: number;
      Timeout?: number;
      Environment?: { Variables?: Record<string, string> };
    };
    this.functionLogicalIds.set(r.physicalId, r.logicalId);
    return {
      functionName: r.physicalId,
      functionArn: r.attributes.Arn,
      codeDir: this.codeDir(st, r.logicalId, p.Code),
      handler: p.Handler,
      environment: {
        ...Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, String(v)])),
        // The credentials of the function's role: the emulator tells the functions apart by them.
        AWS_ACCESS_KEY_ID: this.accessKeyFor(st, r.logicalId),
      },
      runtime: p.Runtime,
      memorySize: p.MemorySize,
      timeoutSeconds: p.Timeout,
    };
  }

  /** The directory of a function's code: its asset in the cloud assembly (S3Key is `<asset hash>.zip`), or its inline code. */
  public codeDir(st: StackState, logicalId: string, code: { S3Key?: string; ZipFile?: string }): string {
    if (code.ZipFile !== undefined) {
      let dir = this.inlineCodeDirs.get(code.ZipFile);
      if (dir === undefined) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cfn-inline-'));
        fs.writeFileSync(path.join(dir, 'index.js'), code.ZipFile);
        this.inlineCodeDirs.set(code.ZipFile, dir);
      }
      return dir;
    }
    const hash = (code.S3Key ?? '').replace(/\.zip$/, '');
    const dir = st.assets[hash];
    if (dir === undefined) {
      throw new Error(`${logicalId}: no asset ${code.S3Key} in the cloud assembly`);
    }
    return dir;
  }

  public stateMachine(arn: string): StateMachineDefinition | undefined {
    for (const st of this.stacks.values()) {
      for (const r of st.resources.values()) {
        if (r.type === 'AWS::StepFunctions::StateMachine' && r.physicalId === arn) {
          const def = r.props.DefinitionString ?? r.props.Definition;
          return (typeof def === 'string' ? JSON.parse(def) : def) as StateMachineDefinition;
        }
      }
    }
    return undefined;
  }

}
