// A NodeEngine over a compiled model's Wasm: one instance holds the whole model; the tasks
// placed on this node run in it, driven through the protocol core (TaskSide) by their
// offers at each stable state, and the managers of this node's gates (ManagerSide) ask the
// generated guards through a WasmOracle. A guard of a task on another node is evaluated on
// the variables its READY carries (captured bytes, the task's variables encoded by the
// codec), decoded into this instance's copy of that task's variables and restored after.
// Moves a task makes alone (`i`, gates no other task synchronizes on) need no manager: the
// task's node picks one with its seeded PRNG and logs it.

import { ManagerConfig, ManagerSide, Offer, Oracle, Position, TaskSide, type Effects } from "../runtime-as/protocol/index.js";
import type { WireMessage } from "./transport.js";
import type { EngineOut, EngineStatus, NodeEngine } from "./node-shell.js";
import { StepUnwrapper } from "./trace-log.js";

/** The parts of a compiled model's manifest.json a node reads. */
export interface NodeManifest {
  readonly tasks: readonly { readonly id: number; readonly name: string }[];
  readonly gates: readonly { readonly id: number; readonly name: string; readonly label: string; readonly visible: boolean; readonly vectors: readonly (readonly number[])[] }[];
  readonly sites: readonly { readonly id: number; readonly task: number; readonly gate: number; readonly types: readonly number[] }[];
  readonly errors: readonly { readonly code: number; readonly text: string; readonly args: readonly string[]; readonly at: string | undefined }[];
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  dSetup(seed: number): void;
  dStart(t: number): void;
  dStage(n: number, len: number): number;
  dStageCount(n: number): void;
  dAccept(t: number, site: number): number;
  dAcceptOwn(t: number, i: number): number;
  dFire(t: number, i: number): void;
  dOfferSite(t: number, i: number): number;
  dOfferGate(t: number, i: number): number;
  dOfferGuard(t: number, i: number): number;
  dOfferArity(t: number, i: number): number;
  dOfferType(t: number, i: number, p: number): number;
  dOfferEmit(t: number, i: number, p: number): number;
  dCapture(t: number, i: number): number;
  dOutPtr(): number;
  dCard(type: number): number;
  dValueAt(type: number, i: number): number;
  dPrint(type: number, n: number): number;
  taskStatus(t: number): number;
  taskOfferCount(t: number): number;
  __collect(): void;
}

interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] };
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A run-time error of the model (or an abort of its Wasm), with its message ready to print. */
export class ModelFailure extends Error {}

const TERMINATED = 1;
const EXIT_GATE = -2;
const INTERNAL_GATE = -1;
/** Firings and guard calls between two garbage collections. */
const COLLECT_EVERY = 4096;

/** The model's instance and byte traffic through its staged buffers. */
export class WasmModel {
  readonly x: Exports;
  private calls = 0;

  constructor(wasm: Uint8Array, private readonly manifest: NodeManifest, seed: number) {
    const module = new WA.Module(wasm);
    let mem: { buffer: ArrayBuffer } | undefined;
    const str = (ptr: number): string => readString(mem!.buffer, ptr);
    const errorText = (id: number, value: string): string => {
      const e = this.manifest.errors[id];
      if (!e) return `run-time error ${id} of the model (${value})`;
      let text = e.text;
      e.args.forEach((a, i) => (text = text.split(`{${i}}`).join(a === "$value" ? value : a)));
      return `${e.at ?? "?"}: error LNT${e.code}: ${text}`;
    };
    const known: Record<string, Record<string, (...a: never[]) => unknown>> = {
      lntc: {
        error: (id: number, value: bigint) => {
          throw new ModelFailure(errorText(id, String(value)));
        },
        errorText: (id: number, ptr: number) => {
          throw new ModelFailure(errorText(id, str(ptr)));
        },
        negotiation: (site: number, position: number) => {
          throw new ModelFailure(`offer site ${site}, position ${position + 1}: a value nobody emits, of a type too large to enumerate (it needs hooks)`);
        },
        action: () => {},
      },
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new ModelFailure(`the model's Wasm aborted: ${msg ? str(msg) : "abort"} at ${file ? str(file) : "?"}:${line}:${col}`);
        },
        seed: () => seed,
      },
    };
    // Imports this engine does not use (the embedded run's hooks) refuse loudly if called.
    const imports: Record<string, Record<string, unknown>> = {};
    for (const i of WA.Module.imports(module)) {
      if (i.kind !== "function") continue;
      const fn = known[i.module]?.[i.name] ?? (() => {
        throw new ModelFailure(`the model called ${i.module}.${i.name}, which a distributed run does not provide`);
      });
      (imports[i.module] ??= {})[i.name] = fn;
    }
    this.x = new WA.Instance(module, imports).exports as Exports;
    mem = this.x.memory;
    this.x.dSetup(seed >>> 0);
  }

  /** Copies `len` bytes from the instance's output buffer. */
  out(len: number): Uint8Array {
    return new Uint8Array(this.x.memory.buffer, this.x.dOutPtr(), len).slice();
  }

  /** Stages the values (and the captured bytes) for the next accept, fire or print. */
  stage(values: readonly Uint8Array[], captured?: Uint8Array): void {
    this.x.dStageCount(values.length);
    // dStage allocates, which may grow the memory and detach an earlier view of it: the
    // buffer is read after each call.
    values.forEach((v, n) => {
      const ptr = this.x.dStage(n, v.length);
      new Uint8Array(this.x.memory.buffer, ptr, v.length).set(v);
    });
    if (captured !== undefined) {
      const ptr = this.x.dStage(-1, captured.length);
      new Uint8Array(this.x.memory.buffer, ptr, captured.length).set(captured);
    }
  }

  print(type: number, n: number): string {
    const ptr = this.x.dPrint(type, n);
    return readString(this.x.memory.buffer, ptr);
  }

  /** Collects garbage now and then, from the host: no Wasm frame holds a reference here. */
  tick(): void {
    if (++this.calls % COLLECT_EVERY === 0) this.x.__collect();
  }
}

