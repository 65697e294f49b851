// The tooling benchmarks reported beside the rendezvous figures: the front end's speed
// (bench/check.ts) and the reference explorer's states per second (bench/explore.ts, a
// script, so it runs as a child process and its printed summary is read back).

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCheck } from "./check.js";
import type { NotAvailable, RunContext, ToolingFigures, ToolingMeasurement } from "./harness/types.js";
import { notAvailable } from "./harness/types.js";
import { lastLine, runChild } from "./harness/proc.js";
import { formatBytes } from "./harness/stats.js";

const here = dirname(fileURLToPath(import.meta.url));

export const checkTooling: ToolingMeasurement = {
  id: "tooling/check",
  name: "lntc check, generated 20,000-line model (bench/check.ts)",
  weight: 1.5,
  async run(ctx: RunContext): Promise<ToolingFigures> {
    const runs = ctx.quick ? 1 : 5;
    const r = benchCheck(20_000, runs);
    return {
      summary: `${r.lines.toLocaleString("en")} lines (${formatBytes(r.bytes)}): first run ${r.coldMs.toFixed(0)} ms, warm median ${r.medianMs.toFixed(0)} ms of ${runs}, ${r.linesPerSecond.toLocaleString("en")} lines/s`,
      values: { lines: r.lines, bytes: r.bytes, coldMs: r.coldMs, medianMs: r.medianMs, linesPerSecond: r.linesPerSecond },
    };
  },
};

export const exploreTooling: ToolingMeasurement = {
  id: "tooling/explore",
  name: "reference explorer, barrier model (bench/explore.ts)",
  weight: 1.5,
  async run(ctx: RunContext): Promise<ToolingFigures | NotAvailable> {
    const script = join(here, "explore.js");
    if (!existsSync(script)) return notAvailable("dist/bench/explore.js is not built");
    // 2^n states: n = 16 takes about 4 s here, n = 12 under a second.
    const n = ctx.quick || ctx.budgetMs < 4_000 ? 12 : 16;
    const r = await runChild(process.execPath, ["--expose-gc", script, "--model", "barrier", "--n", String(n)], { timeoutMs: Math.max(60_000, ctx.budgetMs * 4) });
    if (r.code !== 0) return notAvailable(`bench/explore.ts failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
    const num = (re: RegExp): number => Number(re.exec(r.stdout)?.[1] ?? NaN);
    const states = num(/states: (\d+)/);
    const perSecond = num(/speed: (\d+) states\/s wall/);
    const perCpu = num(/(\d+) states per CPU second/);
    const bytesPerState = num(/(\d+) bytes per state/);
    return {
      summary: `barrier ${n}: ${states.toLocaleString("en")} states, ${perSecond.toLocaleString("en")} states/s wall (${perCpu.toLocaleString("en")} per CPU second), ${bytesPerState} bytes per state, peak RSS ${formatBytes(r.peakRssBytes ?? NaN)}`,
      values: { n, states, statesPerSecond: perSecond, statesPerCpuSecond: perCpu, bytesPerState, peakRssBytes: r.peakRssBytes ?? NaN },
    };
  },
};

export const wasmBuildTooling: ToolingMeasurement = {
  id: "tooling/wasm-build",
  name: "Wasm build of each shared model (bench/embedded.ts)",
  weight: 1.5,
  async run(ctx: RunContext): Promise<ToolingFigures | NotAvailable> {
    // About 15 s of asc compilations, whatever the budget: too long for a quick run.
    if (ctx.quick) return notAvailable("full run only (about 15 s of compilations)");
    const script = join(here, "embedded.js");
    if (!existsSync(script)) return notAvailable("dist/bench/embedded.js is not built");
    const r = await runChild(process.execPath, [script], { timeoutMs: 180_000 });
    if (r.code !== 0) return notAvailable(`bench/embedded.ts failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
    // Lines like "  bank.lnt  gen 8  asc 148  cached 12   |   -O gen 3  asc 576  cached 3".
    const plain: number[] = [], optimized: number[] = [], cached: number[] = [];
    for (const line of r.stdout.split("\n")) {
      const m = /asc\s+(\d+)\s+cached\s+(\d+)\s+\|\s+-O gen\s+\d+\s+asc\s+(\d+)\s+cached\s+(\d+)/.exec(line);
      if (!m) continue;
      plain.push(Number(m[1]));
      optimized.push(Number(m[3]));
      cached.push(Number(m[2]), Number(m[4]));
    }
    if (plain.length === 0) return notAvailable("bench/embedded.ts printed no compile times the harness can read");
    const range = (v: number[]): string => `${Math.min(...v)}-${Math.max(...v)} ms`;
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    return {
      summary: `${plain.length} models: asc ${range(plain)} without -O, ${range(optimized)} with -O; cache hit ${range(cached)}`,
      values: { models: plain.length, ascMedianMs: median(plain), ascOptimizedMedianMs: median(optimized), cachedMedianMs: median(cached) },
    };
  },
};

/**
 * How long K `lntc node` processes take to start, mesh and answer each other's pings
 * (`--check-network`, launched as `lntc run --nodes K` will launch them): the part of
 * "launch to first action" that does not depend on the model.
 */
export const nodeStartupTooling: ToolingMeasurement = {
  id: "tooling/node-startup",
  name: "K lntc node processes started and meshed (--check-network)",
  weight: 1.5,
  async run(ctx: RunContext): Promise<ToolingFigures | NotAvailable> {
    const cli = join(here, "..", "src", "cli", "bin.js");
    if (!existsSync(cli)) return notAvailable("dist/src/cli/bin.js is not built");
    const { autoDeployment } = await import("../host/placement.js");
    const { freeLoopbackPorts, runLocalNodes } = await import("../host/node-local.js");
    const ks = ctx.quick ? [2, 4] : [2, 4, 8, 32];
    const dir = mkdtempSync(join(tmpdir(), "lntc-bench-nodes-"));
    const values: Record<string, number> = {};
    const parts: string[] = [];
    try {
      for (const k of ks) {
        const model = { tasks: Array.from({ length: k }, (_x, i) => ({ name: `T${i}` })), gates: [{ name: "G", visible: true }], vectors: [[Array.from({ length: k }, (_x, i) => i)]] };
        const d = autoDeployment(model, await freeLoopbackPorts(k));
        const t0 = performance.now();
        let meshed: number | undefined;
        const seen = (_node: string, line: string): void => {
          if (/every peer answered/.test(line)) meshed ??= performance.now() - t0;
        };
        const r = await runLocalNodes({ cli, deployment: d, dir, nodeArgs: () => ["--check-network"], onStdout: seen, onStderr: seen });
        const all = performance.now() - t0;
        if (r.code !== 0) {
          parts.push(`K = ${k}: failed (exit ${r.code})`);
          continue;
        }
        values[`k${k}FirstMeshedMs`] = meshed ?? NaN;
        values[`k${k}AllExitedMs`] = all;
        parts.push(`K = ${k}: ${meshed !== undefined ? `${meshed.toFixed(0)} ms to the first node meshed, ` : ""}${all.toFixed(0)} ms to all done`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { summary: parts.join("; "), values };
  },
};
