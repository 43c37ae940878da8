/**
 * A stack's template resolved against its deployed resources: the intrinsic functions' context
 * (pseudo parameters, Ref, Fn::GetAtt, conditions), the resources whose Condition holds, the outputs,
 * and the physical ids and attributes simulated for resources that are not custom resources.
 */
import { ResourceState, StackState } from './stack-state';
import { isCustomResource, resolve, ResolveContext } from './template';
import { uuidFor } from '../clock/virtual-clock';

export function context(st: StackState): ResolveContext {
  const template = st.template;
  const conditions = new Map<string, boolean>();
  const ctx: ResolveContext = {
    pseudo: {
      'AWS::Region': st.region,
      'AWS::AccountId': st.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': st.name,
      'AWS::StackId': st.stackId,
    },
    parameters: Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, String(p.Default ?? '')])),
    ref: id => {
      const r = st.resources.get(id);
      if (r === undefined) {
        throw new Error(`Ref to ${id}, which does not exist`);
      }
      return r.physicalId;
    },
    getAtt: (id, attr) => {
      const r = st.resources.get(id);
      if (r === undefined) {
        throw new Error(`Fn::GetAtt of ${id}, which does not exist`);
      }
      if (!(attr in r.attributes)) {
        throw new Error(isCustomResource(r.type)
          ? `Vendor response doesn't contain ${attr} key in object ${st.stackId}|${id}|${r.physicalId}`
          : `Fn::GetAtt ${id}.${attr} is not simulated by the local engine`);
      }
      return r.attributes[attr];
    },
    condition: name => {
      if (!conditions.has(name)) {
        conditions.set(name, resolve(template.Conditions?.[name], ctx) === true);
      }
      return conditions.get(name)!;
    },
  };
  return ctx;
}

/** The resources of the template whose Condition (if any) holds. */
export function activeResources(st: StackState): string[] {
  const ctx = context(st);
  return Object.entries(st.template.Resources)
    .filter(([, r]) => r.Condition === undefined || ctx.condition(r.Condition))
    .map(([id]) => id);
}

export function outputs(st: StackState): Record<string, string> {
  const ctx = context(st);
  const out: Record<string, string> = {};
  for (const [name, o] of Object.entries(st.template.Outputs ?? {})) {
    if (o.Condition === undefined || ctx.condition(o.Condition)) {
      out[name] = String(resolve(o.Value, ctx));
    }
  }
  return out;
}

/** A plausible physical id and attributes for a resource that is not a custom resource. */
export function simulated(st: StackState, id: string, type: string, props: Record<string, unknown>): Pick<ResourceState, 'physicalId' | 'attributes'> {
  const suffix = uuidFor(`physical id ${st.name} ${id}`).replace(/-/g, '').slice(0, 12).toUpperCase();
  const generated = `${st.name}-${id}`.slice(0, 50) + `-${suffix}`;
  const { region, account } = st;
  switch (type) {
    case 'AWS::Lambda::Function': {
      const name = String(props.FunctionName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:lambda:${region}:${account}:function:${name}` } };
    }
    case 'AWS::IAM::Role': {
      const name = String(props.RoleName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:iam::${account}:role/${name}`, RoleId: `AROA${suffix}` } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = String(props.StateMachineName ?? `${id}-${suffix}`);
      const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
      return { physicalId: arn, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = String(props.LogGroupName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:logs:${region}:${account}:log-group:${name}:*` } };
    }
    default: {
      const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return { physicalId: generated, attributes: { Arn: `arn:aws:${service}:${region}:${account}:${type.split('::')[2]?.toLowerCase()}/${generated}` } };
    }
  }
}