function readString(buf: ArrayBuffer, ptr: number): string {
  const bytes = new Uint32Array(buf, ptr - 4, 1)[0]!;
  const units = new Uint16Array(buf, ptr, bytes >>> 1);
  let s = "";
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
  return s;
}

/** The protocol's Oracle over the generated guards: guard = offer site + 1 (0: no guard). */
export class WasmOracle extends Oracle {
  private readonly cards = new Map<number, number>();
  private readonly values = new Map<number, Uint8Array[]>();
  constructor(private readonly m: WasmModel) {
    super();
  }
  accepts(task: number, _step: number, offer: Offer, values: Uint8Array[]): boolean {
    this.m.stage(values, offer.captured);
    const ok = this.m.x.dAccept(task, offer.guard - 1) !== 0;
    // A node may negotiate without running a task: its guards' garbage is collected here.
    this.m.tick();
    return ok;
  }
  cardinality(type: number): number {
    let c = this.cards.get(type);
    if (c === undefined) this.cards.set(type, (c = this.m.x.dCard(type)));
    return c;
  }
  valueAt(type: number, i: number): Uint8Array {
    // Values of a type never change: cached, so a manager's search allocates nothing here.
    let vs = this.values.get(type);
    if (!vs) this.values.set(type, (vs = []));
    let v = vs[i];
    if (v === undefined) vs[i] = v = this.m.out(this.m.x.dValueAt(type, i));
    return v;
  }
}

export interface WasmEngineOptions {
  readonly self: string;
  /** Node name of each task (by task id). */
  readonly taskNode: readonly string[];
  /** Node name of each gate's manager, or undefined for a gate no two tasks synchronize on. */
  readonly gateNode: readonly (string | undefined)[];
  /** Node names in deployment order: manager id = node index. */
  readonly nodes: readonly string[];
  /** Deployment names of the tasks, for the log. */
  readonly taskNames: readonly string[];
  /** Each task stops offering after this many actions of its own (lntc run --steps). */
  readonly stepLimit?: number;
  readonly seed?: number;
  /** A task reached the step limit. */
  readonly onLimit?: (task: string) => void;
}

interface AloneMove {
  readonly offer: number;
  readonly values: Uint8Array[];
}

export class WasmEngine implements NodeEngine {
  private out: EngineOut | null = null;
  private readonly tasks = new Map<number, TaskSide>();
  private readonly managers = new Map<number, ManagerSide>();
  private readonly queue: WireMessage[] = [];
  private draining = false;
  private readonly unwrap = new StepUnwrapper();
  /** Per local task: whether it has ended, may end (an exit offer), or reached the step limit. */
  private readonly mayEnd = new Map<number, boolean>();
  private readonly alone = new Map<number, AloneMove[]>();
  private readonly fires = new Map<number, number>();
  private readonly gateTypes: number[][];
  private readonly managerOf: number[];
  private pendingInternal = 0;
  private stopped = false;
  private failed = false;
  private rng: number;
  actions = 0;
  localMessages = 0;
  networkMessages = 0;
  limited = 0;

