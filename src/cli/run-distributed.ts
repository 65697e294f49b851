// `lntc run --nodes K`: the distributed mode on one machine. Compiles the model, places it
// on K nodes on loopback (tasks dealt round robin, gates where a rendezvous costs least),
// starts K `lntc node` processes, and when they have agreed on a verdict merges their
// action logs into one trace: printed as the embedded run prints its labels, and written
// to --trace. Exit statuses are the embedded run's.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, type CommandIO } from "./command.js";
import { prepare, reportRuntimeError } from "./commands/explore.js";
import { TraceChecker } from "../semantics/trace-check.js";
import { LntRuntimeError } from "../semantics/values.js";
import { build, writeOutput } from "./wasm-build.js";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import { sourceFile } from "../frontend/source.js";
import { printDiagnostics } from "./diagnostics-output.js";
import { autoDeployment, type PlanModel } from "../../host/placement.js";
import { freeLoopbackPorts, runLocalNodes } from "../../host/node-local.js";
import { mergeLogs } from "../../host/trace-log.js";

export interface DistributedRunOptions {
  readonly nodes: number;
  readonly seed: number;
  /** Per task: each task stops after this many actions of its own. */
  readonly steps: number;
  readonly trace: string | undefined;
  readonly quiet: boolean;
  readonly optimize: boolean;
  readonly root: string | undefined;
  /** Check the merged trace against the reference semantics. */
  readonly check?: boolean;
  readonly hooks?: string | undefined;
}

const cli = join(dirname(fileURLToPath(import.meta.url)), "bin.js");

export async function runDistributed(path: string, o: DistributedRunOptions, io: CommandIO): Promise<number> {
  if (o.hooks !== undefined) throw new UsageError("--hooks is not supported with --nodes yet (hooks on a node are not wired)");
  const b = await build(path, { optimize: o.optimize, root: o.root }, io);
  if (typeof b === "number") return b;
  let checker: TraceChecker | undefined;
  if (o.check) {
    const prep = prepare(path, o.root, io);
    if (typeof prep === "number") return prep;
    try {
      checker = new TraceChecker(prep.init);
    } catch (err) {
      if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, []);
      throw err;
    }
  }
  const m = b.generated.manifest;
  const plan: PlanModel = { tasks: m.tasks, gates: m.gates, vectors: m.gates.map((g) => g.vectors) };
  const dir = mkdtempSync(join(tmpdir(), "lntc-nodes-"));
  try {
    const outdir = join(dir, "model");
    writeOutput(outdir, b, false);
    let d = autoDeployment(plan, await freeLoopbackPorts(o.nodes));
    let logs: string[] = [];
    let limited = false;
    let failure: string | undefined;
    let said: string[] = [];
    let r: Awaited<ReturnType<typeof runLocalNodes>>;
    // The ports are free when chosen but may be taken before a node binds them (another
    // program, parallel runs): the nodes then cannot mesh, and one new set of ports is tried.
    for (let attempt = 1; ; attempt++) {
      logs = d.nodes.map((n) => join(dir, `${n.name}.log`));
      limited = false;
      failure = undefined;
      said = [];
      r = await runLocalNodes({
        cli,
        deployment: d,
        dir,
        nodeArgs: (name) => {
          const i = d.nodes.findIndex((n) => n.name === name);
          return [outdir, "--log", logs[i]!, "--quiet", "--seed", String(o.seed + i), "--steps", String(o.steps)];
        },
        // Each node's verdict line repeats the common one; the run says it once below. A
        // node that stopped the run (a run-time error of the model) says why in its own.
        onStdout: (node, line) => {
          const m = /^\S+: stopped: (.*) \(\d+ rendezvous negotiated here/.exec(line);
          if (m && failure === undefined && !/^(interrupted|node \S+ is down|no connection)/.test(m[1]!)) failure = m[1]!;
          void node;
        },
        onStderr: (_node, line) => {
          if (line.endsWith("(--steps)")) limited = true;
          else said.push(line);
        },
      });
      const portLost = r.codes.includes(3) || /EADDRINUSE|address already in use/i.test(failure ?? "");
      if (!portLost || attempt === 2) break;
      d = autoDeployment(plan, await freeLoopbackPorts(o.nodes));
    }
    // The nodes' own messages, but the failure's, which is said once below.
    for (const l of said) if (failure === undefined || !l.endsWith(failure)) io.stderr.write(l + "\n");
    const diags = new DiagnosticBag();
    const files = logs.flatMap((f) => {
      try {
        return [sourceFile(f, readFileSync(f, "utf8"))];
      } catch {
        return [];
      }
    });
    const all = mergeLogs(files, diags, true);
    if (!all) {
      printDiagnostics(diags, io);
      return 1;
    }
    const visible = all.filter((l) => l !== "i");
    // --check: the merged trace, action by action, against the reference semantics (after
    // the run: only the merge orders actions decided on different nodes).
    if (checker !== undefined) {
      for (let i = 0; i < all.length; i++) {
        if (checker.step(all[i]!)) continue;
        if (!o.quiet && i > 0) io.stdout.write(all.slice(0, i).join("\n") + "\n");
        io.stderr.write(`--check: the model does not allow '${all[i]}' after ${i} actions; possible there: ${checker.possible().join(", ") || "none"}\n`);
        return 1;
      }
    }
    if (!o.quiet && all.length > 0) io.stdout.write(all.join("\n") + "\n");
    if (o.trace !== undefined) {
      try {
        writeFileSync(o.trace, visible.map((l) => l + "\n").join(""));
      } catch (err) {
        io.stderr.write(`lntc run: cannot write '${o.trace}': ${(err as Error).message}\n`);
        return 2;
      }
    }
    const n = `${all.length} action${all.length === 1 ? "" : "s"}`;
    const where = `on ${o.nodes} node${o.nodes === 1 ? "" : "s"}`;
    if (failure !== undefined) {
      io.stderr.write(`${failure}\nrun-time error of the model after ${n} ${where}\n`);
      return 1;
    }
    if (r.codes.some((c) => c !== r.codes[0])) {
      io.stderr.write(`the nodes disagree on the verdict: exit statuses ${d.nodes.map((n, i) => `${n.name} ${r.codes[i]}`).join(", ")}\n`);
      return 2;
    }
    // A task that reached --steps leaves the others waiting for it (or ends): that is the limit, not a deadlock.
    if (limited && (r.code === 0 || r.code === 1)) {
      io.stderr.write(`stopped after ${n} ${where} (--steps: ${o.steps} actions per task)\n`);
      return 0;
    }
    switch (r.code) {
      case 0:
        io.stderr.write(`terminated after ${n} ${where}\n`);
        return 0;
      case 1:
        io.stderr.write(`deadlock after ${n} ${where}: no task can move and no message is in flight\n`);
        return 1;
      default:
        return r.code;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
