// `lntc compile` (also `lntc --target wasm`): the model to one Wasm module holding every
// task, the negotiation and the guards, with its manifest and TypeScript declarations.

import { basename, join } from "node:path";
import { boolOpt, stringOpt, type Command } from "../command.js";
import { modelArg } from "./explore.js";
import { build, writeOutput } from "../wasm-build.js";

export const compileCommand: Command = {
  name: "compile",
  summary: "compile the model to WebAssembly (same as lntc --target wasm)",
  help: `Usage: lntc --target wasm MODEL.lnt [-o OUTDIR] [-O] [--emit-as] [--root 'P (args)']
       lntc compile MODEL.lnt [same options]

Finds the tasks of the model's top-level parallel composition, lowers each to a
state machine in AssemblyScript with the data part and the rendezvous
negotiation, and compiles everything to one Wasm module through the asc API.
Compiled output is cached in .lntc-cache/ by a hash of the sources.

The output folder holds model.wasm, manifest.json (tasks, gates, synchronization
vectors, offer sites and their types, run-time error table) and model.d.ts (the
visible gates and types, for hook modules).

Options:
  -o, --output DIR   the output folder (default: out/NAME)
  -O                 optimize with Binaryen (release builds; slower to compile)
  --emit-as          also write the generated AssemblyScript (model.ts, runtime.ts)
  --root 'P (args)'  the root process and its arguments (default: MAIN)
  --quiet            no summary line

Exit status: 0 compiled, 1 the model has an error or uses an unsupported construct, 2 usage or I/O error.`,
  options: {
    output: { type: "string", short: "o" },
    O: { type: "boolean", short: "O" },
    "emit-as": { type: "boolean" },
    root: { type: "string" },
    target: { type: "string" },
    quiet: { type: "boolean" },
  },
  async run(args, io) {
    const [path] = modelArg(args, "compile");
    const target = stringOpt(args, "target");
    if (target !== undefined && target !== "wasm") {
      io.stderr.write(`lntc: unknown target '${target}' (the only target is 'wasm')\n`);
      return 2;
    }
    const start = performance.now();
    const b = await build(path!, { optimize: boolOpt(args, "O"), root: stringOpt(args, "root") }, io);
    if (typeof b === "number") return b;
    const dir = stringOpt(args, "output") ?? join(io.cwd, "out", basename(path!).replace(/\.lnt$/i, ""));
    try {
      writeOutput(dir, b, boolOpt(args, "emit-as"));
    } catch (err) {
      io.stderr.write(`lntc compile: cannot write '${dir}': ${(err as Error).message}\n`);
      return 2;
    }
    if (!boolOpt(args, "quiet")) {
      const m = b.generated.manifest;
      io.stderr.write(`${dir}: ${m.tasks.length} task${m.tasks.length === 1 ? "" : "s"}, ${m.gates.length} gate${m.gates.length === 1 ? "" : "s"}, ${b.wasm.length} bytes of Wasm${b.cached ? " (cached)" : ""} in ${Math.round(performance.now() - start)} ms\n`);
    }
    return 0;
  },
};