  constructor(
    private readonly m: WasmModel,
    private readonly manifest: NodeManifest,
    private readonly o: WasmEngineOptions,
  ) {
    this.rng = (o.seed ?? 1) >>> 0 || 1;
    const nodeIndex = new Map(o.nodes.map((n, i) => [n, i] as const));
    this.managerOf = manifest.gates.map((g) => (o.gateNode[g.id] === undefined ? -1 : nodeIndex.get(o.gateNode[g.id]!)!));
    this.gateTypes = manifest.gates.map((g) => [...(manifest.sites.find((s) => s.gate === g.id)?.types ?? [])]);
    const oracle = new WasmOracle(m);
    o.taskNode.forEach((n, t) => {
      if (n === o.self) this.tasks.set(t, new TaskSide(t, this.managerOf));
    });
    const me = nodeIndex.get(o.self)!;
    const gates = manifest.gates.filter((g) => this.managerOf[g.id] === me).map((g) => g.id);
    if (gates.length > 0) {
      const cfg = new ManagerConfig(me, manifest.tasks.length, gates, gates.map((g) => manifest.gates[g]!.vectors.map((v) => [...v].sort((a, b) => a - b))));
      this.managers.set(me, new ManagerSide(cfg, oracle));
    }
  }

  start(out: EngineOut): void {
    this.out = out;
    this.guard(() => {
      for (const t of this.tasks.keys()) {
        this.m.x.dStart(t);
        this.offer(t);
      }
    });
    this.drain();
  }

  deliver(_from: string, messages: readonly WireMessage[]): void {
    for (const msg of messages) this.queue.push(msg);
    this.drain();
  }

