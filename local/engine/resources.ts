/**
 * One resource's operation: create, update or delete it (a custom resource through the provider
 * framework, AWS::Connect::PhoneNumber natively, anything else simulated), with its progress events;
 * and deleting a set of resources, dependents first.
 */
import { dependentsIn, runGraph } from './graph';
import { NativeConnect } from './native-connect';
import { ProviderFramework } from './provider-framework';
import { context, simulated } from './resolution';
import { isRetained, Progress, RequestType, ResourceFailure, ResourceState, StackState } from './stack-state';
import { isCustomResource, resolve, stringifyScalars, Template } from './template';

export class ResourceOperations {
  constructor(
    private readonly native: NativeConnect,
    public readonly provider: ProviderFramework,
    private readonly progress: Progress,
  ) {}

  /** Deletes `ids` (dependents first, concurrently where independent); returns the failures. */
  public async deleteAll(st: StackState, ids: string[], template: Template): Promise<Error[]> {
    const { failures } = await runGraph(ids, dependentsIn(template, ids), async id => {
      const r = st.resources.get(id)!;
      if (!isRetained(r.deletionPolicy)) {
        await this.deleteResource(st, r);
      }
      st.resources.delete(id);
    });
    return failures;
  }

  public async createResource(st: StackState, id: string): Promise<void> {
    const def = st.template.Resources[id];
    const props = this.resolveProperties(st, id, 'Create');
    const base = { logicalId: id, type: def.Type, props, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy };
    if (this.native.handles(def.Type)) {
      st.resources.set(id, { ...base, ...await this.runNative(id, def.Type, 'Create', () => this.native.create(props)) });
      return;
    }
    if (!isCustomResource(def.Type)) {
      this.progress(id, def.Type, 'Create', 'IN_PROGRESS', 0);
      st.resources.set(id, { ...base, ...simulated(st, id, def.Type, props) });
      this.progress(id, def.Type, 'Create', 'SUCCESS', 0);
      return;
    }
    const outcome = await this.provider.send(st, 'Create', def.Type, id, props, {}, failedId => {
      // CloudFormation deletes a failed resource whose response named a physical id.
      st.resources.set(id, { ...base, physicalId: failedId, attributes: {} });
    });
    st.resources.set(id, { ...base, physicalId: outcome.physicalId, attributes: outcome.data });
  }

  public async updateResource(
    st: StackState, id: string, old: ResourceState, props: Record<string, unknown>, onFailedId?: (physicalId: string) => void,
  ): Promise<ResourceState> {
    if (this.native.handles(old.type)) {
      const def = st.template.Resources[id];
      const outcome = await this.runNative(id, old.type, 'Update', () => this.native.update(old.physicalId, old.props, props));
      const updated: ResourceState = { ...old, props, ...outcome, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy };
      st.resources.set(id, updated);
      return updated;
    }
    if (!isCustomResource(old.type)) {
      this.progress(id, old.type, 'Update', 'SUCCESS', 0);
      const updated = { ...old, props };
      st.resources.set(id, updated);
      return updated;
    }
    const outcome = await this.provider.send(st, 'Update', old.type, id, props, { physicalId: old.physicalId, oldProps: old.props }, onFailedId);
    const def = st.template.Resources[id];
    const updated: ResourceState = {
      ...old,
      props,
      physicalId: outcome.physicalId,
      attributes: outcome.data,
      deletionPolicy: def.DeletionPolicy,
      updateReplacePolicy: def.UpdateReplacePolicy,
    };
    st.resources.set(id, updated);
    return updated;
  }

  public async deleteResource(st: StackState, r: ResourceState): Promise<void> {
    if (this.native.handles(r.type)) {
      await this.runNative(r.logicalId, r.type, 'Delete', () => this.native.delete(r.physicalId));
      return;
    }
    if (!isCustomResource(r.type)) {
      this.progress(r.logicalId, r.type, 'Delete', 'SUCCESS', 0);
      return;
    }
    await this.provider.send(st, 'Delete', r.type, r.logicalId, r.props, { physicalId: r.physicalId });
  }

  /** Runs a native resource's operation with its progress events; a failure is the resource's. */
  public async runNative<T>(logicalId: string, type: string, requestType: RequestType, op: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.progress(logicalId, type, requestType, 'IN_PROGRESS', 0);
    try {
      const out = await op();
      this.progress(logicalId, type, requestType, 'SUCCESS', Date.now() - started);
      return out;
    } catch (e) {
      const reason = `${(e as Error).name}: ${(e as Error).message}`;
      this.progress(logicalId, type, requestType, 'FAILED', Date.now() - started, reason);
      throw new ResourceFailure(logicalId, type, requestType, reason);
    }
  }

  /** The resource's properties, resolved; a reference that cannot be resolved fails the resource. */
  public resolveProperties(st: StackState, id: string, requestType: RequestType): Record<string, unknown> {
    const def = st.template.Resources[id];
    let resolved: Record<string, unknown>;
    try {
      resolved = resolve(def.Properties ?? {}, context(st)) as Record<string, unknown>;
    } catch (e) {
      this.progress(id, def.Type, requestType, 'FAILED', 0, (e as Error).message);
      throw new ResourceFailure(id, def.Type, requestType, (e as Error).message);
    }
    return isCustomResource(def.Type) ? stringifyScalars(resolved) as Record<string, unknown> : resolved;
  }
}
