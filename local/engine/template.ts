/**
 * The parts of a CloudFormation template the local engine needs: resources, their dependencies,
 * and the intrinsic functions CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split,
 * Fn::Sub, Fn::If and the condition functions), with the pseudo parameters.
 */

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Condition?: string }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
}

/** What intrinsic functions resolve against. */
export interface ResolveContext {
  readonly pseudo: Record<string, string>;
  readonly parameters: Record<string, string>;
  /** Ref of a resource: its physical id. */
  ref(logicalId: string): string;
  /** Fn::GetAtt of a resource. */
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
}

/** Whether a resource type is served by a custom resource provider. */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** The dependencies found so far, per template: a template is never changed once deployed, and the graph asks for each resource's many times. */
const dependencies = new WeakMap<Template, Map<string, string[]>>();

/** The resources a resource depends on: DependsOn and every Ref, Fn::GetAtt and Fn::Sub reference to a resource. */
export function dependenciesOf(template: Template, logicalId: string): string[] {
  let known = dependencies.get(template);
  if (known === undefined) {
    known = new Map();
    dependencies.set(template, known);
  }
  let deps = known.get(logicalId);
  if (deps === undefined) {
    deps = findDependencies(template, logicalId);
    known.set(logicalId, deps);
  }
  return deps;
}

function findDependencies(template: Template, logicalId: string): string[] {
  const resource = template.Resources[logicalId];
  const deps = new Set<string>(resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn));
  collectReferences(resource.Properties, deps);
  for (const d of deps) {
    if (!(d in template.Resources)) {
      deps.delete(d);
    }
  }
  return [...deps];
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach(v => collectReferences(v, into));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = obj[fn];
    if (fn === 'Ref' && typeof arg === 'string') {
      into.add(arg);
      return;
    }
    if (fn === 'Fn::GetAtt') {
      into.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]);
      return;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? [arg[0] as string, arg[1] as Record<string, unknown> | undefined] : [arg as string, undefined];
      for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = m[1].split('.')[0];
        if (vars === undefined || !(name in vars)) {
          into.add(name);
        }
      }
      collectReferences(vars, into);
      return;
    }
  }
  Object.values(obj).forEach(v => collectReferences(v, into));
}

/** Resolves every intrinsic function in `value`. */
export function resolve(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map(v => resolve(v, ctx)).filter(v => v !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    return intrinsic(keys[0], obj[keys[0]], ctx);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const r = resolve(v, ctx);
    if (r !== NO_VALUE) {
      out[k] = r;
    }
  }
  return out;
}

/** AWS::NoValue: the property is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

function intrinsic(fn: string, arg: unknown, ctx: ResolveContext): unknown {
  switch (fn) {
    case 'Ref': {
      const name = arg as string;
      if (name === 'AWS::NoValue') {
        return NO_VALUE;
      }
      if (name in ctx.pseudo) {
        return ctx.pseudo[name];
      }
      if (name in ctx.parameters) {
        return ctx.parameters[name];
      }
      return ctx.ref(name);
    }
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/);
      return ctx.getAtt(id, attr);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown];
      return (resolve(parts, ctx) as unknown[]).map(String).join(sep);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolve(list, ctx) as unknown[];
      const i = Number(resolve(index, ctx));
      if (!Array.isArray(items) || !(i >= 0 && i < items.length)) {
        throw new Error(`Fn::Select: index ${i} out of bounds`);
      }
      return items[i];
    }
    case 'Fn::Split': {
      const [sep, text] = arg as [string, unknown];
      return String(resolve(text, ctx)).split(sep);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? [arg[0] as string, resolve(arg[1], ctx) as Record<string, unknown>] : [arg as string, {}];
      return text.replace(/\$\{([^}]*)\}/g, (_match, expr: string) => {
        if (expr.startsWith('!')) {
          return `\${${expr.slice(1)}}`;
        }
        if (vars && expr in vars) {
          return String(vars[expr]);
        }
        if (expr.includes('.') && !(expr in ctx.pseudo)) {
          const [id, attr] = expr.split(/\.(.*)/);
          return String(ctx.getAtt(id, attr));
        }
        return String(intrinsic('Ref', expr, ctx));
      });
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return resolve(ctx.condition(cond) ? whenTrue : whenFalse, ctx);
    }
    case 'Fn::Equals': {
      const [a, b] = arg as [unknown, unknown];
      return JSON.stringify(resolve(a, ctx)) === JSON.stringify(resolve(b, ctx));
    }
    case 'Fn::And':
      return (arg as unknown[]).every(c => resolve(c, ctx) === true);
    case 'Fn::Or':
      return (arg as unknown[]).some(c => resolve(c, ctx) === true);
    case 'Fn::Not':
      return resolve((arg as unknown[])[0], ctx) !== true;
    case 'Condition':
      return ctx.condition(arg as string);
    case 'Fn::Base64':
      return Buffer.from(String(resolve(arg, ctx))).toString('base64');
    default:
      throw new Error(`The local engine does not support ${fn}`);
  }
}

/**
 * CloudFormation passes every scalar of a custom resource's properties as a string ("Scalars
 * arrive as strings"): numbers and booleans become strings at any depth.
 */
export function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stringifyScalars);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
