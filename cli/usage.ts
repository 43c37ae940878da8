/**
 * The tool's usage rules: every option checked before any call (exit 2), an unknown option said to be
 * unknown (before any missing required one), the exit codes, and the progress line while a command waits.
 */
import { Command, InvalidArgumentError } from 'commander';
import { EXIT } from './connect';

export { EXIT, PendingError, UsageError } from './connect';

export const EXIT_CODES_HELP = `
Exit codes:
  0  done (a change: applied, and the group ACTIVE again)
  1  failed (what went wrong and what to do is printed)
  2  bad usage: an unknown or invalid option (nothing was called)
  3  the change was applied, but the group was not ACTIVE yet when --wait ended (it settles on its own)`;

/** `--wait <seconds>`: a whole number of seconds, 0 or more. */
export function parseWait(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidArgumentError('give a whole number of seconds, 0 or more (e.g. --wait 300; --wait 0 sends the change without waiting).');
  }
  return Number(value);
}

/**
 * commander checks required options before unknown ones: `failover --group X --too us-west-2` would say that
 * `--to` is missing. This makes every required option of the program's commands checked after the unknown
 * ones (in a preAction hook), with commander's own message and exit code 2.
 */
export function unknownBeforeMissing(program: Command): void {
  const required = new Map<Command, string[]>();
  const walk = (c: Command) => {
    for (const o of c.options) {
      if (o.mandatory) {
        o.mandatory = false;
        required.set(c, [...(required.get(c) ?? []), o.flags]);
      }
    }
    c.commands.forEach(walk);
  };
  walk(program);
  program.hook('preAction', (_, action) => {
    for (const flags of required.get(action) ?? []) {
      const option = action.options.find(o => o.flags === flags)!;
      if (action.getOptionValue(option.attributeName()) === undefined) {
        action.error(`error: required option '${flags}' not specified`, { exitCode: EXIT.usage, code: 'commander.missingMandatoryOptionValue' });
      }
    }
  });
}

/** A line that says what the command waits for and since when: on a terminal only (never with --json, nor when piped). */
export class Progress {
  /** The progress of a command: a line on stderr when both stdout and stderr are a terminal and not `--json`, else nothing. */
  public static async start(json: boolean | undefined): Promise<Progress> {
    if (json === true || process.stdout.isTTY !== true || process.stderr.isTTY !== true) {
      return new Progress(undefined);
    }
    // log-update is an ES module: imported when needed (esbuild bundles it into the tool).
    const { createLogUpdate } = await import('log-update');
    return new Progress(createLogUpdate(process.stderr, { showCursor: true }));
  }

  private readonly started = Date.now();

  private constructor(private readonly update: ((text: string) => void) & { clear(): void; done(): void } | undefined) {}

  /** Redraws the line: `what`, and the seconds since the command started waiting. */
  show(what: string): void {
    this.update?.(`${what} (${Math.round((Date.now() - this.started) / 1000)} s)`);
  }

  /** Removes the line (before the command's report). */
  done(): void {
    this.update?.clear();
    this.update?.done();
  }
}
