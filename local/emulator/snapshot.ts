/**
 * An emulator's state as JSON (`snapshot`), and taken back (`restore`), to keep it between processes.
 */
import { Body, ClaimedNumber, EmulatorSnapshot, Group, Replica } from './model';
import { EmulatorState } from './state';

/** The account's state as JSON-safe data (ConnectEmulator.snapshot). */
export function snapshotOf(s: EmulatorState): EmulatorSnapshot {
  return JSON.parse(JSON.stringify({
    version: 1,
    world: { instanceArn: s.world.instanceArn },
    groups: [...s.groupsById.values()].map(g => ({ ...g, users: [...g.users] })),
    numbers: [...s.numbersById.values()],
    replicas: [...s.replicas.values()],
    taken: s.world.inventory.filter(n => !s.inventory.has(n.phoneNumber)).map(n => n.phoneNumber),
    coolingDown: [...s.coolingDown.entries()],
    tokens: [...s.tokens.entries()],
    isolatedAll: s.isolatedAll,
  }));
}

/** Replaces what the account holds with a snapshot taken by `snapshot` (of the same instance). */
export function restoreSnapshot(s: EmulatorState, snapshot: EmulatorSnapshot): void {
  if (snapshot.version !== 1 || snapshot.world.instanceArn !== s.world.instanceArn) {
    throw new Error(`The saved emulator state is of ${snapshot.world?.instanceArn ?? 'another format'}, not of ${s.world.instanceArn}.`);
  }
  const fill = <V>(map: Map<string, V>, entries: Array<[string, V]>) => {
    map.clear();
    entries.forEach(([k, v]) => map.set(k, v));
  };
  fill(s.groupsById, snapshot.groups.map(g => [g.id, { ...(g as unknown as Group), users: new Set(g.users) }]));
  fill(s.numbersById, snapshot.numbers.map(n => [n.id, n as unknown as ClaimedNumber]));
  fill(s.replicas, snapshot.replicas.map(r => [r.region, r as unknown as Replica]));
  // The world's numbers on offer (its inventory may have grown since the snapshot), less those taken before.
  fill(s.inventory, s.world.inventory.filter(n => !snapshot.taken.includes(n.phoneNumber)).map(n => [n.phoneNumber, n]));
  fill(s.coolingDown, snapshot.coolingDown);
  fill(s.tokens, snapshot.tokens as Array<[string, { params: string; result: Body }]>);
  s.isolatedAll = snapshot.isolatedAll === true;
}
