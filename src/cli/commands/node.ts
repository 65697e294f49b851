// `lntc node`: starts one node of a deployment, on this machine or another. With
// --check-network it runs no model: every node pings every other through the same
// transport, shell and verdict as a real run, which checks addresses, TLS and firewalls.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, boolOpt, intOpt, stringOpt, type Command, type CommandIO } from "../command.js";
import { DiagnosticBag } from "../../frontend/diagnostics.js";
import { sourceFile } from "../../frontend/source.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { deploymentHash, readDeployment, type Deployment } from "../../../host/deployment.js";
import { GrpcTransport, type TlsFiles } from "../../../host/transport-grpc.js";
import { describeVerdict, exitStatus, runNode, type EngineOut, type NodeEngine, type Verdict } from "../../../host/node-shell.js";
import { logHeader, STREAM_PREFIX } from "../../../host/trace-log.js";
import type { WireMessage } from "../../../host/transport.js";
import { resolvePlacement, uniqueNames, type PlanModel } from "../../../host/placement.js";
import { HOOKS_FAILED, WasmEngine, WasmModel, type NodeManifest } from "../../../host/node-engine-wasm.js";
import type { RunResult } from "../../../host/embedded/instance.js";
import { generateModel } from "../wasm-build.js";
import { runWithHooks } from "../hooks.js";

