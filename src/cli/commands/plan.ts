// `lntc plan`: where each task runs and where each gate is negotiated for a deployment
// (or for `--nodes K`'s automatic placement), and what one rendezvous costs per gate in
// messages and network hops.

import { readFileSync } from "node:fs";
import { UsageError, intOpt, stringOpt, type Command, type CommandIO } from "../command.js";
import { DiagnosticBag } from "../../frontend/diagnostics.js";
import { sourceFile } from "../../frontend/source.js";
import { loadModel } from "../../frontend/index.js";
import { checkRootCall } from "../../frontend/checker.js";
import { Msg } from "../../frontend/diagnostic-messages.js";
import type { Expr, ProcessDecl } from "../../frontend/model.js";
import { BackendError } from "../../backend-wasm/automata.js";
import { extractTasks } from "../../backend-wasm/tasks.js";
import { nodeHost } from "../host.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { readDeployment, type Deployment } from "../../../host/deployment.js";
import { autoDeployment, formatPlan, resolvePlacement, type PlanModel } from "../../../host/placement.js";

export const planCommand: Command = {
  name: "plan",
  summary: "show where tasks and gate negotiations run across nodes, and what a rendezvous costs",
  help: `Usage: lntc plan MODEL.lnt (--deploy FILE | --nodes K) [--root 'P (args)']

Reads the deployment (JSON: nodes with their addresses, task -> node, and
optionally gate -> node and hooks: gate -> node; schema in
host/deployment.schema.json), places every synchronized gate not placed by the
file where a rendezvous costs the fewest network hops, then messages, and
prints the nodes with their tasks and gates and, per gate, what one rendezvous
costs: messages, causal hops, and how many of each cross the network. With
--nodes K, shows the automatic placement of 'lntc run --nodes K' instead.

Options:
  --deploy FILE      the deployment file
  --nodes K          K local nodes, tasks dealt round robin
  --root 'P (args)'  the root process and its arguments (default: MAIN)

Exit status: 0 done, 1 the model or the deployment has an error, 2 usage or I/O error.`,
  options: { deploy: { type: "string" }, nodes: { type: "string" }, root: { type: "string" } },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("expected one model file");
    const deployPath = stringOpt(args, "deploy");
    const k = intOpt(args, "nodes", 1);
    if ((deployPath === undefined) === (k === undefined)) throw new UsageError("give either --deploy FILE or --nodes K");
    const model = loadPlanModel(args.positionals[0]!, stringOpt(args, "root"), io);
    if (typeof model === "number") return model;
    let d: Deployment;
    const diags = new DiagnosticBag();
    if (deployPath !== undefined) {
      let text: string;
      try {
        text = readFileSync(deployPath, "utf8");
      } catch (err) {
        io.stderr.write(`lntc plan: cannot read '${deployPath}': ${(err as Error).message}\n`);
        return 2;
      }
      const r = readDeployment(sourceFile(deployPath, text), diags);
      if (!r) {
        printDiagnostics(diags, io);
        return 1;
      }
      d = r;
    } else d = autoDeployment(model, Array.from({ length: k! }, (_, i) => 7401 + i));
    const p = resolvePlacement(model, d, diags);
    printDiagnostics(diags, io);
    if (!p) return 1;
    io.stdout.write(formatPlan(model, d, p));
    return 0;
  },
};

/** The model's tasks, gates and vectors, from the Wasm backend's task extraction. */
export function loadPlanModel(path: string, rootText: string | undefined, io: CommandIO): PlanModel | number {
  const result = loadModel(path, nodeHost);
  if (!result.model || result.diagnostics.hasErrors()) {
    printDiagnostics(result.diagnostics, io, { quietWarnings: true });
    return result.ioError ? 2 : 1;
  }
  const diags = new DiagnosticBag();
  let root: ProcessDecl | undefined;
  let rootArgs: Expr[] = [];
  if (rootText !== undefined) {
    const r = checkRootCall(result.model, rootText, diags);
    if (!r || diags.hasErrors()) {
      printDiagnostics(diags, io, { quietWarnings: true });
      return 2;
    }
    root = r.process;
    rootArgs = r.args;
  } else {
    root = result.model.root;
    if (!root) diags.add(Msg.NoRootProcess, undefined);
    else if (root.params.length > 0) diags.add(Msg.RootHasParams, root.span, [root.name]);
    if (diags.hasErrors()) {
      printDiagnostics(diags, io, { quietWarnings: true });
      return 1;
    }
  }
  try {
    const sys = extractTasks(root!, rootArgs);
    return {
      tasks: sys.tasks.map((t) => ({ name: t.name })),
      gates: sys.gates.map((g) => ({ name: g.decl.name, visible: g.visible })),
      vectors: sys.vectors,
    };
  } catch (err) {
    if (err instanceof BackendError) {
      diags.add(err.msg, err.span, err.args);
      printDiagnostics(diags, io);
      return 1;
    }
    throw err;
  }
}
