// `lntc trace-check`: does the model perform this trace of visible labels
// (with internal steps in between)? Reads a file, or standard input line by
// line as it arrives, so that a running system can be monitored live.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { intOpt, stringOpt, type Command, type CommandIO, type ParsedArgs } from "../command.js";
import { LntRuntimeError } from "../../semantics/values.js";
import { ClosureTooLarge, DEFAULT_CLOSURE_BOUND, TraceChecker, normaliseLabel } from "../../semantics/trace-check.js";
import { modelArg, prepare, reportRuntimeError, runWithLargeStack } from "./explore.js";

export const traceCheckCommand: Command = {
  name: "trace-check",
  summary: "check that the model can perform a trace of visible labels",
  help: `Usage: lntc trace-check MODEL.lnt [TRACE.seq | -] [--root 'P (args)'] [--bound N]

Reads a trace, one label a line as lntc explore and simulate print them
('PING !0'; a line in double quotes, as in CADP's SEQ format, is unquoted;
blank lines are skipped), and says whether the model can perform it with any
number of internal steps in between. With '-' or no trace file, reads standard
input as it arrives and stops at the first refused label.

On failure prints the longest accepted prefix, the refused label and the
labels possible at that point.

Options:
  --root 'P (args)'  the root process and its arguments (default: MAIN)
  --bound N          at most N states reachable at once (default ${DEFAULT_CLOSURE_BOUND})

Exit status: 0 accepted, 1 refused or the model has an error, 2 usage or I/O error.`,
  options: { root: { type: "string" }, bound: { type: "string" } },
  async run(args, io) {
    const fromStdin = args.positionals.length < 2 || args.positionals[1] === "-";
    return runWithLargeStack(traceCheckCommand, args, io, fromStdin, () => runTraceCheck(args, io));
  },
};

async function runTraceCheck(args: ParsedArgs, io: CommandIO): Promise<number> {
  {
    const n = args.positionals.length;
    const [path, tracePath] = modelArg(args, "trace-check", n === 2 ? 2 : 1);
    const bound = intOpt(args, "bound", 1) ?? DEFAULT_CLOSURE_BOUND;
    const prep = prepare(path!, stringOpt(args, "root"), io);
    if (typeof prep === "number") return prep;
    let input: NodeJS.ReadableStream;
    if (tracePath === undefined || tracePath === "-") input = io.stdin;
    else {
      const stream = createReadStream(tracePath, { encoding: "utf8" });
      const opened = await new Promise<Error | undefined>((resolve) => {
        stream.once("open", () => resolve(undefined));
        stream.once("error", (e) => resolve(e));
      });
      if (opened) {
        io.stderr.write(`lntc trace-check: cannot read '${tracePath}': ${opened.message}\n`);
        return 2;
      }
      input = stream;
    }
    let checker: TraceChecker;
    try {
      checker = new TraceChecker(prep.init, bound);
    } catch (err) {
      if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, []);
      if (err instanceof ClosureTooLarge) {
        io.stderr.write(`lntc trace-check: ${err.message}; raise --bound\n`);
        return 1;
      }
      throw err;
    }
    const rl = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const raw of rl) {
        line++;
        const label = normaliseLabel(raw);
        if (label === "") continue;
        if (!checker.step(label)) {
          rl.close();
          const acc = checker.accepted;
          io.stdout.write(`trace refused at line ${line}, after ${acc.length} accepted label${acc.length === 1 ? "" : "s"}\n`);
          io.stdout.write("accepted prefix:\n");
          for (const l of acc) io.stdout.write(`  ${l}\n`);
          io.stdout.write(`refused label:\n  ${label}\n`);
          const poss = checker.possible();
          io.stdout.write(poss.length === 0 ? "no visible label is possible there (deadlock or termination)\n" : "possible labels there:\n");
          for (const l of poss) io.stdout.write(`  ${l}\n`);
          return 1;
        }
      }
    } catch (err) {
      if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, checker.accepted);
      if (err instanceof ClosureTooLarge) {
        io.stderr.write(`lntc trace-check: ${err.message} after ${checker.accepted.length} labels; raise --bound\n`);
        return 1;
      }
      if (err instanceof Error && "code" in err) {
        io.stderr.write(`lntc trace-check: cannot read the trace: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    io.stdout.write(`trace accepted: ${checker.accepted.length} label${checker.accepted.length === 1 ? "" : "s"}\n`);
    return 0;
  }
}
