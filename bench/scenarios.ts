// The five rendezvous scenarios of `npm run bench` (with their sizes), and where our
// runtime plugs in: embedded runs are measured by bench/ours/embedded.ts; distributed
// runs by `measureScenario(spec, ctx)` exported from bench/distributed.ts, and until that
// file exists (or exports it) their rows say "not available" and why. The gRPC floor and
// lntc's transport come from bench/grpc-rtt.ts (the transport's), run in a child process.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Figures, NotAvailable, RunContext, ScenarioId } from "./harness/types.js";
import { notAvailable } from "./harness/types.js";
import { lastJson, lastLine, runChild } from "./harness/proc.js";

export interface ScenarioSpec {
  readonly id: ScenarioId;
  readonly title: string;
  /** The model, in bench/models (source tree). */
  readonly model: string;
  /** Tasks of the model; the distributed run puts one task per node. */
  readonly tasks: number;
  /** Gates whose rendezvous are counted (unsynchronized actions are not rendezvous). */
  readonly gates: readonly string[];
  /** Parties in each counted rendezvous. */
  readonly parties: number;
  /**
   * Rendezvous among the model's actions in a long run: the actions of one task alone
   * (EAT, SEEN) are not rendezvous, and each comes once per cycle of its task.
   */
  readonly rendezvousPerAction: number;
}

/** What bench/embedded.ts and bench/distributed.ts export for the harness. */
export type ScenarioMeasure = (spec: ScenarioSpec, ctx: RunContext) => Promise<Figures | NotAvailable>;

/** bench/ in the source tree (this file runs from dist/bench). */
export function benchSourceDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench");
}

const model = (file: string): string => join(benchSourceDir(), "models", file);

export const SCENARIOS: readonly ScenarioSpec[] = [
  { id: "pingpong", title: "two-party exchange of a nat", model: model("pingpong_forever.lnt"), tasks: 2, gates: ["PING", "PONG"], parties: 2, rendezvousPerAction: 1 },
  { id: "barrier-2", title: "barrier, 2 tasks", model: model("barrier_2.lnt"), tasks: 2, gates: ["STEP"], parties: 2, rendezvousPerAction: 1 },
  { id: "barrier-4", title: "barrier, 4 tasks", model: model("barrier_4.lnt"), tasks: 4, gates: ["STEP"], parties: 4, rendezvousPerAction: 1 },
  { id: "barrier-8", title: "barrier, 8 tasks", model: model("barrier_8.lnt"), tasks: 8, gates: ["STEP"], parties: 8, rendezvousPerAction: 1 },
  { id: "philosophers-5", title: "dining philosophers, 5", model: model("philosophers_5.lnt"), tasks: 10, gates: ["TAKE", "DROP"], parties: 2, rendezvousPerAction: 4 / 5 },
  { id: "philosophers-16", title: "dining philosophers, 16", model: model("philosophers_16.lnt"), tasks: 32, gates: ["TAKE", "DROP"], parties: 2, rendezvousPerAction: 4 / 5 },
  { id: "paint", title: "value negotiation, guards, no emitter", model: model("negotiation.lnt"), tasks: 4, gates: ["PICK"], parties: 4, rendezvousPerAction: 1 / 2 },
  { id: "select-8", title: "select over 8 shared gates", model: model("select_8.lnt"), tasks: 9, gates: ["G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7"], parties: 2, rendezvousPerAction: 1 },
];

export const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = {
  ...(Object.fromEntries(SCENARIOS.map((s) => [s.id, s.title])) as Record<Exclude<ScenarioId, "transport">, string>),
  transport: "transport floor (round trip between two processes)",
};

/**
 * DLC's protocol messages for one rendezvous of the scenario (DLC.md section 2.9): 2n when
 * every party is ready on one gate only (self-locked), 2n+m with m parties on the lock
 * path, plus one READY to each other gate a branching task is ready on.
 */
