/**
 * One Lambda sandbox: a function's code loaded from its asset directory in a module registry of its
 * own (so its own module state), in the process's main realm; and the packages the Lambda runtime
 * provides (`@aws-sdk/*`, `@smithy/*`), resolved from the repository's node_modules or served by a host
 * (`provideRuntimePackages`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The packages the Lambda Node.js runtime ships (its /var/runtime/node_modules). */
const RUNTIME_PACKAGES = /^@(aws-sdk|smithy)\//;

/** The real process of the main realm (jest gives test code a copy whose env is detached). */
export const realProcess: NodeJS.Process = vm.runInThisContext('process');
const realModule: typeof import('module') = (realProcess as unknown as { getBuiltinModule(id: string): unknown }).getBuiltinModule('module') as typeof import('module');
const runtimeRequire = realModule.createRequire(path.join(REPO_ROOT, 'node_modules', '.lambda-runtime.js'));

/** Runtime packages a host provides itself (a bundled command-line tool has no node_modules to resolve them from). */
const providedPackages = new Map<string, unknown>();

/**
 * Serves these runtime packages (`@aws-sdk/*`, `@smithy/*`) to every function's `require`, in place
 * of resolving them from node_modules: how the bundled `local` commands give the functions the SDK.
 */
export function provideRuntimePackages(packages: Record<string, unknown>): void {
  for (const [name, exports] of Object.entries(packages)) {
    if (!RUNTIME_PACKAGES.test(name)) {
      throw new Error(`${name} is not a package of the Lambda runtime`);
    }
    providedPackages.set(name, exports);
  }
}

export type Handler = (event: unknown, context: unknown, callback?: (err: unknown, result?: unknown) => void) => unknown;

/** Compiled code by file (and its modification time): each sandbox runs it anew, for its own module instance. */
const compiled = new Map<string, { mtimeMs: number; script: vm.Script }>();

function compile(file: string, filename: string): vm.Script {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const hit = compiled.get(file);
  if (hit !== undefined && hit.mtimeMs === mtimeMs) {
    return hit.script;
  }
  const source = fs.readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, console) {${source}\n})`, { filename });
  compiled.set(file, { mtimeMs, script });
  return script;
}

const realAsyncHooks = runtimeRequire('async_hooks') as typeof import('async_hooks');

/** One sandbox: its own module registry, so its own module state (as each Lambda sandbox has). */
export class Sandbox {
  private readonly modules = new Map<string, { exports: unknown }>();
  /**
   * The AsyncLocalStorage instances its code made. Each one, once used, stays in the process's list of
   * storages, and every promise the process creates from then on is copied into each: disposing of the
   * sandbox disables them (a Lambda sandbox is a process of its own; here thousands share one).
   */
  private readonly storages: Array<{ disable(): void }> = [];
  /** What the sandbox's code gets for `async_hooks`: the real module, with its storages tracked. */
  private asyncHooks?: typeof import('async_hooks');

  constructor(private readonly config: { readonly handler: string; readonly codeDir: string }, private readonly console: Console) {}

  /** Loads the handler module (the function's init phase). */
  public loadHandler(): Handler {
    const [file, ...exportPath] = this.config.handler.split('.');
    const modulePath = this.resolveFile(path.join(this.config.codeDir, file));
    if (modulePath === undefined) {
      throw lambdaError('Runtime.ImportModuleError', `Error: Cannot find module '${file}'`);
    }
    let exported: unknown;
    try {
      exported = this.load(modulePath);
    } catch (e) {
      throw lambdaError('Runtime.ImportModuleError', `${(e as Error).name}: ${(e as Error).message}`);
    }
    for (const key of exportPath) {
      exported = (exported as Record<string, unknown> | undefined)?.[key];
    }
    if (typeof exported !== 'function') {
      throw lambdaError('Runtime.HandlerNotFound', `${this.config.handler} is undefined or not exported`);
    }
    return exported as Handler;
  }

  /** The exports of a module already loaded in this sandbox (e.g. the framework's outbound.js). */
  public loaded(file: string): unknown {
    return this.modules.get(path.join(this.config.codeDir, file))?.exports;
  }

  private load(file: string): unknown {
    const cached = this.modules.get(file);
    if (cached !== undefined) {
      return cached.exports;
    }
    const module = { exports: {} as unknown };
    this.modules.set(file, module);
    try {
      const source = fs.readFileSync(file, 'utf8');
      if (file.endsWith('.json')) {
        module.exports = JSON.parse(source);
      } else {
        // Stack traces (and so the framework's FAILED reasons) name the file as Lambda would.
        const wrapper = compile(file, this.taskPath(file)).runInThisContext() as (...args: unknown[]) => void;
        const req = (spec: string) => this.require(file, spec);
        wrapper.call(module.exports, module.exports, req, module, file, path.dirname(file), this.console);
      }
    } catch (e) {
      this.modules.delete(file);
      throw e;
    }
    return module.exports;
  }

  /** Disables what the sandbox's code left running in the process (its AsyncLocalStorage instances). */
  public dispose(): void {
    this.storages.splice(0).forEach(s => s.disable());
  }

  private require(fromFile: string, spec: string): unknown {
    if (spec === 'async_hooks' || spec === 'node:async_hooks') {
      return this.trackedAsyncHooks();
    }
    if (realModule.isBuiltin(spec)) {
      return runtimeRequire(spec);
    }
    if (spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) {
      const file = this.resolveFile(path.resolve(path.dirname(fromFile), spec));
      if (file === undefined) {
        throw this.moduleNotFound(spec, fromFile);
      }
      return this.load(file);
    }
    // A dependency shipped in the asset (node_modules next to the code), else the runtime's SDK.
    const inAsset = path.join(this.config.codeDir, 'node_modules');
    if (fs.existsSync(inAsset)) {
      try {
        return realModule.createRequire(path.join(inAsset, '.asset.js'))(spec);
      } catch (e) {
        if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') {
          throw e;
        }
      }
    }
    if (RUNTIME_PACKAGES.test(spec)) {
      return providedPackages.has(spec) ? providedPackages.get(spec) : runtimeRequire(spec);
    }
    throw this.moduleNotFound(spec, fromFile);
  }

  private trackedAsyncHooks(): typeof import('async_hooks') {
    if (this.asyncHooks === undefined) {
      const storages = this.storages;
      class AsyncLocalStorage<T> extends realAsyncHooks.AsyncLocalStorage<T> {
        constructor() {
          super();
          storages.push(this);
        }
      }
      this.asyncHooks = { ...realAsyncHooks, AsyncLocalStorage } as typeof import('async_hooks');
    }
    return this.asyncHooks;
  }

  /** Node's error, with the require stack Lambda shows (the code lives in /var/task). */
  private moduleNotFound(spec: string, fromFile: string): Error {
    const e = new Error(`Cannot find module '${spec}'\nRequire stack:\n- ${this.taskPath(fromFile)}\n- /var/runtime/index.mjs`) as Error & { code: string };
    e.code = 'MODULE_NOT_FOUND';
    return e;
  }

  /** Where Lambda would have the file: it unpacks the code into /var/task. */
  private taskPath(file: string): string {
    return path.join('/var/task', path.relative(this.config.codeDir, file));
  }

  private resolveFile(base: string): string | undefined {
    for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return candidate;
      }
    }
    return undefined;
  }
}

function lambdaError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
