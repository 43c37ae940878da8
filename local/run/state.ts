/**
 * `--state <file>`: what the `local` commands keep between runs, as one JSON file: the emulator's
 * world (the instance, flows, users and numbers on offer it was started with), what the emulated
 * account then holds, the stacks the local CloudFormation engine deployed, the Regions down (`local
 * outage`) and the simulated time the world stopped at.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EmulatorSnapshot, EmulatorWorld } from '../emulator';
import { EngineState } from '../engine';

export interface LocalState {
  readonly version: 1;
  readonly world: EmulatorWorld;
  readonly emulator: EmulatorSnapshot;
  readonly engine: EngineState;
  /** The simulated instant (epoch ms) the last command's world stopped at: the next one starts there. */
  readonly clock?: number;
  /** The Regions `local outage` took down (every call to them fails until `local recover`). */
  readonly outages?: string[];
}

/** The state saved in `file`, or undefined when there is no such file yet. */
export function loadState(file: string): LocalState | undefined {
  if (!fs.existsSync(file)) {
    return undefined;
  }
  let state: LocalState;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalState;
  } catch (e) {
    throw new Error(`Cannot read the state file ${file}: ${(e as Error).message}. Delete it to start from an empty account.`);
  }
  if (state.version !== 1 || state.world === undefined || state.emulator === undefined || state.engine === undefined) {
    throw new Error(`${file} is not a state file of the local commands (version 1). Delete it to start from an empty account.`);
  }
  return state;
}

/** Writes the state (a temporary file renamed over `file`, so that an interrupted write never leaves half a file). */
export function saveState(file: string, state: LocalState): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, undefined, 1));
  fs.renameSync(tmp, file);
}

/**
 * The world of a saved state grown by what a new template references (more flows, users, numbers
 * on offer). The instance, account and Regions must stay the same: one state file is one account.
 */
export function mergeWorld(saved: EmulatorWorld, derived: EmulatorWorld, file: string): EmulatorWorld {
  const instance = (w: EmulatorWorld) => `arn:aws:connect:${w.sourceRegion}:${w.account}:instance/${w.instanceId}`;
  if (instance(saved) !== instance(derived)) {
    throw new Error(`The state file ${file} holds the instance ${instance(saved)}; this stack uses ${instance(derived)}. `
      + 'Use another --state file for another instance.');
  }
  const inventory = [...(saved.inventory ?? [])];
  for (const n of derived.inventory ?? []) {
    if (!inventory.some(i => i.phoneNumber === n.phoneNumber)) {
      inventory.push(n);
    }
  }
  const sourceNumbers = [...(saved.sourceNumbers ?? [])];
  for (const n of derived.sourceNumbers ?? []) {
    if (!sourceNumbers.some(s => s.arn === n.arn)) {
      sourceNumbers.push(n);
    }
  }
  return {
    ...saved,
    flowIds: [...new Set([...saved.flowIds, ...derived.flowIds])],
    userIds: [...new Set([...saved.userIds, ...derived.userIds])],
    inventory,
    ...(saved.sourceNumbers !== undefined || derived.sourceNumbers !== undefined ? { sourceNumbers } : {}),
  };
}