  status(): EngineStatus {
    if (this.queue.length > 0 || this.pendingInternal > 0) return "busy";
    for (const t of this.tasks.keys()) if (!this.mayEnd.get(t)) return "waiting";
    return "ended";
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Runs `f`; a failure of the model stops every node with its message. */
  private guard(f: () => void): void {
    if (this.failed) return;
    try {
      f();
    } catch (err) {
      if (!(err instanceof ModelFailure)) throw err;
      this.failed = true;
      this.stopped = true;
      this.queue.length = 0;
      if (this.out?.fail) this.out.fail(err.message);
      else throw err;
    }
  }

  private random(n: number): number {
    // xorshift32, seeded per node: the choice among a task's moves alone.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng % n;
  }

  /** The task's current offers for the protocol, its moves alone, and whether it may end. */
  private current(t: number): { offers: Offer[]; alone: AloneMove[]; mayEnd: boolean } {
    const x = this.m.x;
    const offers: Offer[] = [];
    const alone: AloneMove[] = [];
    const limit = this.o.stepLimit;
    if (limit !== undefined && (this.fires.get(t) ?? 0) >= limit) {
      this.limited++;
      this.o.onLimit?.(this.o.taskNames[t]!);
      return { offers, alone, mayEnd: true };
    }
    let mayEnd = x.taskStatus(t) === TERMINATED;
    const n = x.taskOfferCount(t);
    for (let i = 0; i < n; i++) {
      const gate = x.dOfferGate(t, i);
      if (gate === EXIT_GATE) {
        mayEnd = true;
        continue;
      }
      const arity = x.dOfferArity(t, i);
      const emits: (Uint8Array | null)[] = [];
      const types: number[] = [];
      for (let p = 0; p < arity; p++) {
        types.push(x.dOfferType(t, i, p));
        const len = x.dOfferEmit(t, i, p);
        emits.push(len < 0 ? null : this.m.out(len));
      }
      if (gate === INTERNAL_GATE || this.managerOf[gate]! < 0) {
        this.aloneMoves(t, i, emits, types, alone);
        continue;
      }
      const guarded = x.dOfferGuard(t, i) !== 0;
      const captured = guarded ? this.m.out(x.dCapture(t, i)) : new Uint8Array(0);
      const positions = emits.map((e, p) => (e === null ? Position.received(types[p]!) : Position.emitted(e)));
      offers.push(new Offer(i, gate, guarded ? x.dOfferSite(t, i) + 1 : 0, captured, positions));
    }
    return { offers, alone, mayEnd };
  }

  /** Every value vector the task's offer i accepts, as moves alone. */
  private aloneMoves(t: number, i: number, emits: readonly (Uint8Array | null)[], types: readonly number[], into: AloneMove[]): void {
    const vals: Uint8Array[] = emits.map((e) => e ?? new Uint8Array(0));
    const free = emits.flatMap((e, p) => (e === null ? [p] : []));
    const fill = (k: number): void => {
      if (k === free.length) {
        this.m.stage(vals);
        if (this.m.x.dAcceptOwn(t, i) !== 0) into.push({ offer: i, values: [...vals] });
        return;
      }
      const p = free[k]!;
      const card = this.m.x.dCard(types[p]!);
      if (card < 0) throw new ModelFailure(`task ${this.o.taskNames[t]} receives on a gate of its own a value of a type too large to enumerate`);
      for (let v = 0; v < card; v++) {
        vals[p] = this.m.out(this.m.x.dValueAt(types[p]!, v));
        fill(k + 1);
      }
    };
    fill(0);
  }

  private offer(t: number): void {
    const { offers, alone, mayEnd } = this.current(t);
    this.mayEnd.set(t, mayEnd);
    this.alone.set(t, alone);
    const task = this.tasks.get(t)!;
    const internal = alone.length > 0;
    this.effects(task.offer(offers, internal));
    const stepAtOffer = task.step;
    if (internal) this.moveAloneLater(t, task, stepAtOffer);
  }

  /**
   * The task's move alone, on the next turn, unless a rendezvous took it first. While a
   * lock holds it, the move waits another turn: the lock may be released (RELEASE) with
   * the task still at this step, and nothing else would bring the move back.
   */
  private moveAloneLater(t: number, task: TaskSide, stepAtOffer: number): void {
    this.pendingInternal++;
    setImmediate(() => {
      this.pendingInternal--;
      if (this.stopped || task.step !== stepAtOffer) return;
      if (!task.canMoveAlone()) return this.moveAloneLater(t, task, stepAtOffer);
      this.guard(() => {
        const f = this.effects(task.moveAlone());
        if (f === null) return;
        const moves = this.alone.get(t)!;
        const mv = moves[this.random(moves.length)]!;
        const name = this.o.taskNames[t]!;
        // A move alone has no manager to log it: the task's node does.
        this.out!.action([{ task: name, seq: this.unwrap.seq(name, f.step) }], this.label(this.m.x.dOfferGate(t, mv.offer), mv.values));
        this.fire(t, mv.offer, mv.values);
      });
      this.drain();
    });
  }

  private fire(t: number, offer: number, values: readonly Uint8Array[]): void {
    this.m.stage(values);
    this.m.x.dFire(t, offer);
    this.m.tick();
    this.fires.set(t, (this.fires.get(t) ?? 0) + 1);
    this.offer(t);
  }

  private label(gate: number, values: readonly Uint8Array[]): string {
    if (gate < 0 || !this.manifest.gates[gate]!.visible) return "i";
    this.m.stage(values);
    const types = this.gateTypes[gate]!;
    let s = this.manifest.gates[gate]!.label;
    for (let p = 0; p < values.length; p++) s += " !" + this.m.print(types[p]!, p);
    return s;
  }

  /** Applies effects: local sends queue up, remote ones leave in this turn's batch; returns the task's firing. */
  private effects(fx: Effects): Effects["fired"] {
    const e = fx;
    for (const s of e.sends) {
      const node = s.toManager ? this.o.nodes[s.to]! : this.o.taskNode[s.to]!;
      const msg: WireMessage = { toManager: s.toManager, to: s.to, payload: s.bytes };
      if (node === this.o.self) {
        this.localMessages++;
        this.queue.push(msg);
      } else {
        this.networkMessages++;
        this.out!.send(node, [msg]);
      }
    }
    for (const a of e.actions) {
      this.actions++;
      const parts = a.participants.map((p) => ({ task: this.o.taskNames[p.task]!, seq: this.unwrap.seq(this.o.taskNames[p.task]!, p.step) }));
      this.out!.action(parts, this.label(a.gate, a.values));
    }
    return e.fired;
  }

  private drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const msg = this.queue.shift()!;
        this.guard(() => this.receive(msg));
      }
    } finally {
      this.draining = false;
    }
  }

  private receive(msg: WireMessage): void {
    let fx: Effects;
    try {
      if (msg.toManager) {
        const mg = this.managers.get(msg.to);
        if (!mg) return this.out!.refuse(`a message for manager ${msg.to}, which is not on this node`);
        fx = mg.receive(msg.payload);
      } else {
        const task = this.tasks.get(msg.to);
        if (!task) return this.out!.refuse(`a message for task ${msg.to}, which is not on this node`);
        fx = task.receive(msg.payload);
      }
    } catch (err) {
      if (err instanceof ModelFailure) throw err;
      // The core's decoder throws on a message that does not decode: refuse it, go on.
      return this.out!.refuse(`a protocol message that does not decode (${(err as Error).message})`);
    }
    const f = this.effects(fx);
    if (f !== null) this.fire(msg.to, f.offer, f.values);
  }
}
