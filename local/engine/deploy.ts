/**
 * Creating a stack (rolled back by deleting what was created when a resource fails), and updating
 * one: resources created, updated or replaced in dependency order, then the cleanup of replaced and
 * removed resources; on failure, UPDATE_ROLLBACK (updates back to the old properties, newest first,
 * then the deletion of what the update created).
 */
import { dependentsIn, runGraph } from './graph';
import { activeResources, outputs } from './resolution';
import { ResourceOperations } from './resources';
import { DeployResult, isRetained, ResourceState, resourcesOf, StackState, Synthesized } from './stack-state';
import { dependenciesOf, isCustomResource } from './template';
import { uuidFor } from '../clock/virtual-clock';

export async function createStack(stacks: Map<string, StackState>, ops: ResourceOperations, synth: Synthesized): Promise<DeployResult> {
  const st: StackState = {
    name: synth.name,
    stackId: `arn:aws:cloudformation:${synth.region}:${synth.account}:stack/${synth.name}/${uuidFor(`stack ${synth.name}`)}`,
    region: synth.region,
    account: synth.account,
    template: synth.template,
    assemblyDir: synth.assemblyDir,
    assets: synth.assets,
    resources: new Map(),
    status: 'CREATE_IN_PROGRESS',
  };
  stacks.set(st.name, st);
  const ids = activeResources(st);
  const { failures } = await runGraph(ids, id => dependenciesOf(st.template, id), id => ops.createResource(st, id));
  if (failures.length > 0) {
    st.status = 'ROLLBACK_IN_PROGRESS';
    const rollback = await ops.deleteAll(st, [...st.resources.keys()], st.template);
    stacks.delete(st.name);
    throw new Error(`Stack ${st.name} ROLLBACK_COMPLETE after ${failures.map(f => f.message).join('; ')}`
      + (rollback.length > 0 ? `; rollback failed: ${rollback.map(f => f.message).join('; ')}` : ''));
  }
  st.status = 'CREATE_COMPLETE';
  return { outputs: outputs(st), resources: resourcesOf(st), cleanupFailures: [] };
}

/** What an update did to one resource. */
interface Touched {
  readonly id: string;
  readonly kind: 'created' | 'updated' | 'replaced';
  readonly after: ResourceState;
}

export async function updateStack(ops: ResourceOperations, previous: StackState, synth: Synthesized): Promise<DeployResult> {
  const before = new Map(previous.resources);
  const oldTemplate = previous.template;
  const oldAssets = { dir: previous.assemblyDir, assets: previous.assets };
  const st = previous;
  st.template = synth.template;
  st.assemblyDir = synth.assemblyDir;
  st.assets = synth.assets;
  st.status = 'UPDATE_IN_PROGRESS';
  // cancel-update-stack: the requests in flight end "Resource update cancelled" (provider-framework.ts), the rollback starts.
  st.cancelled = new Promise<void>(resolve => (st.cancel = resolve));

  /** What this update did to each resource, in the order it was done. */
  const touched: Touched[] = [];
  const ids = activeResources(st);
  const { failures } = await runGraph(ids, id => dependenciesOf(st.template, id), id => updateOne(ops, st, id, before.get(id), touched));
  st.cancel = undefined;
  st.cancelled = undefined;

  st.cancel = undefined;
  st.cancelled = undefined;
  if (failures.length === 0) {
    st.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
    const cleanupFailures = await cleanUpAfterUpdate(ops, st, before, oldTemplate, ids, touched);
    st.status = 'UPDATE_COMPLETE';
    return { outputs: outputs(st), resources: resourcesOf(st), cleanupFailures };
  }

  st.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
  const { rollbackFailures, rolledBackTo } = await rollBackUpdate(ops, st, before, touched);
  st.template = oldTemplate;
  st.assemblyDir = oldAssets.dir;
  st.assets = oldAssets.assets;
  st.resources = new Map(before);
  rolledBackTo.forEach((r, id) => st.resources.set(id, r));
  st.status = rollbackFailures.length > 0 ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE';
  throw new Error(`Stack ${st.name} ${rollbackFailures.length > 0 ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE'} after `
    + `${failures.map(f => f.message).join('; ')}${rollbackFailures.length > 0 ? `; rollback failed: ${rollbackFailures.join('; ')}` : ''}`);
}

