// `lntc run`: compiles if needed (through the cache) and runs every task of the model in
// this process, in one Wasm instance, printing each visible action as it happens in the
// reference semantics' label format. With --check the reference semantics follows the
// run and stops it at the first action the model does not allow.

import { openSync, writeSync, closeSync } from "node:fs";
import { boolOpt, intOpt, stringOpt, UsageError, type Command, type CommandIO } from "../command.js";
import { checkerFor, modelArg, reportRuntimeError } from "./explore.js";
import { build, type Built } from "../wasm-build.js";
import { DiagnosticBag } from "../../frontend/diagnostics.js";
import { Msg } from "../../frontend/diagnostic-messages.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { EmbeddedModel, type RunResult, type Stop, type TaskWait } from "../../../host/embedded/instance.js";
import { TraceChecker } from "../../semantics/trace-check.js";
import { LntRuntimeError } from "../../semantics/values.js";
import { runWithHooks } from "../hooks.js";
import { runDistributed } from "../run-distributed.js";

/** Actions run between two turns of the event loop. */
const SLICE = 4096;

class CheckRefused {
  constructor(readonly label: string, readonly possible: readonly string[]) {}
}

export const runCommand: Command = {
  name: "run",
  summary: "compile (if needed) and run the model: every task in one Wasm instance",
  help: `Usage: lntc run MODEL.lnt [--seed S] [--steps N] [--trace FILE] [--check] [-O] [--root 'P (args)']

Runs every task of the model in this process and one Wasm instance; the
rendezvous negotiation among the tasks never leaves Wasm. Prints each visible
action as it happens ('G !v1 !v2'; internal actions 'i'), and stops when the
model terminates, deadlocks (saying what each task waits for), meets a run-time
error, or after N actions. The scheduler's choices come from a PRNG seeded by
--seed: the same seed gives the same run.

Options:
  --seed S           the seed (default 1)
  --steps N          stop after N actions (default 2000)
  --trace FILE       also write the labels there, one per line (lntc trace-check reads it)
  --check            run the reference semantics beside and stop at the first action
                     the model does not allow
  --quiet            do not print the actions
  -O                 use the optimized build
  --root 'P (args)'  the root process and its arguments (default: MAIN)
  --nodes K          run on K local node processes over gRPC (docs/distributed.md);
                     the actions are printed as the nodes' streams are merged, and
                     the run stops after N actions in all as well
  --hooks FILE       a JS or TS module that takes part in the visible gates it hooks
                     (see docs/hooks.md); the run then waits for the environment
                     instead of reporting a deadlock, and ends on Ctrl-C, termination,
                     --steps or the module's stop()

Exit status: 0 terminated or N actions done, 1 deadlock, run-time error of the
model or --check violation, 2 usage or I/O error.`,
  options: {
    seed: { type: "string" },
    steps: { type: "string" },
    trace: { type: "string" },
    check: { type: "boolean" },
    quiet: { type: "boolean" },
    O: { type: "boolean", short: "O" },
    root: { type: "string" },
    hooks: { type: "string" },
    nodes: { type: "string" },
  },
  async run(args, io) {
    const [path] = modelArg(args, "run");
    const seed = intOpt(args, "seed") ?? 1;
    const nodes = intOpt(args, "nodes", 1);
    const hooksPath = stringOpt(args, "hooks");
    // the reference semantics enumerates the values of every offer, and cannot those the environment gives
    if (hooksPath !== undefined && boolOpt(args, "check")) throw new UsageError("--check cannot follow a run with --hooks yet");
    // with hooks the run serves its environment until it stops it (or Ctrl-C); nodes stop after at least one action
    const steps = intOpt(args, "steps", nodes === undefined ? 0 : 1) ?? (hooksPath !== undefined ? Infinity : 2000);
    if (nodes !== undefined) return runDistributed(path!, { nodes, seed, steps, trace: stringOpt(args, "trace"), quiet: boolOpt(args, "quiet"), optimize: boolOpt(args, "O"), root: stringOpt(args, "root"), check: boolOpt(args, "check"), hooks: hooksPath }, io);
    const b = await build(path!, { optimize: boolOpt(args, "O"), root: stringOpt(args, "root") }, io);
    if (typeof b === "number") return b;
    let checker: TraceChecker | undefined;
    if (boolOpt(args, "check")) {
      const c = checkerFor(path!, stringOpt(args, "root"), io);
      if (typeof c === "number") return c;
      checker = c;
    }
    const tracePath = stringOpt(args, "trace");
    let traceFd: number | undefined;
    if (tracePath !== undefined) {
      try {
        traceFd = openSync(tracePath, "w");
      } catch (err) {
        io.stderr.write(`lntc run: cannot write '${tracePath}': ${(err as Error).message}\n`);
        return 2;
      }
    }
    const quiet = boolOpt(args, "quiet");
    // labels are built (in Wasm) only when someone reads them
    const needLabels = !quiet || tracePath !== undefined || checker !== undefined;
    let out = "";
    let traceBuf = "";
    const flush = () => {
      if (out) io.stdout.write(out);
      if (traceFd !== undefined && traceBuf) writeSync(traceFd, traceBuf);
      out = traceBuf = "";
    };
    const run = new EmbeddedModel(b.wasm, b.generated.manifest.sites.map((x) => x.types.length)).instantiate(seed);
    run.onLabel = (label) => {
      if (checker) {
        let ok: boolean;
        try {
          ok = checker.step(label);
        } catch (err) {
          throw err;
        }
        if (!ok) throw new CheckRefused(label, checker.possible());
      }
      if (!quiet) out += label + "\n";
      if (traceFd !== undefined) traceBuf += label + "\n";
      if (out.length > 65536 || traceBuf.length > 65536) flush();
    };
    let result: RunResult;
    if (hooksPath !== undefined) {
      let r: RunResult | number;
      try {
        r = await runWithHooks(hooksPath, b, run, steps, needLabels, flush, io);
      } finally {
        flush();
        if (traceFd !== undefined) closeSync(traceFd);
      }
      return typeof r === "number" ? r : report(r, b, io, checker);
    }
    try {
      // In slices, giving the event loop a turn between them, so that the actions
      // appear as they happen on a pipe too.
      let left = steps;
      for (;;) {
        const slice = Math.min(left, SLICE);
        result = run.run(slice, needLabels);
        left -= slice;
        if (result.end !== "steps" || left === 0) break;
        flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      flush();
      if (traceFd !== undefined) closeSync(traceFd);
    }
    return report(result, b, io, checker);
  },
};

function report(r: RunResult, b: Built, io: CommandIO, checker: TraceChecker | undefined): number {
  const n = `${r.steps} action${r.steps === 1 ? "" : "s"}`;
  switch (r.end) {
    case "steps":
      io.stderr.write(`stopped after ${n} (--steps)\n`);
      return 0;
    case "terminated":
      io.stderr.write(`terminated after ${n}\n`);
      return 0;
    case "deadlock":
      io.stderr.write(`deadlock after ${n}:\n${describeWaits(r.waits, b)}`);
      return 1;
    case "stopped":
      return reportStop(r.stop, r.steps, b, io, checker);
    case "environment":
      throw new Error("an environment action outside a run with hooks");
  }
}

export function describeWaits(waits: readonly TaskWait[], b: Built): string {
  const m = b.generated.manifest;
  let s = "";
  for (const w of waits) {
    const t = m.tasks[w.task]!;
    const who = `  task ${t.id} (${t.name})`;
    if (w.status === "terminated") s += `${who}: terminated\n`;
    else if (w.status === "stopped") s += `${who}: stopped (no action possible: 'stop' or a choice with no value)\n`;
    else {
      const offers = w.sites.map((id, i) => {
        const site = m.sites[id]!;
        const g = m.gates[site.gate];
        const gate = site.gate === -2 ? "termination" : !g ? "i" : g.visible ? g.label : `${g.name.toUpperCase()} (hidden)`;
        const parts = site.types.map((t, p) => w.values[i]?.[p] !== undefined ? ` !${w.values[i]![p]}` : ` ?${m.types[t]}`);
        return `${gate}${parts.join("")} (${site.at})`;
      });
      s += `${who}: waits for ${offers.join(", or ")}\n`;
    }
  }
  return s;
}

function reportStop(stop: Stop, steps: number, b: Built, io: CommandIO, checker: TraceChecker | undefined): number {
  const diags = new DiagnosticBag();
  switch (stop.kind) {
    case "error": {
      const e = b.generated.errorSites[stop.id];
      if (!e) throw new Error(`run-time error with unknown id ${stop.id}`);
      diags.add(e.msg, e.span, e.args.map((a) => (a === "$value" ? String(stop.value) : a)));
      printDiagnostics(diags, io);
      io.stderr.write(`run-time error of the model after ${steps} action${steps === 1 ? "" : "s"}\n`);
      return 1;
    }
    case "negotiation": {
      const site = b.generated.sites[stop.site]!;
      const gate = b.generated.manifest.gates[site.gate]!;
      diags.add(Msg.InfiniteNegotiation, site.span, [gate.label, stop.position + 1, b.model.types[site.types[stop.position]!]!.name]);
      printDiagnostics(diags, io);
      io.stderr.write(`the run cannot go on: gate ${gate.label}, position ${stop.position + 1} needs a value from the environment (hooks are not supported yet)\n`);
      return 1;
    }
    case "host":
      if (stop.reason instanceof CheckRefused) {
        io.stderr.write(`--check: the model does not allow '${stop.reason.label}' after ${checker?.accepted.length ?? steps} actions; possible there: ${stop.reason.possible.length === 0 ? "none" : stop.reason.possible.join(", ")}\n`);
        return 1;
      }
      if (stop.reason instanceof LntRuntimeError) return reportRuntimeError(stop.reason, io, checker?.accepted);
      throw stop.reason;
    case "abort":
      throw new Error(`the Wasm aborted: ${stop.message}`);
  }
}