export const nodeCommand: Command = {
  name: "node",
  summary: "start one node of a distributed deployment",
  help: `Usage: lntc node --deploy FILE --name NODE OUTDIR [--tls DIR] [--log FILE] [--seed S] [--steps N] [--quiet]
                 [--stream-actions] [--control-stdin] [--hooks FILE --model MODEL.lnt [--root CALL]]
       lntc node --deploy FILE --name NODE --check-network [--tls DIR]

Starts node NODE of the deployment FILE: listens on its address, connects to
every other node (the node whose name sorts first dials), waits for all of them
(and names those missing after the deployment's startTimeoutMs), runs the tasks
and gate negotiations placed on it, and exits with the verdict every node
agrees on. A node that disappears stops the others within two seconds; Ctrl-C
on any node stops them all.

With --check-network no model runs: every node sends a ping to every other
and prints the round trips, through the same streams, TLS and verdict as a run.

Options:
  --deploy FILE      the deployment (JSON; schema in host/deployment.schema.json)
  --name NODE        which node of the deployment this is
  --tls DIR          mutual TLS with DIR/ca.pem, DIR/NODE.pem and DIR/NODE-key.pem
                     (certificates' common names are node names)
  --log FILE         write the actions this node takes part in (lntc trace-merge reads it)
  --seed S           seed of this node's manager, which draws among the rendezvous it
                     may decide (default 1)
  --steps N          stop the whole run after N actions in all: the first node of the
                     deployment counts the actions every node logged (with its
                     quiescence probes) and stops every node with the verdict
                     "step limit reached" (status 0); a few more actions may be
                     logged by then. Given to several nodes, the smallest N wins.
  --quiet            do not print the labels of the actions this node decides
  --stream-actions   also write every line of this node's log to standard output as
                     it is logged, after '@ ' (for a launcher that merges the nodes'
                     actions live, as lntc run --nodes does)
  --control-stdin    take commands on standard input, one a line: 'stop steps N'
                     stops every node with the verdict "step limit of N actions
                     reached" (status 0), 'stop' as Ctrl-C does; the end of standard
                     input (the launcher is gone) counts as 'stop'
  --stats FILE       at the end, write JSON figures there: the time of each action this
                     node logged, protocol messages, peak RSS (for the benchmark)
  --hooks FILE       a JS or TS hook module (docs/hooks.md) for the gates whose hooks the
                     deployment places on this node ("hooks": gate -> node; by default
                     where the gate is negotiated); the environment is one more party
                     of those gates, negotiated here. A hooked gate placed elsewhere is
                     an error. The run then also waits for the environment, as
                     lntc run --hooks does; env.stop() ends it on every node (status 0).
  --model FILE       with --hooks: the LNT model compiled in OUTDIR (its types convert
                     the hooks' values; checked against OUTDIR's manifest)
  --root CALL        with --model: the root process call it was compiled with
  --check-network    ping the other nodes instead of running a model

Exit status: 0 terminated, step limit reached or stopped by the hooks, 1 deadlock, a hook that misbehaved, a run-time error
of the model or a bad deployment, 2 usage or I/O error, 3 peers missing at
start-up, 4 a peer went down, 130 interrupted.`,
  options: {
    deploy: { type: "string" },
    name: { type: "string" },
    tls: { type: "string" },
    log: { type: "string" },
    "check-network": { type: "boolean" },
    seed: { type: "string" },
    steps: { type: "string" },
    quiet: { type: "boolean" },
    stats: { type: "string" },
    "stream-actions": { type: "boolean" },
    "control-stdin": { type: "boolean" },
    hooks: { type: "string" },
    model: { type: "string" },
    root: { type: "string" },
  },
  async run(args, io) {
    const deployPath = stringOpt(args, "deploy");
    const name = stringOpt(args, "name");
    if (deployPath === undefined || name === undefined) throw new UsageError("--deploy FILE and --name NODE are required");
    const check = boolOpt(args, "check-network");
    if (!check && args.positionals.length !== 1) throw new UsageError("expected the compiled model's folder (lntc compile -o OUTDIR), or --check-network");
    let text: string;
    try {
      text = readFileSync(deployPath, "utf8");
    } catch (err) {
      io.stderr.write(`lntc node: cannot read '${deployPath}': ${(err as Error).message}\n`);
      return 2;
    }
    const diags = new DiagnosticBag();
    const d = readDeployment(sourceFile(deployPath, text), diags);
    if (!d) {
      printDiagnostics(diags, io);
      return 1;
    }
    if (!d.nodes.some((n) => n.name === name)) throw new UsageError(`'${name}' is not a node of ${deployPath}; its nodes are ${d.nodes.map((n) => n.name).join(", ")}`);
    const tlsDir = stringOpt(args, "tls");
    let tls: TlsFiles | undefined;
    if (tlsDir !== undefined) {
      try {
        tls = { ca: readFileSync(join(tlsDir, "ca.pem")), cert: readFileSync(join(tlsDir, `${name}.pem`)), key: readFileSync(join(tlsDir, `${name}-key.pem`)) };
      } catch (err) {
        io.stderr.write(`lntc node: --tls ${tlsDir}: ${(err as Error).message}\n`);
        return 2;
      }
    }
    if (!check) {
      const outdir = args.positionals[0]!;
      if (!existsSync(join(outdir, "manifest.json"))) {
        io.stderr.write(`lntc node: '${outdir}' holds no compiled model (no manifest.json); build one with 'lntc compile MODEL.lnt -o ${outdir}'\n`);
        return 2;
      }
      return runModel(d, name, outdir, tls, {
        logPath: stringOpt(args, "log"),
        seed: intOpt(args, "seed") ?? 1,
        steps: intOpt(args, "steps", 1),
        quiet: boolOpt(args, "quiet"),
        statsPath: stringOpt(args, "stats"),
        stream: boolOpt(args, "stream-actions"),
        control: boolOpt(args, "control-stdin"),
        hooks: hooksOption(args),
      }, io);
    }
    return runCheckNetwork(d, name, tls, stringOpt(args, "log"), io);
  },
};

/** This node's streams to the deployment's other nodes, with its timeouts. */
function transportOf(d: Deployment, name: string, hash: Uint8Array, tls: TlsFiles | undefined, log: (line: string) => void): GrpcTransport {
  return new GrpcTransport({
    nodes: d.nodes,
    self: name,
    deploymentHash: hash,
    tls,
    startTimeoutMs: d.options.startTimeoutMs,
    peerTimeoutMs: d.options.peerTimeoutMs,
    log,
  });
}

const PINGS = 20;

