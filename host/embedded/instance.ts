// The Node shell of an embedded run: instantiates a model's Wasm (every task in one
// instance, negotiating through the protocol's task and gate sides inside it, with one
// manager for every gate), carries the visible labels out, and turns the Wasm's reports
// (run-time error by id, non-negotiable offer, deadlock) into data. A report from the
// Wasm unwinds it as a JS exception, so no Wasm trap ever surfaces.

import { compileModel, ModelWasm, VALUES_ENVIRONMENT, type EnvOffer, type ModelExports } from "../model-wasm.js";

export type { EnvOffer } from "../model-wasm.js";

/** Why the Wasm stopped a run from inside. */
export type Stop =
  | { readonly kind: "error"; readonly id: number; readonly value: bigint | string }
  | { readonly kind: "negotiation"; readonly site: number; readonly position: number }
  | { readonly kind: "abort"; readonly message: string }
  | { readonly kind: "host"; readonly reason: unknown };

class StopSignal extends Error {
  constructor(readonly stop: Stop) {
    super("stop");
  }
}

export type TaskWait =
  | { readonly task: number; readonly status: "terminated" }
  | { readonly task: number; readonly status: "stopped" }
  /** `values`: per offer, per position, the emitted value printed, or undefined for a reception. */
  | { readonly task: number; readonly status: "offering"; readonly sites: readonly number[]; readonly values: readonly (readonly (string | undefined)[])[] };

export type RunResult =
  | { readonly end: "steps" | "terminated"; readonly steps: number }
  | { readonly end: "deadlock"; readonly steps: number; readonly waits: readonly TaskWait[] }
  | { readonly end: "stopped"; readonly steps: number; readonly stop: Stop }
  /** An action the environment took part in (its offer `envOffer`, index `offer` of the list set last): its offers must be set again. */
  | { readonly end: "environment"; readonly steps: number; readonly offer: number; readonly envOffer: EnvOffer; readonly gate: number; readonly values: readonly Uint8Array[] };

/**
 * What the hook runner (src/cli/hooks.ts) drives: the embedded run, or the environment
 * party of a node. run() reports what happened since the last call; a node, where actions
 * happen between calls, calls `onActivity` when the environment fired or the run ended.
 */
export interface EnvironmentRun {
  enableEnvironment(gates: readonly number[]): void;
  setEnvOffers(offers: readonly EnvOffer[]): void;
  onEnvAccept: ((offer: number, values: Uint8Array[]) => boolean) | undefined;
  onActivity?: (() => void) | undefined;
  readonly steps: number;
  run(max: number, print?: boolean): RunResult;
}

/** Actions between two garbage collections. */
const BATCH = 4096;

export class EmbeddedModel {
  private readonly module: object;
  /** `siteArity`: the number of positions of each offer site (the manifest's sites), for deadlock reports. */
  constructor(wasm: Uint8Array, private readonly siteArity: readonly number[] = []) {
    this.module = compileModel(wasm);
  }

  /** A fresh instance (all tasks at their start), seeded. */
  instantiate(seed: number): EmbeddedRun {
    return new EmbeddedRun(this.module, seed, (s) => this.siteArity[s] ?? 0);
  }
}

export class EmbeddedRun implements EnvironmentRun {
  private readonly m: ModelWasm;
  private readonly x: ModelExports;
  /** The environment's offers as last set. */
  private envOffers: readonly EnvOffer[] = [];
  /** Called with each label; throw (any value) from it to stop the run. */
  onLabel: ((label: string) => void) | undefined;
  private startStop: Stop | undefined;
  /** Asked whether the environment's offer `offer` accepts a candidate action's values; throw to stop the run. */
  onEnvAccept: ((offer: number, values: Uint8Array[]) => boolean) | undefined;