/** One resource of an update: created (new, or of another type), updated (in place or replaced), or left as it is; recorded in `touched`. */
async function updateOne(ops: ResourceOperations, st: StackState, id: string, old: ResourceState | undefined, touched: Touched[]): Promise<void> {
  const type = st.template.Resources[id].Type;
  if (old === undefined || old.type !== type) {
    try {
      await ops.createResource(st, id);
    } finally {
      const created = st.resources.get(id);
      if (created !== undefined && created !== old) {
        touched.push({ id, kind: old === undefined ? 'created' : 'replaced', after: created });
      }
    }
    return;
  }
  const props = ops.resolveProperties(st, id, 'Update');
  if (JSON.stringify(props) === JSON.stringify(old.props)) {
    // CloudFormation applies a changed DeletionPolicy / UpdateReplacePolicy even when no property changed.
    const def = st.template.Resources[id];
    st.resources.set(id, { ...old, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy });
    return;
  }
  let after: ResourceState | undefined;
  let failedId: string | undefined;
  try {
    after = await ops.updateResource(st, id, old, props, physicalId => (failedId = physicalId));
  } finally {
    // A failed Update is rolled back with an Update to the old properties too, sent to the
    // physical id its FAILED response named (the provider framework names the request's
    // current id: after a replacement that failed in isComplete, the new resource's).
    touched.push({
      id,
      kind: after !== undefined && after.physicalId !== old.physicalId ? 'replaced' : 'updated',
      after: after ?? { ...old, props, physicalId: failedId ?? old.physicalId },
    });
  }
}

/** UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: delete replaced and removed resources; what fails is reported, not thrown. */
async function cleanUpAfterUpdate(
  ops: ResourceOperations, st: StackState, before: Map<string, ResourceState>, oldTemplate: StackState['template'], ids: string[], touched: Touched[],
): Promise<DeployResult['cleanupFailures']> {
  const cleanup = new Map<string, ResourceState>();
  for (const t of touched.filter(x => x.kind === 'replaced')) {
    const old = before.get(t.id)!;
    if (old.updateReplacePolicy !== 'Retain') {
      cleanup.set(t.id, old);
    }
  }
  for (const [id, old] of before) {
    if (!ids.includes(id)) {
      cleanup.set(id, old);
    }
  }
  const cleanupFailures: DeployResult['cleanupFailures'] = [];
  await runGraph([...cleanup.keys()], dependentsIn(oldTemplate, [...cleanup.keys()]), async id => {
    const old = cleanup.get(id)!;
    const removed = !ids.includes(id);
    try {
      if (!(removed && isRetained(old.deletionPolicy))) {
        await ops.deleteResource(st, old);
      }
      if (removed) {
        st.resources.delete(id);
      }
    } catch (e) {
      cleanupFailures.push({ logicalId: id, physicalId: old.physicalId, reason: (e as Error).message });
    }
  });
  return cleanupFailures;
}

/**
 * UPDATE_ROLLBACK_IN_PROGRESS: update back what was updated, newest first; then delete what the
 * update created. Returns what failed, and the resources a rollback Update gave another physical id.
 */
async function rollBackUpdate(
  ops: ResourceOperations, st: StackState, before: Map<string, ResourceState>, touched: Touched[],
): Promise<{ rollbackFailures: string[]; rolledBackTo: Map<string, ResourceState> }> {
  const rollbackFailures: string[] = [];
  const toDelete: ResourceState[] = [];
  /** Resources whose rollback Update answered with another physical id than the one it was sent to. */
  const rolledBackTo = new Map<string, ResourceState>();
  for (const t of [...touched].reverse()) {
    const old = before.get(t.id);
    if (t.kind === 'updated' && old !== undefined) {
      try {
        if (isCustomResource(old.type)) {
          const back = await ops.provider.send(st, 'Update', old.type, t.id, old.props, { physicalId: t.after.physicalId, oldProps: t.after.props });
          if (back.physicalId !== t.after.physicalId) {
            // Another id answers: CloudFormation takes it as a replacement made by the rollback,
            // and deletes the one it replaced in UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS.
            toDelete.push(t.after);
          }
          if (back.physicalId !== old.physicalId || t.after.physicalId !== old.physicalId) {
            rolledBackTo.set(t.id, { ...old, physicalId: back.physicalId, attributes: back.data });
          }
        }
      } catch (e) {
        rollbackFailures.push((e as Error).message);
      }
    } else {
      toDelete.push(t.after);
    }
  }
  // UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: delete what the update created, newest first.
  st.status = rollbackFailures.length > 0 ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
  for (const r of toDelete) {
    if (isRetained(r.deletionPolicy)) {
      continue;
    }
    try {
      await ops.deleteResource(st, r);
    } catch (e) {
      rollbackFailures.push((e as Error).message);
    }
  }
  return { rollbackFailures, rolledBackTo };
}
