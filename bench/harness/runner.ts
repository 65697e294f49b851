// Runs a registry of measurements within a time budget and assembles the report: each
// measurement gets its share of what is left (so rows that are not available give their
// time to the others), none may start past the run's deadline, and a measurement that
// throws or overruns becomes "not available" instead of ending the run.

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchReport, Figures, Measurement, MessageTarget, NotAvailable, ResultRow, RunContext, SimulatedMessages, Target, ToolingFigures, ToolingMeasurement } from "./types.js";
import { isNotAvailable } from "./types.js";
import { computeRatios, evaluateTargets, latencySvg, markdown, rowOf } from "./report.js";

export interface BenchPlan {
  readonly quick: boolean;
  readonly measurements: readonly Measurement[];
  readonly tooling: readonly ToolingMeasurement[];
  /** Protocol message counts of the simulator, if any (run after the measurements). */
  readonly messages?: () => SimulatedMessages[];
  readonly targets: readonly Target[];
  readonly messageTargets: readonly MessageTarget[];
  /** Measuring time shared by all measurements and tooling, in ms. */
  readonly budgetMs: number;
  /** No measurement starts after this many ms from the start of the run. */
  readonly deadlineMs: number;
  /** The most measuring time one measurement gets, in ms. */
  readonly maxShareMs?: number;
  /** A measurement is abandoned after `budget * overrunFactor + overrunSlackMs`. */
  readonly overrunFactor?: number;
  readonly overrunSlackMs?: number;
  readonly notes?: readonly string[];
  log(line: string): void;
}

type Outcome<T> = { figures: T } | { notAvailable: string };

async function bounded<T>(run: () => Promise<T | NotAvailable>, limitMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ notAvailable: `abandoned after ${(limitMs / 1000).toFixed(0)} s` }), limitMs);
  });
  try {
    const work = run().then(
      (r): Outcome<T> => (r && typeof r === "object" && isNotAvailable(r as Figures | NotAvailable) ? { notAvailable: (r as NotAvailable).notAvailable } : { figures: r as T }),
      (e: unknown): Outcome<T> => ({ notAvailable: `failed: ${e instanceof Error ? e.message : String(e)}` }),
    );
    return await Promise.race([work, overrun]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runBench(plan: BenchPlan): Promise<BenchReport> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0]!;
  const elapsed = (): number => performance.now() - t0;
  const all = [...plan.measurements.map((m) => ({ kind: "m" as const, m, w: m.weight ?? 1 })), ...plan.tooling.map((m) => ({ kind: "t" as const, m, w: m.weight ?? 1 }))];
  let weightLeft = all.reduce((s, x) => s + x.w, 0);
  let budgetLeft = plan.budgetMs;
  const rows: ResultRow[] = [];
  const tooling: BenchReport["tooling"][number][] = [];
  const factor = plan.overrunFactor ?? 3;
  const slack = plan.overrunSlackMs ?? 30_000;
  for (const item of all) {
    const share = Math.min(plan.maxShareMs ?? Infinity, Math.max(50, (budgetLeft * item.w) / weightLeft));
    weightLeft -= item.w;
    const remaining = plan.deadlineMs - elapsed();
    const label = item.kind === "m" ? `${item.m.scenario} / ${item.m.mode} / ${item.m.name}` : `tooling / ${item.m.name}`;
    let outcome: Outcome<Figures | ToolingFigures>;
    let prepared: NotAvailable | undefined;
    if (remaining > 0 && item.kind === "m" && item.m.prepare) {
      const prepare = item.m.prepare.bind(item.m);
      const ctx: RunContext = { quick: plan.quick, budgetMs: remaining, log: plan.log };
      const p = await bounded<undefined>(async () => (await prepare(ctx)) ?? undefined, remaining);
      if ("notAvailable" in p) prepared = { notAvailable: p.notAvailable };
    }
    const started = performance.now();
    if (prepared) {
      outcome = prepared;
    } else if (plan.deadlineMs - elapsed() <= 0) {
      outcome = { notAvailable: remaining <= 0 ? "skipped: the run's time budget was spent" : "skipped: preparing it spent the run's time budget" };
    } else {
      const budgetMs = Math.min(share, plan.deadlineMs - elapsed());
      plan.log(`${label} (${(budgetMs / 1000).toFixed(1)} s)`);
      const ctx: RunContext = { quick: plan.quick, budgetMs, log: plan.log };
      const limit = Math.min(budgetMs * factor + slack, plan.deadlineMs - elapsed() + slack);
      outcome = item.kind === "m" ? await bounded<Figures>(() => item.m.run(ctx), limit) : await bounded<ToolingFigures>(() => item.m.run(ctx), limit);
    }
    const took = performance.now() - started;
    budgetLeft = Math.max(0, budgetLeft - took);
    if ("notAvailable" in outcome) plan.log(`  not available: ${outcome.notAvailable}`);
    if (item.kind === "m") rows.push(rowOf(item.m, "figures" in outcome ? { figures: outcome.figures as Figures } : outcome, took));
    else tooling.push({ id: item.m.id, name: item.m.name, elapsedMs: took, ...("figures" in outcome ? { figures: outcome.figures as ToolingFigures } : outcome) });
  }
  let messages: SimulatedMessages[] = [];
  const notes = [...(plan.notes ?? [])];
  if (plan.messages) {
    plan.log("protocol messages per rendezvous (simulator)");
    try {
      messages = plan.messages();
    } catch (e) {
      notes.push(`protocol simulator counts failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const c = cpus();
  // Other work on the machine skews every figure: say how busy it was.
  notes.push(`load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${c.length} CPUs`);
  return {
    schema: 1,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    quick: plan.quick,
    machine: { cpus: c.length, cpuModel: c[0]?.model.trim() ?? "?", memBytes: totalmem(), node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    totalMs: elapsed(),
    notes,
    rows,
    ratios: computeRatios(rows),
    targets: evaluateTargets(rows, plan.targets, plan.messageTargets, messages),
    messages,
    tooling,
  };
}

/** Writes latest.json, latest.md and latencies.svg into `dir` (each via a rename, so never half-written). */
export function writeOutputs(report: BenchReport, dir: string): { json: string; md: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, "latest.json"), md: join(dir, "latest.md"), svg: join(dir, "latencies.svg") };
  const write = (path: string, text: string): void => {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  };
  write(files.json, JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
  write(files.md, markdown(report));
  write(files.svg, latencySvg(report));
  return files;
}

/** Free memory now, for the notes (many node processes at once can exhaust it). */
export function memoryNote(): string {
  return `${(freemem() / 2 ** 30).toFixed(1)} GiB free of ${(totalmem() / 2 ** 30).toFixed(1)} GiB at the start`;
}
