// `lntc trace-merge`: the logs of the nodes of one distributed run -> one global trace
// of visible labels, in the format lntc trace-check reads.

import { readFileSync, writeFileSync } from "node:fs";
import { UsageError, boolOpt, stringOpt, type Command } from "../command.js";
import { DiagnosticBag } from "../../frontend/diagnostics.js";
import { sourceFile, type SourceFile } from "../../frontend/source.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { mergeLogs } from "../../../host/trace-log.js";

export const traceMergeCommand: Command = {
  name: "trace-merge",
  summary: "merge the action logs of the nodes of a distributed run into one trace",
  help: `Usage: lntc trace-merge LOG... [-o FILE] [--internal]

Reads the logs that the nodes of one run wrote (each action once, with the
sequence number of each participating task), and prints one global trace, one
label a line, that keeps every task's actions in order: the format lntc
trace-check reads. Two actions of one task at the same sequence number, a gap in
a task's sequence (a missing log) or actions ordered in a cycle are errors,
reported at file:line.

Options:
  -o FILE     write the trace to FILE instead of standard output
  --internal  keep internal steps ('i')

Exit status: 0 merged, 1 the logs are inconsistent, 2 usage or I/O error.`,
  options: { o: { type: "string", short: "o" }, internal: { type: "boolean" } },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one log file");
    const files: SourceFile[] = [];
    for (const p of args.positionals) {
      try {
        files.push(sourceFile(p, readFileSync(p, "utf8")));
      } catch (err) {
        io.stderr.write(`lntc trace-merge: cannot read '${p}': ${(err as Error).message}\n`);
        return 2;
      }
    }
    const diags = new DiagnosticBag();
    const trace = mergeLogs(files, diags, boolOpt(args, "internal"));
    if (trace === undefined) {
      printDiagnostics(diags, io);
      return 1;
    }
    const text = trace.map((l) => l + "\n").join("");
    const out = stringOpt(args, "o");
    if (out === undefined) io.stdout.write(text);
    else {
      try {
        writeFileSync(out, text);
      } catch (err) {
        io.stderr.write(`lntc trace-merge: cannot write '${out}': ${(err as Error).message}\n`);
        return 2;
      }
    }
    return 0;
  },
};