  /** Positions of each offer site, from the manifest. */
  constructor(module: object, seed: number, private readonly arity: (site: number) => number = () => 0) {
    const stop = (s: Stop): never => {
      throw new StopSignal(s);
    };
    // A host callback that throws stops the run with its reason.
    const host = <T>(f: () => T): T => {
      try {
        return f();
      } catch (reason) {
        return stop({ kind: "host", reason });
      }
    };
    this.m = new ModelWasm(module, seed, {
      error: (id, value) => stop({ kind: "error", id, value }),
      negotiation: (site, position) => stop({ kind: "negotiation", site, position }),
      abort: (message) => stop({ kind: "abort", message }),
      unknown: (mod, name) => stop({ kind: "abort", message: `the model called ${mod}.${name}, which this host does not provide` }),
      action: (label) => {
        if (this.onLabel) host(() => this.onLabel!(label));
      },
      envAccept: (offer, values) => (this.onEnvAccept ? host(() => this.onEnvAccept!(offer, values)) : true),
    });
    this.x = this.m.x;
    try {
      this.x.init(seed >>> 0);
    } catch (err) {
      if (err instanceof StopSignal) this.startStop = err.stop;
      else throw err;
    }
  }

  /** The run-time gate of the last action (-1 for `i`) and the tasks that took part in it. */
  lastAction(): { gate: number; tasks: number[] } {
    const tasks: number[] = [];
    for (let i = 0; i < this.x.lastPartCount(); i++) tasks.push(this.x.lastPartTask(i));
    return { gate: this.x.lastGate(), tasks };
  }

  /** Makes the environment a party of every action on these gates; before the first run. */
  enableEnvironment(gates: readonly number[]): void {
    this.m.enableEnvironment(gates);
  }

  /** Replaces the environment's offers (ids: their indexes): a new step of the environment. */
  setEnvOffers(offers: readonly EnvOffer[]): void {
    if (this.startStop) return;
    this.envOffers = offers;
    try {
      this.m.publishEnvOffers(offers);
    } catch (err) {
      if (err instanceof StopSignal) this.startStop = err.stop;
      else throw err;
    }
  }

  get steps(): number {
    return this.x.steps();
  }

  /** Protocol messages the run's components exchanged (all by calls inside the Wasm). */
  get messages(): number {
    return this.x.localMessages();
  }

  /** Runs up to `max` more actions; `print` false skips building labels (benchmarks). */
  run(max: number, print = true): RunResult {
    if (this.startStop) return { end: "stopped", steps: 0, stop: this.startStop };
    let code = 0;
    try {
      // The minimal runtime collects garbage only when told, between batches, when no
      // Wasm frame holds a reference (no write barriers, no incremental marking).
      for (let left = max; left > 0 && code === 0; left -= BATCH) {
        code = this.x.run(Math.min(left, BATCH), print ? 1 : 0);
        this.x.__collect();
      }
    } catch (err) {
      if (err instanceof StopSignal) return { end: "stopped", steps: this.x.steps(), stop: err.stop };
      if (err instanceof Error && /call stack|recursion/i.test(err.message)) return { end: "stopped", steps: this.x.steps(), stop: { kind: "abort", message: err.message } };
      throw err;
    }
    const steps = this.x.steps();
    if (code === 0) return { end: "steps", steps };
    if (code === 1) return { end: "terminated", steps };
    if (code === 3) {
      const offer = this.x.envTake();
      return { end: "environment", steps, offer, envOffer: this.envOffers[offer]!, gate: this.x.envGate(), values: this.m.values(VALUES_ENVIRONMENT) };
    }
    return { end: "deadlock", steps, waits: this.waits() };
  }

  waits(): TaskWait[] {
    const out: TaskWait[] = [];
    for (let t = 0; t < this.x.taskCount(); t++) {
      const s = this.x.taskStatus(t);
      if (s === 1) out.push({ task: t, status: "terminated" });
      else if (s === 2) out.push({ task: t, status: "stopped" });
      else {
        const sites: number[] = [];
        const values: (string | undefined)[][] = [];
        for (let i = 0; i < this.x.taskOfferCount(t); i++) {
          sites.push(this.x.taskOfferSite(t, i));
          const vs: (string | undefined)[] = [];
          for (let p = 0; p < this.arity(sites[i]!); p++) {
            const s = this.m.readString(this.x.taskOfferValue(t, i, p));
            vs.push(s === "" ? undefined : s);
          }
          values.push(vs);
        }
        if (sites.length === 0) out.push({ task: t, status: "stopped" });
        else out.push({ task: t, status: "offering", sites, values });
      }
    }
    return out;
  }
}
