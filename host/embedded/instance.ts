// The Node shell of an embedded run: instantiates a model's Wasm (every task in one
// instance, negotiating through the protocol's task and gate sides inside it, with one
// manager for every gate), carries the visible labels out, and turns the Wasm's reports
// (run-time error by id, non-negotiable offer, deadlock) into data. A report from the
// Wasm unwinds it as a JS exception, so no Wasm trap ever surfaces.

interface Exports {
  memory: { buffer: ArrayBuffer };
  init(seed: number): void;
  run(max: number, print: number): number;
  steps(): number;
  localMessages(): number;
  taskCount(): number;
  taskStatus(t: number): number;
  taskOfferCount(t: number): number;
  taskOfferSite(t: number, i: number): number;
  taskOfferValue(t: number, i: number, p: number): number;
  lastGate(): number;
  __collect(): void;
  lastPartCount(): number;
  lastPartTask(i: number): number;
  envEnable(): void;
  envHook(g: number): void;
  envClear(): void;
  envOffer(gate: number, id: number, arity: number, guard: number): void;
  envType(p: number, t: number): void;
  stage(n: number): number;
  envValue(p: number, fallback: number): void;
  envPublish(): void;
  envFired(): number;
  envGate(): number;
  valueCount(which: number): number;
  valuePtr(which: number, p: number): number;
  valueLen(which: number, p: number): number;
}

/** One offer of the environment: per position the value's codec bytes, or undefined (open). */
export interface EnvOffer {
  readonly gate: number;
  readonly types: readonly number[];
  readonly values: readonly (Uint8Array | undefined)[];
  /** Per open position, a value used when no party emits one. */
  readonly fallback: readonly (Uint8Array | undefined)[];
  /** Whether `onEnvAccept` must be asked about each candidate. */
  readonly guard: boolean;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

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
/** Which values the Wasm hands out (valueCount/valuePtr/valueLen). */
const CANDIDATE = 0;
const ENVIRONMENT = 2;

export class EmbeddedModel {
  private readonly module: object;
  /** `siteArity`: the number of positions of each offer site (the manifest's sites), for deadlock reports. */
  constructor(wasm: Uint8Array, private readonly siteArity: readonly number[] = []) {
    this.module = new WA.Module(wasm);
  }

  /** A fresh instance (all tasks at their start), seeded. */
  instantiate(seed: number): EmbeddedRun {
    return new EmbeddedRun(this.module, seed, (s) => this.siteArity[s] ?? 0);
  }
}

export class EmbeddedRun implements EnvironmentRun {
  private readonly x: Exports;
  /** The environment's offers as last set. */
  private envOffers: readonly EnvOffer[] = [];
  /** Called with each label; throw (any value) from it to stop the run. */
  onLabel: ((label: string) => void) | undefined;
  private startStop: Stop | undefined;
  /** Asked whether the environment's offer `offer` accepts a candidate action's values; throw to stop the run. */
  onEnvAccept: ((offer: number, values: Uint8Array[]) => boolean) | undefined;

  private readonly readString: (ptr: number) => string;

  /** Positions of each offer site, from the manifest. */
  constructor(module: object, seed: number, private readonly arity: (site: number) => number = () => 0) {
    let mem: { buffer: ArrayBuffer } | undefined;
    const readString = (ptr: number): string => {
      const buf = mem!.buffer;
      const bytes = new Uint32Array(buf, ptr - 4, 1)[0]!;
      const units = new Uint16Array(buf, ptr, bytes >>> 1);
      let s = "";
      for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
      return s;
    };
    const imports = {
      lntc: {
        error: (id: number, value: bigint) => {
          throw new StopSignal({ kind: "error", id, value });
        },
        errorText: (id: number, ptr: number) => {
          throw new StopSignal({ kind: "error", id, value: readString(ptr) });
        },
        negotiation: (site: number, position: number) => {
          throw new StopSignal({ kind: "negotiation", site, position });
        },
        envAccept: (id: number) => {
          if (!this.onEnvAccept) return 1;
          try {
            return this.onEnvAccept(id, this.values(CANDIDATE)) ? 1 : 0;
          } catch (reason) {
            throw new StopSignal({ kind: "host", reason });
          }
        },
        action: (ptr: number) => {
          const label = readString(ptr);
          if (!this.onLabel) return;
          try {
            this.onLabel(label);
          } catch (reason) {
            throw new StopSignal({ kind: "host", reason });
          }
        },
      },
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          const m = msg ? readString(msg) : "abort";
          const f = file ? readString(file) : "?";
          throw new StopSignal({ kind: "abort", message: `${m} at ${f}:${line}:${col}` });
        },
        seed: () => seed,
      },
    };
    this.readString = readString;
    const inst = new WA.Instance(module, imports);
    this.x = inst.exports as Exports;
    mem = this.x.memory;
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
    this.x.envEnable();
    for (const g of gates) this.x.envHook(g);
  }

  /** Replaces the environment's offers (ids: their indexes): a new step of the environment. */
  setEnvOffers(offers: readonly EnvOffer[]): void {
    if (this.startStop) return;
    this.envOffers = offers;
    try {
      this.x.envClear();
      offers.forEach((o, id) => {
        this.x.envOffer(o.gate, id, o.types.length, o.guard ? 1 : 0);
        o.types.forEach((t, p) => this.x.envType(p, t));
        const put = (b: Uint8Array, p: number, fallback: number) => {
          const ptr = this.x.stage(b.length);
          // the memory may have grown: its buffer is read again after the call
          new Uint8Array(this.x.memory.buffer, ptr, b.length).set(b);
          this.x.envValue(p, fallback);
        };
        o.values.forEach((b, p) => b && put(b, p, 0));
        o.fallback.forEach((b, p) => b && put(b, p, 1));
      });
      this.x.envPublish();
    } catch (err) {
      if (err instanceof StopSignal) this.startStop = err.stop;
      else throw err;
    }
  }

  /** Values as codec bytes: of the candidate the accept hook is asked about, the last action, or the environment's last action. */
  private values(which: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let p = 0, n = this.x.valueCount(which); p < n; p++) {
      const ptr = this.x.valuePtr(which, p);
      out.push(new Uint8Array(this.x.memory.buffer, ptr, this.x.valueLen(which, p)).slice());
    }
    return out;
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
      const offer = this.x.envFired();
      return { end: "environment", steps, offer, envOffer: this.envOffers[offer]!, gate: this.x.envGate(), values: this.values(ENVIRONMENT) };
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
            const s = this.readString(this.x.taskOfferValue(t, i, p));
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
