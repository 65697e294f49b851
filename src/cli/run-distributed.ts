// `lntc run --nodes K`: the distributed mode on one machine. Compiles the model, places it
// on K nodes on loopback (tasks dealt round robin, gates where a rendezvous costs least),
// starts K `lntc node` processes, and merges their actions into one trace as they stream
// in: each action is printed (as the embedded run prints its labels), written to --trace
// and checked by --check as soon as every earlier action of its tasks has been. After
// --steps actions in all, it asks the nodes to stop, and they all exit with the verdict
// "step limit reached". Exit statuses are the embedded run's.

import { accessSync, closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandIO } from "./command.js";
import { HOOKS_FAILED } from "../../host/node-engine-wasm.js";
import type { ErrorSite } from "../backend-wasm/emit-expr.js";
import { codeString } from "../frontend/diagnostics.js";
import { formatPosition } from "../frontend/source.js";
import { checkerFor } from "./commands/explore.js";
import { TraceChecker } from "../semantics/trace-check.js";
import { build, writeOutput } from "./wasm-build.js";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import { printDiagnostics } from "./diagnostics-output.js";
import { autoDeployment, type PlanModel } from "../../host/placement.js";
import { freeLoopbackPorts, runLocalNodes, type LocalNodesResult } from "../../host/node-local.js";
import { LiveMerge, STREAM_PREFIX } from "../../host/trace-log.js";
import type { Deployment } from "../../host/deployment.js";

export interface DistributedRunOptions {
  readonly nodes: number;
  readonly seed: number;
  /** The run stops after this many actions in all (internal ones included), as the embedded run. */
  readonly steps: number;
  readonly trace: string | undefined;
  readonly quiet: boolean;
  readonly optimize: boolean;
  readonly root: string | undefined;
  /** Check the merged trace against the reference semantics, action by action as it is merged. */
  readonly check?: boolean;
  readonly hooks?: string | undefined;
}

const cli = join(dirname(fileURLToPath(import.meta.url)), "bin.js");

export async function runDistributed(path: string, o: DistributedRunOptions, io: CommandIO): Promise<number> {
  if (o.hooks !== undefined) {
    // said once here, rather than by node1 after the other nodes were started
    try {
      accessSync(o.hooks, constants.R_OK);
    } catch (err) {
      io.stderr.write(`lntc run: cannot read the hook module '${o.hooks}': ${(err as Error).message}\n`);
      return 2;
    }
  }
  const b = await build(path, { optimize: o.optimize, root: o.root }, io);
  if (typeof b === "number") return b;
  let checker: TraceChecker | undefined;
  if (o.check) {
    const c = checkerFor(path, o.root, io);
    if (typeof c === "number") return c;
    checker = c;
  }
  const m = b.generated.manifest;
  const plan: PlanModel = { tasks: m.tasks, gates: m.gates, vectors: m.gates.map((g) => g.vectors) };
  let traceFd: number | undefined;
  if (o.trace !== undefined) {
    try {
      traceFd = openSync(o.trace, "w");
    } catch (err) {
      io.stderr.write(`lntc run: cannot write '${o.trace}': ${(err as Error).message}\n`);
      return 2;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "lntc-nodes-"));
  try {
    const outdir = join(dir, "model");
    writeOutput(outdir, b, false);
    // with hooks, the visible gates are negotiated on node1, where the hook module runs once
    const hooked = o.hooks !== undefined;
    let d = autoDeployment(plan, await freeLoopbackPorts(o.nodes), undefined, hooked);
    let run: LiveRun;
    // The ports are free when chosen but may be taken before a node binds them (another
    // program, parallel runs): the nodes then cannot mesh, and one new set of ports is tried.
    for (let attempt = 1; ; attempt++) {
      run = new LiveRun(d, b.generated.errorSites, o, checker, io, traceFd);
      await run.start(outdir, path);
      // a node that stopped at once with the model's or the hooks' fault (status 1) is not a port problem
      const codes = run.result!.codes;
      const portLost = (codes.includes(3) && !codes.includes(1)) || /EADDRINUSE|address already in use/i.test(run.failure ?? "");
      if (!portLost || attempt === 2 || run.merge.known > 0) break;
      d = autoDeployment(plan, await freeLoopbackPorts(o.nodes), undefined, hooked);
    }
    return run.report();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (traceFd !== undefined) closeSync(traceFd);
  }
}