/** Pings every peer PINGS times in sequence and answers every ping; ends when its pings are answered. */
class PingEngine implements NodeEngine {
  private out: EngineOut | null = null;
  private readonly sentAt = new Map<string, bigint>();
  readonly rtt = new Map<string, number[]>();
  constructor(private readonly peers: readonly string[]) {}
  start(out: EngineOut): void {
    this.out = out;
    for (const p of this.peers) {
      this.rtt.set(p, []);
      this.ping(p);
    }
  }
  private ping(p: string): void {
    this.sentAt.set(p, process.hrtime.bigint());
    this.out!.send(p, [{ toManager: false, to: 0, payload: Uint8Array.of(1) }]);
  }
  deliver(from: string, messages: readonly WireMessage[]): void {
    for (const m of messages) {
      if (m.payload[0] === 1) this.out!.send(from, [{ toManager: false, to: 0, payload: Uint8Array.of(2) }]);
      else if (m.payload[0] === 2 && this.sentAt.has(from)) {
        const times = this.rtt.get(from)!;
        times.push(Number(process.hrtime.bigint() - this.sentAt.get(from)!) / 1e6);
        if (times.length < PINGS) this.ping(from);
      }
    }
  }
  status(): "busy" | "waiting" | "ended" {
    return this.peers.every((p) => (this.rtt.get(p)?.length ?? 0) >= PINGS) ? "ended" : "waiting";
  }
  stop(): void {}
}

async function runCheckNetwork(d: Deployment, name: string, tls: TlsFiles | undefined, logPath: string | undefined, io: CommandIO): Promise<number> {
  const hash = deploymentHash(d);
  const transport = transportOf(d, name, hash, tls, (line) => io.stderr.write(`lntc node ${name}: ${line}\n`));
  const peers = d.nodes.map((n) => n.name).filter((n) => n !== name);
  const engine = new PingEngine(peers);
  if (logPath !== undefined) writeFileSync(logPath, "");
  const verdict = await runNode({
    transport,
    nodes: d.nodes.map((n) => n.name),
    engine,
    say: (line) => io.stderr.write(`lntc node ${name}: ${line}\n`),
    logHeader: logHeader(name, Buffer.from(hash).toString("hex")),
    ...(logPath !== undefined ? { log: (line: string) => appendFileSync(logPath, line + "\n") } : {}),
  });
  for (const p of peers) {
    // The first ping also waits for the peer's start: the median of the rest is the network.
    const ms = (engine.rtt.get(p) ?? []).slice(1).sort((a, b) => a - b);
    if (ms.length > 0) io.stdout.write(`${name} -> ${p}: round trip ${ms[Math.floor(ms.length / 2)]!.toFixed(3)} ms (median of ${ms.length})\n`);
  }
  const ok = verdict.kind === "terminated";
  io.stdout.write(`${name}: ${ok ? "every peer answered" : describeVerdict(verdict)}\n`);
  return exitStatus(verdict);
}

/** --hooks FILE --model MODEL [--root CALL], checked together. */
function hooksOption(args: Parameters<Command["run"]>[0]): ModelOptions["hooks"] {
  const file = stringOpt(args, "hooks");
  const model = stringOpt(args, "model");
  const root = stringOpt(args, "root");
  if (file === undefined) {
    if (model !== undefined || root !== undefined) throw new UsageError("--model and --root go with --hooks");
    return undefined;
  }
  if (model === undefined) throw new UsageError("--hooks needs --model MODEL.lnt (the model compiled in OUTDIR: its types convert the hooks' values)");
  return { file, model, root };
}

/** The same model: what the two manifests say of tasks, gates and offer sites. */
function sameModel(a: Pick<NodeManifest, "tasks" | "gates" | "sites">, b: Pick<NodeManifest, "tasks" | "gates" | "sites">): boolean {
  const shape = (m: typeof a) => JSON.stringify([m.tasks.map((t) => [t.id, t.name]), m.gates.map((g) => [g.id, g.name, g.vectors]), m.sites.map((s) => [s.id, s.task, s.gate, s.types])]);
  return shape(a) === shape(b);
}

interface ModelOptions {
  /** The hook module of the gates whose hooks run on this node, and the model's source. */
  readonly hooks: { readonly file: string; readonly model: string; readonly root: string | undefined } | undefined;
  readonly logPath: string | undefined;
  readonly seed: number;
  /** A bound on the run's actions in all (NodeShellOptions.steps). */
  readonly steps: number | undefined;
  readonly quiet: boolean;
  readonly statsPath: string | undefined;
  /** Every log line on standard output too, after STREAM_PREFIX. */
  readonly stream: boolean;
  /** Commands on standard input (controlFromStdin). */
  readonly control: boolean;
}

