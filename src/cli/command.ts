// What every `lntc` subcommand provides. Each lives in its own file under
// commands/ and is listed once in main.ts.

import type { ParseArgsConfig } from "node:util";

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line, for `lntc --help`. */
  readonly summary: string;
  /** The full `lntc NAME --help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** Returns the exit status: 0 success, 1 the model is wrong, 2 usage or I/O. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** A usage problem: the CLI prints it with the command's usage line and exits 2. */
export class UsageError extends Error {}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UsageError(`--${name} needs a value`);
  return v;
}

export function intOpt(args: ParsedArgs, name: string, min = 0): number | undefined {
  const s = stringOpt(args, name);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < min || !Number.isSafeInteger(Number(s))) {
    throw new UsageError(`--${name} takes a whole number${min > 0 ? ` of at least ${min}` : ""}, not '${s}'`);
  }
  return Number(s);
}

export function boolOpt(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