/**
 * One launch of the nodes: their actions merged live as they stream in (`lntc node
 * --stream-actions`), each printed, written to --trace and checked as soon as it is
 * causally ready; the first node (the coordinator) asked to stop every node once the run
 * has --steps actions, or at the first action --check refuses or an inconsistency of the
 * logs (`lntc node --control-stdin`).
 */
class LiveRun {
  readonly diags = new DiagnosticBag();
  readonly merge: LiveMerge;
  /** Actions printed (internal ones included): the first of the merged order. */
  printed = 0;
  /** Why the output ended before the run did: the step limit, --check, or the logs. */
  halted: "steps" | "check" | "logs" | undefined;
  refused: { label: string; possible: string[] } | undefined;
  /** What the nodes said on standard error, and the reason of a node that stopped the run. */
  readonly said: string[] = [];
  failure: string | undefined;
  /** Per node, its verdict as it printed it. */
  readonly verdicts = new Map<string, string>();
  result: LocalNodesResult | undefined;
  private tell: ((node: string, line: string) => void) | undefined;
  private asked = false;
  private out = "";
  private traceBuf = "";
  private flushing = false;

  constructor(
    private readonly d: Deployment,
    private readonly errorSites: readonly ErrorSite[],
    private readonly o: DistributedRunOptions,
    private readonly checker: TraceChecker | undefined,
    private readonly io: CommandIO,
    private readonly traceFd: number | undefined,
  ) {
    this.merge = new LiveMerge({ diags: this.diags, emit: (a) => this.take(a.label) });
  }

  async start(outdir: string, model: string): Promise<void> {
    const d = this.d;
    const hooks = this.o.hooks === undefined ? [] : ["--hooks", this.o.hooks, "--model", model, ...(this.o.root !== undefined ? ["--root", this.o.root] : [])];
    this.result = await runLocalNodes({
      cli,
      deployment: d,
      dir: dirname(outdir),
      nodeArgs: (name) => {
        const i = d.nodes.findIndex((n) => n.name === name);
        return [outdir, "--stream-actions", "--control-stdin", "--quiet", "--seed", String(this.o.seed + i), ...(i === 0 ? hooks : [])];
      },
      control: (tell) => (this.tell = tell),
      // A node that stops with a fault before any action (a hook module that fails to
      // load) would leave the others waiting for it until their start-up timeout.
      onExit: (node, code) => {
        if ((code === 1 || code === 2) && this.merge.known === 0 && !this.verdicts.has(node)) {
          for (const n of d.nodes) if (n.name !== node) this.tell?.(n.name, "stop");
        }
      },
      onStdout: (node, line) => this.fromNode(node, line),
      // A node's own messages wait for the end (the failure is said once); the rest (a hook
      // module's output, such as the address it listens on) is passed on as it comes.
      onStderr: (_node, line) => {
        if (line.startsWith("lntc node ")) this.said.push(line);
        else this.io.stderr.write(line + "\n");
      },
    });
    this.flush();
  }