/**
 * `--control-stdin`: a stop asked on standard input, one command a line. Resolves with the
 * verdict to stop with; `release` stops reading (so that the process can exit).
 */
function controlFromStdin(stdin: NodeJS.ReadableStream, self: string, say: (line: string) => void): { stop: Promise<Verdict>; release: () => void } {
  let resolve: (v: Verdict) => void = () => {};
  const stop = new Promise<Verdict>((r) => (resolve = r));
  let buf = "";
  const command = (line: string): void => {
    const words = line.trim().split(/\s+/);
    if (words.length === 1 && words[0] === "stop") resolve({ kind: "interrupted", by: self });
    else if (words.length === 3 && words[0] === "stop" && words[1] === "steps" && /^\d+$/.test(words[2]!)) resolve({ kind: "step-limit", steps: Number(words[2]) });
    else if (line.trim() !== "") say(`ignored '${line.trim()}' on standard input: the commands are 'stop' and 'stop steps N'`);
  };
  const onData = (d: string | Buffer): void => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      command(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  };
  const onEnd = (): void => {
    command(buf);
    resolve({ kind: "interrupted", by: self });
  };
  stdin.on("data", onData);
  stdin.on("end", onEnd);
  stdin.on("error", onEnd);
  return {
    stop,
    release: () => {
      stdin.removeListener("data", onData);
      stdin.removeListener("end", onEnd);
      stdin.removeListener("error", onEnd);
      const s = stdin as NodeJS.ReadableStream & { destroy?: () => void };
      if (typeof s.destroy === "function") s.destroy();
      else stdin.pause();
    },
  };
}

