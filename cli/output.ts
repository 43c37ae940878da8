/** How a command reports: human-readable lines, or one JSON document with --json (for scripts). */
export interface OutputOptions {
  readonly json?: boolean;
}

export function print(options: OutputOptions, human: string[], json: unknown): void {
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(json, undefined, 2)}\n`);
  } else {
    process.stdout.write(`${human.join('\n')}\n`);
  }
}
