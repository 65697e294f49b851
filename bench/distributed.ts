// Our distributed runtime on the bench scenarios: `lntc run --nodes K` as the harness asks
// (one task per node, K = spec.tasks), i.e. the model compiled with -O, an automatic
// deployment on loopback, and K `lntc node` processes. Each node writes its figures with
// --stats: the time of each action it logged, its protocol messages and its peak RSS.
// Throughput is the counted rendezvous over the time between the first and the last, the
// first fifth (warm-up) left out;
// latency is the gap between consecutive counted rendezvous in time order, which for a
// sequential system (pingpong, barrier) is one rendezvous, and for a concurrent one is
// the inter-arrival time (said in the note).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { build, writeOutput } from "../src/cli/wasm-build.js";
import type { CommandIO } from "../src/cli/command.js";
import { autoDeployment, type PlanModel } from "../host/placement.js";
import { freeLoopbackPorts, runLocalNodes } from "../host/node-local.js";
import { notAvailable, type Figures, type NotAvailable, type RunContext } from "./harness/types.js";
import type { ScenarioSpec } from "./scenarios.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "..", "src", "cli", "bin.js");
const cacheDir = join(tmpdir(), "lntc-bench", ".lntc-cache");

interface NodeStats {
  readonly node: string;
  readonly verdict: string;
  readonly times: readonly number[];
  readonly gates: readonly string[];
  readonly actions: number;
  readonly networkMessages: number;
  readonly localMessages: number;
  readonly rssBytes: number;
  readonly wasmBytes: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * One distributed run of the scenario's model, of about `steps` actions per task: `lntc node
 * --steps` bounds the run's actions in all (each rendezvous is one action of `parties` tasks).
 */
async function runOnce(spec: ScenarioSpec, outdir: string, plan: PlanModel, steps: number, dir: string, log: (l: string) => void): Promise<{ stats: NodeStats[]; launchMs: number } | NotAvailable> {
  const d = autoDeployment(plan, await freeLoopbackPorts(spec.tasks));
  const statsFiles = d.nodes.map((n) => join(dir, `${n.name}.stats.json`));
  const launchMs = performance.timeOrigin + performance.now();
  const errors: string[] = [];
  const r = await runLocalNodes({
    cli,
    deployment: d,
    dir,
    nodeArgs: (name) => [outdir, "--quiet", "--steps", String(Math.ceil((steps * spec.tasks) / spec.parties)), "--stats", statsFiles[d.nodes.findIndex((n) => n.name === name)]!],
    onStderr: (node, line) => void errors.push(`${node}: ${line}`),
  });
  if (r.code !== 0 && r.code !== 1) return notAvailable(`lntc run --nodes ${spec.tasks} exited ${r.code}: ${errors.slice(-2).join("; ")}`);
  const stats = statsFiles.map((f) => JSON.parse(readFileSync(f, "utf8")) as NodeStats);
  log(`  ${spec.id}: ${stats.reduce((s, x) => s + x.actions, 0)} actions on ${spec.tasks} nodes`);
  return { stats, launchMs };
}

export async function measureScenario(spec: ScenarioSpec, ctx: RunContext): Promise<Figures | NotAvailable> {
  const io: CommandIO = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), cwd: tmpdir() };
  const b = await build(spec.model, { optimize: true, root: undefined, cacheDir }, io);
  if (typeof b === "number") return notAvailable(`the Wasm build of ${spec.model} failed (status ${b})`);
  const m = b.generated.manifest;
  const plan: PlanModel = { tasks: m.tasks, gates: m.gates, vectors: m.gates.map((g) => g.vectors) };
  const dir = mkdtempSync(join(tmpdir(), "lntc-bench-nodes-"));
  try {
    const outdir = join(dir, "model");
    writeOutput(outdir, b, false);
    // A short run to learn the rate, then one sized for the budget.
    const probe = await runOnce(spec, outdir, plan, 500, dir, ctx.log);
    if ("notAvailable" in probe) return probe;
    const rate = (s: NodeStats[]): number => {
      const t = s.flatMap((x) => x.times).sort((a, c) => a - c);
      return t.length < 2 ? 1000 : (t.length - 1) / ((t[t.length - 1]! - t[0]!) / 1000);
    };
    const perTaskRate = (rate(probe.stats) * spec.parties) / spec.tasks;
    // The probe is cold (JIT, first connections): the rate it finds is about half the steady one.
    const steps = Math.max(2000, Math.min(500_000, Math.round((2 * perTaskRate * ctx.budgetMs * 0.5) / 1000)));
    const run = await runOnce(spec, outdir, plan, steps, dir, ctx.log);
    if ("notAvailable" in run) return run;
    const counted = new Set(spec.gates);
    const times: number[] = [];
    for (const s of run.stats) s.times.forEach((t, i) => counted.has(s.gates[i]!) && times.push(t));
    times.sort((a, c) => a - c);
    const rendezvous = times.length;
    // The first fifth is warm-up (JIT, the first batches on fresh streams): left out.
    times.splice(0, Math.floor(times.length / 5));
    if (times.length < 10) return notAvailable(`only ${times.length} rendezvous on ${spec.gates.join(", ")}`);
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) * 1000).sort((a, c) => a - c);
    const messages = run.stats.reduce((s, x) => s + x.networkMessages + x.localMessages, 0);
    const network = run.stats.reduce((s, x) => s + x.networkMessages, 0);
    const allActions = run.stats.reduce((s, x) => s + x.times.length, 0);
    return {
      perSecond: (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000),
      p50Us: quantile(gaps, 0.5),
      p99Us: quantile(gaps, 0.99),
      messagesPerRendezvous: messages / Math.max(1, rendezvous),
      rssBytes: run.stats.map((s) => s.rssBytes),
      wasmBytes: [run.stats[0]!.wasmBytes],
      startupMs: Math.min(...run.stats.flatMap((s) => s.times.slice(0, 1))) - run.launchMs,
      samples: times.length,
      note: `lntc run --nodes ${spec.tasks} -O, ${steps} actions per task; ${(network / Math.max(1, rendezvous)).toFixed(2)} network messages per rendezvous (${allActions} actions); latency = gap between consecutive rendezvous${spec.id === "pingpong" || spec.id.startsWith("barrier") ? "" : " (inter-arrival: rendezvous overlap here)"}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