/** Runs the tasks and gate negotiations placed on this node, from the compiled model in `outdir`. */
async function runModel(d: Deployment, name: string, outdir: string, tls: TlsFiles | undefined, mo: ModelOptions, io: CommandIO): Promise<number> {
  const { logPath, seed, steps, quiet, statsPath } = mo;
  let manifest: NodeManifest & { gates: PlanModel["gates"] };
  let wasm: Uint8Array;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as typeof manifest;
    wasm = readFileSync(join(outdir, "model.wasm"));
  } catch (err) {
    io.stderr.write(`lntc node: cannot read the compiled model in '${outdir}': ${(err as Error).message}\n`);
    return 2;
  }
  const plan: PlanModel = { tasks: manifest.tasks, gates: manifest.gates, vectors: manifest.gates.map((g) => g.vectors) };
  const diags = new DiagnosticBag();
  const placement = resolvePlacement(plan, d, diags);
  if (!placement) {
    printDiagnostics(diags, io);
    return 1;
  }
  const say = (line: string): void => void io.stderr.write(`lntc node ${name}: ${line}\n`);
  let model: WasmModel;
  try {
    model = new WasmModel(wasm, manifest, seed);
  } catch (err) {
    io.stderr.write(`lntc node: cannot instantiate '${join(outdir, "model.wasm")}': ${(err as Error).message}\n`);
    return 2;
  }
  const nodes = d.nodes.map((n) => n.name);
  const taskNames = uniqueNames(manifest.tasks.map((t) => t.name));
  const engine = new WasmEngine(model, manifest, {
    self: name,
    nodes,
    taskNode: placement.taskNode.map((n) => nodes[n]!),
    gateNode: placement.gateNode.map((n) => (n < 0 ? undefined : nodes[n])),
    taskNames,
    seed,
  });
  // The hooks, when given: the environment is in place before the tasks start.
  const stops: Promise<Verdict>[] = [];
  let hooksDone: Promise<RunResult | number> | undefined;
  if (mo.hooks !== undefined) {
    const g = generateModel(mo.hooks.model, mo.hooks.root, io);
    if (typeof g === "number") return g;
    if (!sameModel(g.generated.manifest, manifest)) {
      io.stderr.write(`lntc node: --model ${mo.hooks.model} is not the model compiled in '${outdir}' (its tasks, gates or offers differ)\n`);
      return 2;
    }
    const self = nodes.indexOf(name);
    const refuse = (gate: number): string | undefined => {
      const at = placement.hookNode[gate]!;
      if (at !== self) return `its hooks run on node ${at >= 0 ? nodes[at] : "(none)"} (the deployment's "hooks", or where the gate is negotiated), not on ${name}`;
      // a gate that tasks take alone becomes negotiated here: every such task must be here
      if (placement.gateNode[gate]! < 0) {
        const away = [...new Set(plan.vectors[gate]!.flat())].filter((t) => placement.taskNode[t] !== self);
        if (away.length > 0) return `tasks on other nodes take it too (${away.map((t) => taskNames[t]).join(", ")}): place them on ${name}`;
      }
      return undefined;
    };
    let ready: () => void = () => {};
    const isReady = new Promise<void>((r) => (ready = r));
    hooksDone = runWithHooks(mo.hooks.file, g, engine.environment, Infinity, false, () => {}, io, { refuse, ready });
    const first = await Promise.race([isReady.then(() => "ready" as const), hooksDone.then(() => "done" as const)]);
    if (first === "done") {
      const r = await hooksDone;
      return typeof r === "number" ? r : 1;
    }
    // env.stop() (or the runner's own end) stops every node; a misbehaving hook fails the run
    stops.push(
      hooksDone.then((r): Verdict | Promise<Verdict> => {
        if (r === 0) return { kind: "hooks-stopped", by: name };
        if (typeof r === "number") return { kind: "model-error", reason: HOOKS_FAILED };
        return new Promise<Verdict>(() => {});
      }),
    );
  }
  const hash = deploymentHash(d);
  const transport = transportOf(d, name, hash, tls, say);
  if (logPath !== undefined) writeFileSync(logPath, "");
  // Lines are written in blocks: a write per action would cost more than the rendezvous.
  let logBuf = "";
  let printBuf = "";
  const flush = (): void => {
    if (logPath !== undefined && logBuf !== "") appendFileSync(logPath, logBuf);
    if (printBuf !== "") io.stdout.write(printBuf);
    logBuf = printBuf = "";
  };
  let flushTimer: NodeJS.Timeout | null = null;
  // A launcher merging the actions live wants them soon; a log file can wait longer.
  const flushMs = mo.stream ? 10 : 50;
  const times: number[] = [];
  const gates: string[] = [];
  const control = mo.control ? controlFromStdin(io.stdin, name, say) : undefined;
  if (control !== undefined) stops.push(control.stop);
  const verdict = await runNode({
    transport,
    nodes,
    engine,
    say,
    ...(steps !== undefined ? { steps } : {}),
    ...(stops.length > 0 ? { stop: Promise.race(stops) } : {}),
    logHeader: logHeader(name, Buffer.from(hash).toString("hex")),
    log: (line: string) => {
      const label = line.slice(line.indexOf("\t") + 1);
      if (statsPath !== undefined && !line.startsWith("#")) {
        times.push(performance.timeOrigin + performance.now());
        gates.push(label.split(" ")[0]!);
      }
      if (logPath !== undefined) logBuf += line + "\n";
      if (!quiet && !line.startsWith("#")) printBuf += label + "\n";
      if (mo.stream) printBuf += STREAM_PREFIX + line + "\n";
      if (logBuf.length > 65536 || printBuf.length > 65536) flush();
      else flushTimer ??= setTimeout(() => {
        flushTimer = null;
        flush();
      }, flushMs);
    },
  });
  control?.release();
  if (hooksDone !== undefined) {
    // the runner returns and calls the module's close (its servers end with the run)
    engine.finished({ end: "terminated", steps: engine.actions });
    await hooksDone;
  }
  if (flushTimer) clearTimeout(flushTimer);
  flush();
  if (statsPath !== undefined) {
    writeFileSync(statsPath, JSON.stringify({ node: name, verdict: verdict.kind, times, gates, actions: engine.actions, networkMessages: engine.networkMessages, localMessages: engine.localMessages, rssBytes: process.resourceUsage().maxRSS * 1024, wasmBytes: wasm.length }));
  }
  io.stdout.write(`${name}: ${verdict.kind === "terminated" ? "terminated" : describeVerdict(verdict)} (${engine.actions} rendezvous negotiated here, ${engine.networkMessages} protocol messages sent on the network, ${engine.localMessages} kept on this node)\n`);
  return exitStatus(verdict);
}
