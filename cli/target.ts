/** Where a command's calls go: the account of the caller's credentials, or (the `local` commands) the local world of a state file. */
import { Command } from 'commander';

export interface Target {
  /** Adds the options that name the group (and, for the local world, its state file and seed). */
  options(command: Command): Command;
  /** Runs `body` with the group's ARN, once Connect calls go where they should. */
  run(options: { group?: string }, body: (groupArn: string) => Promise<void>): Promise<void>;
}

/** The caller's account: `--group <arn>` is required. */
export const ACCOUNT: Target = {
  options: c => c.requiredOption('--group <arn>', 'the ARN of the traffic distribution group'),
  run: (options, body) => body(options.group!),
};