  /** One line of a node's standard output: an action of its log, or its verdict. */
  private fromNode(node: string, line: string): void {
    if (line.startsWith(STREAM_PREFIX)) {
      // Past the output's end, the nodes' last actions are dropped.
      if (this.halted !== undefined) return;
      const errors = this.diags.errorCount;
      this.merge.line(`${node}.log`, line.slice(STREAM_PREFIX.length));
      if (this.diags.errorCount > errors && this.halted === undefined) {
        this.halted = "logs";
        this.stop("stop");
      } else if (this.merge.known >= this.o.steps) {
        // Enough actions are known (some may wait for an earlier one still in a pipe): stop
        // the nodes now; the output still takes the first --steps of the merged order.
        this.stop(`stop steps ${this.o.steps}`);
      }
      return;
    }
    // Each node's verdict line repeats the common one; the run says it once. A node that
    // stopped the run (a run-time error of the model) says why in its own.
    const v = /^\S+: (.*) \(\d+ rendezvous negotiated here/.exec(line);
    if (v) {
      this.verdicts.set(node, v[1]!);
      const m = /^stopped: (.*)$/.exec(v[1]!);
      if (m && this.failure === undefined && !/^(interrupted|node \S+ is down|no connection|step limit)/.test(m[1]!)) this.failure = m[1]!;
    }
  }

  /** The coordinator decides quiescence and the step limit: asking it alone, every node gets one verdict. */
  private stop(command: string): void {
    if (this.asked) return;
    this.asked = true;
    this.tell?.(this.d.nodes[0]!.name, command);
  }

  /** An action of the merged order: checked, printed and written to --trace, up to --steps. */
  private take(label: string): void {
    if (this.halted !== undefined) return;
    if (this.checker !== undefined && !this.checker.step(label)) {
      this.refused = { label, possible: this.checker.possible() };
      this.halted = "check";
      this.stop("stop");
      return;
    }
    this.printed++;
    if (!this.o.quiet) this.out += label + "\n";
    if (this.traceFd !== undefined && label !== "i") this.traceBuf += label + "\n";
    if (this.printed >= this.o.steps) {
      this.halted = "steps";
      this.stop(`stop steps ${this.o.steps}`);
    }
    if (this.out.length > 65536 || this.traceBuf.length > 65536) this.flush();
    else if (!this.flushing) {
      // Once the lines at hand are merged: a write per label would cost more than the label.
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.out !== "") this.io.stdout.write(this.out);
    if (this.traceFd !== undefined && this.traceBuf !== "") writeSync(this.traceFd, this.traceBuf);
    this.out = this.traceBuf = "";
  }

  /**
   * A node's run-time error, `FILE:LINE:COL: error LNTnnnn: message`, printed as the
   * embedded run prints it (with the source line), when it names one of the model's error
   * sites; as the node said it otherwise.
   */
  private printFailure(failure: string): void {
    const m = /^(.*:\d+:\d+): error (LNT\d+): (.*)$/s.exec(failure);
    const site = m ? this.errorSites.find((e) => codeString(e.msg.code) === m[2] && e.span !== undefined && formatPosition(e.span) === m[1]) : undefined;
    if (!m || !site) {
      this.io.stderr.write(failure + "\n");
      return;
    }
    const diags = new DiagnosticBag();
    diags.push({ code: m[2]!, severity: "error", message: m[3]!, span: site.span, related: [] });
    printDiagnostics(diags, this.io);
  }

  /** Once every node has exited: what the run prints at its end, and its exit status. */
  report(): number {
    const io = this.io;
    const o = this.o;
    const r = this.result!;
    // The nodes' own messages, but the failure's, which is said once below.
    for (const l of this.said) if (this.failure === undefined || !l.endsWith(this.failure)) io.stderr.write(l + "\n");
    if (this.halted === "check") {
      io.stderr.write(`--check: the model does not allow '${this.refused!.label}' after ${this.printed} actions; possible there: ${this.refused!.possible.join(", ") || "none"}\n`);
      return 1;
    }
    // What is left once every node has exited: a gap (a node that did not say all) or a cycle.
    if (this.halted === "logs" || (this.halted === undefined && !this.merge.end())) {
      printDiagnostics(this.diags, io);
      return 1;
    }
    const n = `${this.printed} action${this.printed === 1 ? "" : "s"}`;
    const where = `on ${o.nodes} node${o.nodes === 1 ? "" : "s"}`;
    if (this.failure !== undefined) {
      // the hook runner of node1 said what the hook did; the verdict only says that it stopped the run
      if (this.failure === HOOKS_FAILED) io.stderr.write(`the run stops: a hook misbehaved after ${n} ${where}\n`);
      else {
        this.printFailure(this.failure);
        io.stderr.write(`run-time error of the model after ${n} ${where}\n`);
      }
      return 1;
    }
    if (r.codes.includes(1) && r.codes.some((c) => c === 3 || c === 130) && r.codes.every((c) => c === 1 || c === 3 || c === 130)) {
      io.stderr.write(`${this.d.nodes.filter((_, i) => r.codes[i] === 1).map((n) => n.name).join(", ")} stopped before every node was up (said above); the others were stopped\n`);
      return 1;
    }
    if (r.codes.some((c) => c !== r.codes[0])) {
      io.stderr.write(`the nodes disagree on the verdict: exit statuses ${this.d.nodes.map((n, i) => `${n.name} ${r.codes[i]}`).join(", ")}\n`);
      return 2;
    }
    if (r.code === 0 && [...this.verdicts.values()].some((v) => v.startsWith("stopped by the hooks"))) {
      io.stderr.write(`stopped by the hooks after ${n} ${where}\n`);
      return 0;
    }
    // The output has its --steps actions. The coordinator may have found the run over just
    // before the stop reached it (every node then says so): the limit still ends the output.
    if (this.halted === "steps" && (r.code === 0 || r.code === 1)) {
      io.stderr.write(`stopped after ${n} ${where} (--steps)\n`);
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
  }
}
