// The `lntc` command: one entry point, one subcommand per job.

import { parseArgs } from "node:util";
import { UsageError, type Command, type CommandIO } from "./command.js";
import { InternalError } from "../frontend/diagnostics.js";
import { formatPosition } from "../frontend/source.js";
import { checkCommand } from "./commands/check.js";
import { exploreCommand } from "./commands/explore.js";
import { simulateCommand } from "./commands/simulate.js";
import { traceCheckCommand } from "./commands/trace-check.js";
import { compileCommand } from "./commands/compile.js";
import { runCommand } from "./commands/run.js";
import { planCommand } from "./commands/plan.js";
import { traceMergeCommand } from "./commands/trace-merge.js";
import { nodeCommand } from "./commands/node.js";

const commands: readonly Command[] = [checkCommand, exploreCommand, simulateCommand, traceCheckCommand, compileCommand, runCommand, planCommand, traceMergeCommand, nodeCommand];

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "lntc: compile LNT models into running, distributed programs",
    "",
    "Usage: lntc COMMAND [options] MODEL.lnt",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'lntc COMMAND --help' for a command's options.",
  ].join("\n");
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  // `lntc --target wasm MODEL.lnt ...` is `lntc compile --target wasm MODEL.lnt ...`
  // (only when no command comes first, so that a command's own --target is left alone)
  if (argv[0] !== undefined && (argv[0] === "--target" || argv[0].startsWith("--target=") || (!commands.some((c) => c.name === argv[0]) && argv.some((a) => a === "--target" || a.startsWith("--target="))))) argv = ["compile", ...argv];
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(topHelp() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.stdout.write("lntc 0.1.0\n");
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`lntc: unknown command '${name}'\n\n${topHelp()}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(cmd.help + "\n");
    return 0;
  }
  try {
    const parsed = parseArgs({ args: [...rest], options: cmd.options, allowPositionals: true, strict: true });
    return await cmd.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && "code" in err && String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"))) {
      io.stderr.write(`lntc ${cmd.name}: ${err.message}\nRun 'lntc ${cmd.name} --help' for usage.\n`);
      return 2;
    }
    const where = err instanceof InternalError && err.span ? ` while processing ${formatPosition(err.span)}` : "";
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr.write(`lntc: internal error${where}: ${msg} [LNT9001]\nThis is a bug in lntc; please report it with the model that caused it.\n`);
    if (process.env["LNTC_DEBUG"] && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    return 3;
  }
}

