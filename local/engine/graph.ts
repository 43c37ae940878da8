/**
 * The resource graph: running an action on resources in dependency order (concurrently where
 * independent), and the reverse order deletions take.
 */
import { dependenciesOf, Template } from './template';

/** For deletions: a resource waits for every resource (among `ids`) that depends on it. */
export function dependentsIn(template: Template, ids: string[]): (id: string) => string[] {
  const dependents = new Map<string, string[]>(ids.map(id => [id, []]));
  for (const id of ids) {
    if (id in template.Resources) {
      for (const dep of dependenciesOf(template, id)) {
        dependents.get(dep)?.push(id);
      }
    }
  }
  return id => dependents.get(id) ?? [];
}

/**
 * Runs `action` on every id once its dependencies among `ids` are done, concurrently where
 * independent. After the first failure nothing new starts; what runs is awaited.
 */
export async function runGraph(
  ids: string[], depsOf: (id: string) => string[], action: (id: string) => Promise<void>,
): Promise<{ failures: Error[] }> {
  const idSet = new Set(ids);
  const remaining = new Set(ids);
  const done = new Set<string>();
  const failures: Error[] = [];
  let running = 0;
  return new Promise(resolveAll => {
    const pump = () => {
      if (failures.length === 0) {
        for (const id of [...remaining]) {
          if (depsOf(id).every(d => done.has(d) || !idSet.has(d))) {
            remaining.delete(id);
            running++;
            Promise.resolve().then(() => action(id)).then(
              () => {
                done.add(id);
              },
              e => failures.push(e instanceof Error ? e : new Error(String(e))),
            ).finally(() => {
              running--;
              pump();
            });
          }
        }
      }
      if (running === 0) {
        if (failures.length === 0 && remaining.size > 0) {
          failures.push(new Error(`Circular dependency between resources: ${[...remaining].join(', ')}`));
        }
        resolveAll({ failures });
      }
    };
    pump();
  });
}
