// Our embedded runtime on the bench scenarios: each model compiled once (-O, through the
// Wasm backend and a cache in the temp directory), then run in a child Node process (so
// that its peak RSS is its own) in timed batches of actions, labels not built. Also the
// time from `lntc run MODEL -O --steps 1` to its first printed action, cache warm.
// The child is bench/ours/embedded-child.ts, which loads nothing but the Wasm host.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { build } from "../../src/cli/wasm-build.js";
import type { CommandIO } from "../../src/cli/command.js";
import type { Figures, NotAvailable, RunContext } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { lastJson, lastLine, runChild } from "../harness/proc.js";
import type { ScenarioSpec } from "../scenarios.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
/** `lntc run` caches in `.lntc-cache` of its working directory: ours is the same. */
const workDir = join(tmpdir(), "lntc-bench");
const cacheDir = join(workDir, ".lntc-cache");
const compiled = new Map<string, Uint8Array>();

/** Compiles a scenario's model as `lntc run -O` would, through a cache; the Wasm, or why not. */
export async function compileScenario(spec: ScenarioSpec): Promise<Uint8Array | NotAvailable> {
  const done = compiled.get(spec.model);
  if (done) return done;
  let err = "";
  const sink = new PassThrough();
  sink.on("data", (d: Buffer) => void (err += d.toString()));
  const io: CommandIO = { stdout: new PassThrough(), stderr: sink, stdin: new PassThrough(), cwd: tmpdir() };
  try {
    const b = await build(spec.model, { optimize: true, root: undefined, cacheDir }, io);
    if (typeof b === "number") return notAvailable(`the Wasm build of ${spec.model} failed: ${lastLine(err) || `status ${b}`}`);
    compiled.set(spec.model, b.wasm);
    return b.wasm;
  } catch (e) {
    return notAvailable(`the Wasm build of ${spec.model} failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
}

/** Time from spawning `lntc run MODEL -O --steps 1` to its first line on stdout, in ms. */
function timeToFirstAction(model: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repoRoot, "dist", "src", "cli", "bin.js"), "run", model, "-O", "--steps", "1"], {
      cwd: workDir,
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let t: number | undefined;
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", () => (t ??= performance.now() - t0));
    child.on("close", () => {
      clearTimeout(killer);
      resolve(t);
    });
  });
}

/** Compiles before the measurement (a cold asc -O3 build takes seconds, not measured). */
export async function prepareEmbedded(spec: ScenarioSpec, ctx: RunContext): Promise<NotAvailable | undefined> {
  ctx.log(`  compiling ${spec.model.split("/").pop()} (-O, cached in ${cacheDir})`);
  const w = await compileScenario(spec);
  return w instanceof Uint8Array ? undefined : w;
}

export async function measureEmbedded(spec: ScenarioSpec, ctx: RunContext): Promise<Figures | NotAvailable> {
  const wasm = await compileScenario(spec);
  if (!(wasm instanceof Uint8Array)) return wasm;
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${spec.id}-${process.pid}.wasm`);
  writeFileSync(file, wasm);
  const r = await runChild(process.execPath, [join(here, "embedded-child.js"), file, String(Math.round(ctx.budgetMs)), String(spec.rendezvousPerAction)], {
    timeoutMs: ctx.budgetMs * 2 + 20_000,
  });
  rmSync(file, { force: true });
  const j = lastJson(r.stdout);
  if (r.code !== 0 || !j) return notAvailable(`the embedded run failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
  if (typeof j["error"] === "string") return notAvailable(j["error"]);
  // The second run finds the Wasm in the cache, whatever the first did: start-up only.
  await timeToFirstAction(spec.model, 60_000);
  const startupMs = await timeToFirstAction(spec.model, 60_000);
  return {
    perSecond: Number(j["perSecond"]),
    p50Us: Number(j["p50Us"]),
    p99Us: Number(j["p99Us"]),
    samples: Number(j["samples"]),
    messagesPerRendezvous: Number(j["messagesPerRendezvous"]),
    rssBytes: [Number(j["maxRssBytes"])],
    wasmBytes: [wasm.length],
    ...(startupMs !== undefined ? { startupMs } : {}),
    note: "one Wasm instance, -O; the protocol inside the Wasm, one manager, messages by calls; first action: lntc run, cache warm",
  };
}
