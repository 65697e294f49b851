// Native references run beside ours: Go's unbuffered-channel ping-pong and channel barrier
// (built with `go build` into a temporary directory) and Erlang's message ping-pong (run
// with escript). When a toolchain is missing it is installed from Debian (golang-go,
// erlang-base) if the run's budget allows; otherwise the figure is "not available".

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Figures, NotAvailable, RunContext } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { ensureDebianCommand, lastJson, lastLine, runChild } from "../harness/proc.js";

/** The bench/baselines source directory (this file runs from dist/bench/baselines). */
function sourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "..", "..", "..", "bench", "baselines");
}

export interface NativeOptions {
  /** Milliseconds an installation from Debian may take; 0 forbids installing. */
  readonly installMs: number;
}

let workDir: string | undefined;
function tempDir(): string {
  if (!workDir) {
    workDir = mkdtempSync(join(tmpdir(), "lntc-bench-"));
    process.on("exit", () => rmSync(workDir!, { recursive: true, force: true }));
  }
  return workDir;
}

const built = new Map<string, Promise<string | NotAvailable>>();

/** Builds bench/baselines/go/NAME.go once per run; the binary's path, or why not. */
function goBinary(name: string, opts: NativeOptions, ctx: RunContext): Promise<string | NotAvailable> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const missing = await ensureDebianCommand("go", "golang-go", opts.installMs, ctx.log);
      if (missing) return notAvailable(missing);
      const dir = tempDir();
      const out = join(dir, name);
      // Go's own build cache (under $HOME) keeps rebuilds of the standard library out of the run.
      const env = process.env["GOCACHE"] || process.env["HOME"] ? process.env : { ...process.env, GOCACHE: join(dir, "gocache") };
      const r = await runChild("go", ["build", "-o", out, join(sourceDir(), "go", `${name}.go`)], { timeoutMs: 120_000, env, cwd: dir });
      if (r.code !== 0) return notAvailable(`go build ${name}.go failed: ${lastLine(r.stderr) || r.spawnError || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
      return out;
    })();
    built.set(name, p);
  }
  return p;
}

function toFigures(stdout: string, peak: number | undefined, note: string): Figures | undefined {
  const j = lastJson(stdout);
  if (!j) return undefined;
  const reported = Number(j["maxRssBytes"]);
  return {
    perSecond: Number(j["perSecond"]),
    p50Us: Number(j["p50Us"]),
    p99Us: Number(j["p99Us"]),
    samples: Number(j["samples"]),
    rssBytes: [reported > 0 ? reported : peak ?? NaN],
    note,
  };
}

async function runGo(name: string, args: string[], note: string, opts: NativeOptions, ctx: RunContext): Promise<Figures | NotAvailable> {
  const bin = await goBinary(name, opts, ctx);
  if (typeof bin !== "string") return bin;
  const r = await runChild(bin, [...args, "-ms", String(Math.round(ctx.budgetMs))], { timeoutMs: ctx.budgetMs * 2 + 10_000 });
  const f = r.code === 0 ? toFigures(r.stdout, r.peakRssBytes, note) : undefined;
  return f ?? notAvailable(`${name} failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
}

export function goPingpong(opts: NativeOptions): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return (ctx) => runGo("pingpong", [], "per channel rendezvous, GOMAXPROCS = CPUs", opts, ctx);
}

export function goBarrier(n: number, opts: NativeOptions): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return (ctx) => runGo("barrier", ["-n", String(n)], `per ${n}-party barrier (channels and a coordinator goroutine)`, opts, ctx);
}

export function erlangPingpong(opts: NativeOptions): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    const missing = await ensureDebianCommand("escript", "erlang-base", opts.installMs, ctx.log);
    if (missing) return notAvailable(missing);
    const r = await runChild("escript", [join(sourceDir(), "erlang", "pingpong.erl"), String(Math.round(ctx.budgetMs))], {
      timeoutMs: ctx.budgetMs * 2 + 20_000,
      cwd: tempDir(),
    });
    const f = r.code === 0 ? toFigures(r.stdout, r.peakRssBytes, "per message (a round trip is two)") : undefined;
    return f ?? notAvailable(`escript pingpong.erl failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
  };
}