export function dlcCount(s: ScenarioId): { messages: number; formula: string } {
  switch (s) {
    case "pingpong": return { messages: 4, formula: "2n, n = 2, m = 0" };
    case "barrier-2": return { messages: 4, formula: "2n, n = 2, m = 0" };
    case "barrier-4": return { messages: 8, formula: "2n, n = 4, m = 0" };
    case "barrier-8": return { messages: 16, formula: "2n, n = 8, m = 0" };
    case "philosophers-5":
    case "philosophers-16": return { messages: 4, formula: "2n, n = 2, m = 0 (each task ready on one gate)" };
    case "paint": return { messages: 8, formula: "2n, n = 4, m = 0" };
    case "select-8": return { messages: 12, formula: "2n+m, n = 2, m = 1, + 7 READY to the other gates" };
    case "transport": return { messages: NaN, formula: "-" };
  }
}

type Loaded<T> = { ok: T } | { reason: string };

/**
 * Imports dist/bench/NAME.js and returns its export `fn` when the source bench/NAME.ts
 * declares it. The source is read first so that a file that is only a script (it runs on
 * import) is never imported.
 */
export async function loadPlug<T>(name: string, fns: readonly string[]): Promise<Loaded<T>> {
  const source = join(benchSourceDir(), `${name}.ts`);
  const compiled = resolve(dirname(fileURLToPath(import.meta.url)), `${name}.js`);
  if (!existsSync(source)) return { reason: `bench/${name}.ts is not written yet` };
  const text = readFileSync(source, "utf8");
  const fn = fns.find((f) => new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${f}\\b`).test(text));
  if (!fn) return { reason: `bench/${name}.ts exports none of ${fns.join(", ")}` };
  if (!existsSync(compiled)) return { reason: `dist/bench/${name}.js is not built` };
  try {
    const mod = (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
    const f = mod[fn];
    return typeof f === "function" ? { ok: f as T } : { reason: `bench/${name}.ts: ${fn} is not a function` };
  } catch (e) {
    return { reason: `bench/${name}.ts failed to load: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * A scenario's measurement by our runtime: embedded runs by bench/ours/embedded.ts;
 * distributed runs from the plug file bench/distributed.ts, or "not available".
 */
export function ourRuntime(plug: "embedded" | "distributed", spec: ScenarioSpec): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    if (plug === "embedded") {
      const { measureEmbedded } = await import("./ours/embedded.js");
      return measureEmbedded(spec, ctx);
    }
    const loaded = await loadPlug<ScenarioMeasure>(plug, ["measureScenario"]);
    if ("reason" in loaded) return notAvailable(loaded.reason);
    return loaded.ok(spec, ctx);
  };
}

/** Work before a measurement of our runtime: compiling the model for embedded runs. */
export function ourPreparation(plug: "embedded" | "distributed", spec: ScenarioSpec): ((ctx: RunContext) => Promise<NotAvailable | undefined>) | undefined {
  if (plug !== "embedded") return undefined;
  return async (ctx) => (await import("./ours/embedded.js")).prepareEmbedded(spec, ctx);
}

/** Accepts a result with the harness's field names, or says what it got. */
export function asFigures(x: unknown, what: string, note?: string): Figures | NotAvailable {
  if (x && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (typeof o["notAvailable"] === "string") return notAvailable(o["notAvailable"]);
    if (typeof o["p50Us"] === "number" && typeof o["p99Us"] === "number" && typeof o["perSecond"] === "number") {
      const rss = Array.isArray(o["rssBytes"]) ? (o["rssBytes"] as unknown[]).map(Number) : [];
      return { ...(o as unknown as Figures), rssBytes: rss, ...(note ? { note } : {}) };
    }
  }
  return notAvailable(`${what} returned a result without perSecond, p50Us and p99Us`);
}

/**
 * Runs `fn` of bench/NAME.ts in a child process (harness/plug-child.ts), for plug files
 * whose measurement runs one side of the exchange in the calling process.
 */
export function plugInChild(name: string, fn: string, what: string): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    const source = join(benchSourceDir(), `${name}.ts`);
    if (!existsSync(source)) return notAvailable(`bench/${name}.ts is not written yet`);
    const script = resolve(dirname(fileURLToPath(import.meta.url)), "harness", "plug-child.js");
    const r = await runChild(process.execPath, [script, name, fn, String(Math.round(ctx.budgetMs)), ctx.quick ? "quick" : "full"], { timeoutMs: ctx.budgetMs * 3 + 30_000 });
    const j = lastJson(r.stdout);
    if (r.code !== 0 || !j) return notAvailable(`bench/${name}.ts ${fn} failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
    return asFigures(j, `bench/${name}.ts ${fn}`, what);
  };
}
