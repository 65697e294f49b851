// One instance of a compiled model's Wasm, as every host drives it (the embedded run and a
// node): the exports of src/backend-wasm/emit-exports.ts, the imports through which the
// Wasm reports (each handler may throw to unwind it, so that no Wasm trap ever surfaces),
// and the byte traffic through the staged buffer: strings, values, the environment's
// offers, the outbox.

/** The exports of every compiled model (src/backend-wasm/emit-exports.ts). */
export interface ModelExports {
  memory: { buffer: ArrayBuffer };
  __collect(): void;
  init(seed: number): void;
  run(max: number, print: number): number;
  nodeSetup(seed: number): void;
  nodeStart(): void;
  nodeReceive(): void;
  nodeDrain(limit: number): number;
  nodePending(): number;
  nodeEnded(): number;
  outTake(): number;
  outPtr(): number;
  stage(n: number): number;
  steps(): number;
  localMessages(): number;
  networkMessages(): number;
  taskCount(): number;
  taskStatus(t: number): number;
  taskOfferCount(t: number): number;
  taskOfferSite(t: number, i: number): number;
  taskOfferValue(t: number, i: number, p: number): number;
  lastGate(): number;
  lastPartCount(): number;
  lastPartTask(i: number): number;
  lastPartStep(i: number): number;
  envEnable(): void;
  envHook(g: number): void;
  envClear(): void;
  envOffer(gate: number, id: number, arity: number, guard: number): void;
  envType(p: number, t: number): void;
  envValue(p: number, fallback: number): void;
  envPublish(): void;
  envTake(): number;
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
  /** Whether the accept hook must be asked about each candidate. */
  readonly guard: boolean;
}

/** What the Wasm reports through its imports. The fatal ones must throw (to unwind the Wasm). */
export interface ModelReports {
  /** Run-time error `id` of the manifest's table, with the offending value (a number, or printed). */
  error(id: number, value: bigint | string): never;
  /** No party emits `position` of the offer at `site`, and its type is too large to enumerate. */
  negotiation(site: number, position: number): never;
  /** The AssemblyScript runtime aborted (a bug of lntc, or a resource exhausted). */
  abort(message: string): never;
  /** An action was decided, its label printed in Wasm. */
  action(label: string): void;
  /** The environment's accept hook on its offer `offer`, for the candidate values. */
  envAccept(offer: number, values: Uint8Array[]): boolean;
  /** The model calls an import this host does not know (a Wasm of another lntc version). */
  unknown(module: string, name: string): never;
}

/** Which values the Wasm hands out through valueCount / valuePtr / valueLen. */
export const VALUES_CANDIDATE = 0;
export const VALUES_LAST = 1;
export const VALUES_ENVIRONMENT = 2;

interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] };
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles the module once; instances are cheap. */
export function compileModel(wasm: Uint8Array): object {
  return new WA.Module(wasm);
}

export class ModelWasm {
  readonly x: ModelExports;

  constructor(module: object, seed: number, reports: ModelReports) {
    const str = (ptr: number): string => this.readString(ptr);
    const known: Record<string, Record<string, (...a: never[]) => unknown>> = {
      lntc: {
        error: (id: number, value: bigint) => reports.error(id, value),
        errorText: (id: number, ptr: number) => reports.error(id, str(ptr)),
        negotiation: (site: number, position: number) => reports.negotiation(site, position),
        action: (ptr: number) => reports.action(str(ptr)),
        envAccept: (id: number) => (reports.envAccept(id, this.values(VALUES_CANDIDATE)) ? 1 : 0),
      },
      env: {
        abort: (msg: number, file: number, line: number, col: number) => reports.abort(`${msg ? str(msg) : "abort"} at ${file ? str(file) : "?"}:${line}:${col}`),
        seed: () => seed,
      },
    };
    const imports: Record<string, Record<string, unknown>> = {};
    for (const i of WA.Module.imports(module)) {
      if (i.kind !== "function") continue;
      (imports[i.module] ??= {})[i.name] = known[i.module]?.[i.name] ?? (() => reports.unknown(i.module, i.name));
    }
    this.x = new WA.Instance(module, imports).exports as ModelExports;
  }

  /** An AssemblyScript string of the instance. */
  readString(ptr: number): string {
    const buf = this.x.memory.buffer;
    const bytes = new Uint32Array(buf, ptr - 4, 1)[0]!;
    const units = new Uint16Array(buf, ptr, bytes >>> 1);
    let s = "";
    for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
    return s;
  }

  /** Copies bytes into a fresh buffer of the instance, for the next call that reads them. */
  stage(bytes: Uint8Array): void {
    const ptr = this.x.stage(bytes.length);
    // staging allocates, which may grow the memory: the buffer is read after the call
    new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
  }

  /** Values as codec bytes (VALUES_*), copied out. */
  values(which: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let p = 0, n = this.x.valueCount(which); p < n; p++) {
      out.push(new Uint8Array(this.x.memory.buffer, this.x.valuePtr(which, p), this.x.valueLen(which, p)).slice());
    }
    return out;
  }

  /** The tasks (ids) and their steps in the action being reported. */
  participants(): { task: number; step: number }[] {
    const out: { task: number; step: number }[] = [];
    for (let i = 0, n = this.x.lastPartCount(); i < n; i++) out.push({ task: this.x.lastPartTask(i), step: this.x.lastPartStep(i) });
    return out;
  }

  /** The outbox's bytes (messages for other nodes), copied out; the outbox is emptied. */
  takeOut(): Uint8Array {
    const len = this.x.outTake();
    return new Uint8Array(this.x.memory.buffer, this.x.outPtr(), len).slice();
  }

  /** Makes the environment a party of every action on these gates; before the start. */
  enableEnvironment(gates: readonly number[]): void {
    this.x.envEnable();
    for (const g of gates) this.x.envHook(g);
  }

  /** The environment's offers (ids: their indexes) replace its current ones: a new step of it. */
  publishEnvOffers(offers: readonly EnvOffer[]): void {
    const x = this.x;
    x.envClear();
    offers.forEach((o, id) => {
      x.envOffer(o.gate, id, o.types.length, o.guard ? 1 : 0);
      o.types.forEach((t, p) => x.envType(p, t));
      const put = (b: Uint8Array | undefined, p: number, fallback: number): void => {
        if (!b) return;
        this.stage(b);
        x.envValue(p, fallback);
      };
      o.values.forEach((b, p) => put(b, p, 0));
      o.fallback.forEach((b, p) => put(b, p, 1));
    });
    x.envPublish();
  }
}
