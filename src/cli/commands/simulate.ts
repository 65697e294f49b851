// `lntc simulate`: a random run of the model by the reference interpreter,
// one label a line, reproducible from its seed.

import { intOpt, stringOpt, type Command, type CommandIO, type ParsedArgs } from "../command.js";
import { LntRuntimeError } from "../../semantics/values.js";
import { simulate } from "../../semantics/simulate.js";
import { modelArg, prepare, reportRuntimeError, runWithLargeStack } from "./explore.js";

export const simulateCommand: Command = {
  name: "simulate",
  summary: "print a random run of the model, reproducible from its seed",
  help: `Usage: lntc simulate MODEL.lnt [--steps N] [--seed S] [--root 'P (args)']

Runs the model with the reference interpreter, choosing each transition at
random among those enabled, and prints one label a line ('i' for internal
actions). The same seed gives the same run. The run stops after N steps, or
earlier when no transition is possible (a deadlock, or the root process has
terminated), which is reported on standard error.

Options:
  --steps N          at most N transitions (default 100)
  --seed S           seed of the random choices (default 1)
  --root 'P (args)'  the root process and its arguments (default: MAIN)

Exit status: 0 done, 1 the model has an error (static or at run time), 2 usage or I/O error.`,
  options: { steps: { type: "string" }, seed: { type: "string" }, root: { type: "string" } },
  async run(args, io) {
    return runWithLargeStack(simulateCommand, args, io, false, () => runSimulate(args, io));
  },
};

async function runSimulate(args: ParsedArgs, io: CommandIO): Promise<number> {
  {
    const [path] = modelArg(args, "simulate");
    const steps = intOpt(args, "steps") ?? 100;
    const seed = intOpt(args, "seed") ?? 1;
    const prep = prepare(path!, stringOpt(args, "root"), io);
    if (typeof prep === "number") return prep;
    const trace: string[] = [];
    try {
      const r = simulate(prep.init, steps, seed, (l) => {
        trace.push(l);
        io.stdout.write(l + "\n");
      });
      if (r.end === "deadlock") io.stderr.write(`deadlock after ${r.steps} step${r.steps === 1 ? "" : "s"}\n`);
      else if (r.end === "terminated") io.stderr.write(`the root process terminated after ${r.steps} step${r.steps === 1 ? "" : "s"}\n`);
      return 0;
    } catch (err) {
      if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, trace);
      throw err;
    }
  }
}
