// The embedded runtime, compiled into every model's Wasm beside the generated code:
// the value codec (offers travel as canonical bytes, so equal values are equal bytes),
// checked arithmetic that reports LNT run-time errors to the host by id, the seeded
// PRNG, and the scheduler that finds every rendezvous the tasks' current offers allow
// (synchronization vectors x offers x values of the positions nobody emits, every
// party's guard checked in Wasm) and fires one of them, chosen by the PRNG.

// ---------------------------------------------------------------------------
// Host interface

/** A run-time error of the model: `id` indexes the manifest's error table; `value` is the offending value, if any. */
@external("lntc", "error") declare function hostError(id: i32, value: i64): void;
/** The same, with the offending value printed (a `case` that matches nothing, a missing field). */
@external("lntc", "errorText") declare function hostErrorText(id: i32, value: string): void;
/** No party emits position `position` of the offer at `site`, and its type is too large to enumerate. */
@external("lntc", "negotiation") declare function hostNegotiation(site: i32, position: i32): void;
/** A visible action (or `i`) happened. */
@external("lntc", "action") declare function hostAction(label: string): void;
/** Whether the environment (hooks) accepts the candidate values for its offer `id` (read through `currentValue`). */
@external("lntc", "envAccept") declare function hostEnvAccept(id: i32): bool;

export function fail(id: i32, value: i64): void {
  hostError(id, value);
  unreachable();
}

export function failText(id: i32, value: string): void {
  hostErrorText(id, value);
  unreachable();
}

// ---------------------------------------------------------------------------
// Codec: unsigned LEB128, zigzag for signed integers, length-prefixed strings.

export class Writer {
  buf: Uint8Array = new Uint8Array(32);
  n: i32 = 0;
  byte(b: i32): void {
    if (this.n == this.buf.length) {
      const nb = new Uint8Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
    }
    this.buf[this.n++] = <u8>b;
  }
  uint(v: u64): void {
    while (v >= 0x80) {
      this.byte(<i32>(v & 0x7f) | 0x80);
      v >>= 7;
    }
    this.byte(<i32>v);
  }
  int(v: i64): void {
    this.uint(<u64>((v << 1) ^ (v >> 63)));
  }
  real(v: f64): void {
    this.uint(reinterpret<u64>(v));
  }
  str(s: string): void {
    this.uint(<u64>s.length);
    for (let i = 0; i < s.length; i++) this.uint(<u64>s.charCodeAt(i));
  }
  take(): Uint8Array {
    const r = this.buf.slice(0, this.n);
    this.n = 0;
    return r;
  }
  /** The bytes written, in `old` when it has the right length (no allocation), else in a new array. */
  takeInto(old: Uint8Array | null): Uint8Array {
    if (old === null || old.length != this.n) return this.take();
    const r = old!;
    for (let i = 0; i < this.n; i++) r[i] = this.buf[i];
    this.n = 0;
    return r;
  }
}

export class Reader {
  b: Uint8Array;
  p: i32 = 0;
  constructor(b: Uint8Array) {
    this.b = b;
  }
  byte(): i32 {
    return this.b[this.p++];
  }
  uint(): u64 {
    let v: u64 = 0;
    let shift: u64 = 0;
    while (true) {
      const x = this.b[this.p++];
      v |= (<u64>(x & 0x7f)) << shift;
      if (x < 0x80) break;
      shift += 7;
    }
    return v;
  }
  int(): i64 {
    const u = this.uint();
    return <i64>(u >> 1) ^ -(<i64>(u & 1));
  }
  real(): f64 {
    return reinterpret<f64>(this.uint());
  }
  str(): string {
    const n = <i32>this.uint();
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(<i32>this.uint());
    return s;
  }
}

export const W = new Writer();
const RD = new Reader(new Uint8Array(0));
/** The shared reader, positioned at the start of `b` (decoding never nests across values). */
export function rd(b: Uint8Array): Reader {
  RD.b = b;
  RD.p = 0;
  return RD;
}

/** FNV-1a over a value's encoding. */
export function hashBytes(b: Uint8Array): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = (h ^ <u32>b[i]) * 0x01000193;
  return h;
}

export function bytesEq(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Checked arithmetic (bounds come from the model: !nat_bits, !int_bits, ranges)

export function chk(v: i64, lo: i64, hi: i64, err: i32): i64 {
  if (v < lo || v > hi) fail(err, v);
  return v;
}
export function mulChk(a: i64, b: i64, lo: i64, hi: i64, err: i32): i64 {
  const r = a * b;
  if (a != 0 && (r / a != b || (a == -1 && b == i64.MIN_VALUE))) fail(err, r);
  return chk(r, lo, hi, err);
}
export function divChk(a: i64, b: i64, err: i32): i64 {
  if (b == 0) fail(err, 0);
  return a / b;
}
export function modChk(a: i64, b: i64, err: i32): i64 {
  if (b == 0) fail(err, 0);
  let r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) r += b;
  return r;
}
export function remChk(a: i64, b: i64, err: i32): i64 {
  if (b == 0) fail(err, 0);
  return a % b;
}
export function powChk(a: i64, b: i64, lo: i64, hi: i64, err: i32, negErr: i32): i64 {
  if (b < 0) fail(negErr, b);
  let r: i64 = 1;
  for (let i: i64 = 0; i < b; i++) r = mulChk(r, a, lo, hi, err);
  return r;
}
export function absI(a: i64): i64 {
  return a < 0 ? -a : a;
}
export function signI(a: i64): i64 {
  return a < 0 ? -1 : a > 0 ? 1 : 0;
}
export function cmpI(a: i64, b: i64): i32 {
  return a < b ? -1 : a > b ? 1 : 0;
}
export function cmpR(a: f64, b: f64): i32 {
  return a < b ? -1 : a > b ? 1 : 0;
}
export function cmpS(a: string, b: string): i32 {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Printing (CADP label conventions)

export function quoteStr(s: string, q: string): string {
  let out = q;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s.charAt(i);
    if (ch == q || ch == "\\") out += "\\" + ch;
    else if (c == 10) out += "\\n";
    else if (c == 9) out += "\\t";
    else if (c < 32 || c == 127) {
      let o = c.toString(8);
      while (o.length < 3) o = "0" + o;
      out += "\\" + o;
    } else out += ch;
  }
  return out + q;
}

export function printReal(x: f64): string {
  if (x == Math.floor(x) && Math.abs(x) < 1e21) return (<i64>x).toString() + ".0";
  return x.toString().toUpperCase();
}

// ---------------------------------------------------------------------------
// PRNG: splitmix32, the same generator as the reference simulator.

let seedState: u32 = 0;
export function seed(s: u32): void {
  seedState = s;
}
export function rand(): f64 {
  seedState += 0x9e3779b9;
  let z = seedState;
  z = (z ^ (z >> 16)) * 0x85ebca6b;
  z = (z ^ (z >> 13)) * 0xc2b2ae35;
  z = z ^ (z >> 16);
  return <f64>z / 4294967296.0;
}
/** Reservoir sampling: keep the n-th candidate with probability 1/n (for `X := any T`). */
export function keep(n: i32): bool {
  return n == 1 || rand() * <f64>n < 1.0;
}

// ---------------------------------------------------------------------------
// Tasks, offers and the scheduler

export const OFFERING: i32 = 0;
export const TERMINATED: i32 = 1;
export const STOPPED: i32 = 2;

/** The variables of a task, saved for an offer reached by running code speculatively. */
export abstract class Snapshot {}

/**
 * One offer site of the generated code; preallocated, refilled each time its state is
 * entered. Offers of an `alt` whose branches compute before acting are fresh copies,
 * each with the snapshot of the task's variables it was made in.
 */
export class Offer {
  saved: Snapshot | null = null;
  site: i32;
  task: i32;
  /** Run-time gate; -1 for `i`. */
  gate: i32;
  types: Array<i32>;
  /** Per position the emitted value's bytes, or null for a reception. */
  emit: Array<Uint8Array | null>;
  /** Whether the generated `accept` must be asked (patterns beyond a variable, or a `where`). */
  guard: bool;
  /** Environment offers only: per position, the value it supplies when no party emits one. */
  fallback: Array<Uint8Array | null> | null = null;
  constructor(site: i32, task: i32, gate: i32, types: Array<i32>, guard: bool) {
    this.site = site;
    this.task = task;
    this.gate = gate;
    this.types = types;
    this.guard = guard;
    this.emit = new Array<Uint8Array | null>(types.length);
  }
}

/** What the generated code provides to the scheduler. */
export abstract class Model {
  abstract start(task: i32): void;
  abstract accept(o: Offer, values: Array<Uint8Array>): bool;
  abstract fire(o: Offer, values: Array<Uint8Array>): void;
  abstract card(type: i32): i32;
  abstract valueAt(type: i32, i: i32): Uint8Array;
  abstract print(type: i32, v: Uint8Array): string;
}

/** Up to this many slots (tasks + vectors), the whole search is redone at each step. */
const SMALL_SYSTEM: i32 = 32;

export class Scheduler {
  model: Model;
  taskCount: i32;
  status: Array<i32>;
  offers: Array<Array<Offer>>;
  sites: Array<Offer> = new Array<Offer>();
  vectors: Array<Array<Array<i32>>> = new Array<Array<Array<i32>>>();
  gateLabel: Array<string> = new Array<string>();
  gateVisible: Array<bool> = new Array<bool>();
  steps: i32 = 0;
  printing: bool = true;
  /** The gate (-1: `i`) and the participants of the last action, for tests and traces. */
  lastGate: i32 = -2;
  lastParts: Array<Offer> = new Array<Offer>();
  /** The values of the last action. */
  lastVals: Array<Uint8Array> = new Array<Uint8Array>();
  /**
   * The environment (hooks) as one more task, party of every vector of the hooked gates;
   * its offers come from the host. -1: no environment (the hook-less run).
   */
  envTask: i32 = -1;
  /** The environment's offer in the last action, -1 if it took no part. */
  lastEnv: i32 = -1;

  // search state
  private count: i32 = 0;
  private parts: Array<Offer> = new Array<Offer>();
  private vals: Array<Uint8Array> = new Array<Uint8Array>();
  private free: Array<i32> = new Array<i32>();
  private bestGate: i32 = -1;
  private bestParts: Array<Offer> = new Array<Offer>();
  private bestVals: Array<Uint8Array> = new Array<Uint8Array>();
  private empty: Uint8Array = new Uint8Array(0);
  private spareParts: Array<Offer> = new Array<Offer>();
  private prepared: bool = false;
  private selecting: bool = false;
  private target: i32 = 0;
  private slotGate: Array<i32> = new Array<i32>();
  private slotVec: Array<Array<i32>> = new Array<Array<i32>>();
  private slotCount: Array<i32> = new Array<i32>();
  private dirty: Array<bool> = new Array<bool>();
  private taskSlots: Array<Array<i32>> = new Array<Array<i32>>();
  private slotParts: Array<Array<Offer>> = new Array<Array<Offer>>();
  private slotVals: Array<Array<Uint8Array>> = new Array<Array<Uint8Array>>();
  private slot: i32 = 0;
  private reservoir: bool = false;
  private incremental: bool = false;
  private ownedBufs: Array<Uint8Array | null> = new Array<Uint8Array | null>();
  private spareVals: Array<Uint8Array> = new Array<Uint8Array>();

  constructor(model: Model, taskCount: i32) {
    this.model = model;
    this.taskCount = taskCount;
    this.status = new Array<i32>(taskCount);
    this.offers = new Array<Array<Offer>>(taskCount);
    for (let t = 0; t < taskCount; t++) this.offers[t] = new Array<Offer>();
  }

  /** Adds the environment as a task; before the first search. */
  envEnable(): void {
    this.envTask = this.taskCount;
    this.status.push(OFFERING);
    this.offers.push(new Array<Offer>());
  }
  /** Makes the environment a party of every vector of gate g. */
  envHook(g: i32): void {
    const vs = this.vectors[g];
    for (let v = 0; v < vs.length; v++) vs[v].push(this.envTask);
  }
  envClear(): void {
    this.offers[this.envTask].length = 0;
    this.touch(this.envTask);
  }
  envOffer(gate: i32, id: i32, types: Array<i32>, guard: bool): Offer {
    const o = new Offer(id, this.envTask, gate, types, guard);
    o.fallback = new Array<Uint8Array | null>(types.length);
    this.offers[this.envTask].push(o);
    return o;
  }
  /** Value p of the candidate being examined (during `hostEnvAccept`). */
  currentValue(p: i32): Uint8Array {
    return this.vals[p];
  }
  currentCount(): i32 {
    return this.vals.length;
  }

  addGate(label: string, visible: bool, vectors: Array<Array<i32>>): void {
    this.gateLabel.push(label);
    this.gateVisible.push(visible);
    this.vectors.push(vectors);
  }

  addSite(task: i32, gate: i32, types: Array<i32>, guard: bool): void {
    this.sites.push(new Offer(this.sites.length, task, gate, types, guard));
  }

  // ---- called by the generated task code
  begin(task: i32): void {
    this.offers[task].length = 0;
    this.status[task] = OFFERING;
    this.touch(task);
  }
  offer(site: i32): Offer {
    const o = this.sites[site];
    this.offers[o.task].push(o);
    return o;
  }
  offerSaved(site: i32, saved: Snapshot): Offer {
    const s = this.sites[site];
    const o = new Offer(site, s.task, s.gate, s.types, s.guard);
    o.saved = saved;
    this.offers[o.task].push(o);
    return o;
  }
  terminate(task: i32): void {
    this.offers[task].length = 0;
    this.status[task] = TERMINATED;
    this.touch(task);
  }
  stop(task: i32): void {
    this.offers[task].length = 0;
    this.status[task] = STOPPED;
    this.touch(task);
  }

  // ---- the search
  private candidate(gate: i32): void {
    this.count++;
    if (this.reservoir) {
      if (keep(this.count)) this.copyBest(gate);
      return;
    }
    if (!this.selecting) {
      // the first candidate of a slot is kept: most slots have one, and then drawing it needs no second enumeration
      if (this.count == 1) {
        const cp = this.slotParts[this.slot];
        const n = this.parts.length;
        cp.length = n;
        for (let i = 0; i < n; i++) cp[i] = this.parts[i];
        const cv = this.slotVals[this.slot];
        const m = this.vals.length;
        cv.length = m;
        for (let i = 0; i < m; i++) cv[i] = this.vals[i];
      }
      return;
    }
    if (this.count - 1 == this.target) this.copyBest(gate);
  }

  private copyBest(gate: i32): void {
    // copied into arrays owned by the scheduler: no allocation per candidate
    this.bestGate = gate;
    const n = this.parts.length;
    this.bestParts.length = n;
    for (let i = 0; i < n; i++) this.bestParts[i] = this.parts[i];
    const m = this.vals.length;
    this.bestVals.length = m;
    for (let i = 0; i < m; i++) this.bestVals[i] = this.vals[i];
  }

  private guardsHold(): bool {
    for (let j = 0; j < this.parts.length; j++) {
      const o = this.parts[j];
      if (o.guard && (o.task == this.envTask ? !hostEnvAccept(o.site) : !this.model.accept(o, this.vals))) return false;
    }
    return true;
  }

  private fill(gate: i32, k: i32, types: Array<i32>): void {
    if (k == this.free.length) {
      if (this.guardsHold()) this.candidate(gate);
      return;
    }
    const p = this.free[k];
    const n = this.model.card(types[p]);
    if (n < 0) {
      // on a hooked gate the value is the environment's to give: without it, no action
      if (this.envTask >= 0) for (let j = 0; j < this.parts.length; j++) if (this.parts[j].task == this.envTask) return;
      hostNegotiation(this.parts[0].site, p);
      unreachable();
    }
    for (let i = 0; i < n; i++) {
      this.vals[p] = this.model.valueAt(types[p], i);
      this.fill(gate, k + 1, types);
    }
  }

  private negotiate(gate: i32): void {
    const first = this.parts[0];
    const arity = first.types.length;
    this.vals.length = arity;
    this.free.length = 0;
    for (let p = 0; p < arity; p++) {
      let v: Uint8Array | null = null;
      for (let j = 0; j < this.parts.length; j++) {
        const e = this.parts[j].emit[p];
        if (e === null) continue;
        if (v === null) v = e;
        else if (!bytesEq(v, e)) return;
      }
      if (v === null && this.envTask >= 0) {
        for (let j = 0; j < this.parts.length; j++) {
          const fb = this.parts[j].fallback;
          if (fb !== null && fb[p] !== null) v = fb[p];
        }
      }
      if (v === null) {
        this.free.push(p);
        this.vals[p] = this.empty;
      } else this.vals[p] = v;
    }
    this.fill(gate, 0, first.types);
  }

  private combine(gate: i32, vec: Array<i32>, j: i32): void {
    if (j == vec.length) {
      this.negotiate(gate);
      return;
    }
    const list = this.offers[vec[j]];
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      if (o.gate != gate) continue;
      if (j > 0 && !sameTypes(o.types, this.parts[0].types)) continue;
      this.parts[j] = o;
      this.combine(gate, vec, j + 1);
    }
  }

  /**
   * The search is split in slots: one per task for its internal steps, one per (gate,
   * vector). A slot's number of candidate actions changes only when one of its tasks
   * changes its offers, so after an action only the slots of its participants are
   * counted again; the action is then drawn uniformly among all candidates and found
   * by enumerating its slot once more.
   */
  private prepare(): void {
    this.prepared = true;
    for (let t = 0; t < this.taskCount; t++) {
      this.taskSlots.push(new Array<i32>());
      this.addSlot(-1, [t]);
    }
    if (this.envTask >= 0) this.taskSlots.push(new Array<i32>());
    for (let g = 0; g < this.vectors.length; g++) {
      const vs = this.vectors[g];
      for (let v = 0; v < vs.length; v++) this.addSlot(g, vs[v]);
    }
    this.incremental = this.slotGate.length > SMALL_SYSTEM;
  }

  private addSlot(gate: i32, vec: Array<i32>): void {
    const s = this.slotGate.length;
    this.slotGate.push(gate);
    this.slotVec.push(vec);
    this.slotCount.push(0);
    this.dirty.push(true);
    this.slotParts.push(new Array<Offer>());
    this.slotVals.push(new Array<Uint8Array>());
    for (let j = 0; j < vec.length; j++) this.taskSlots[vec[j]].push(s);
  }

  private touch(task: i32): void {
    if (!this.incremental) return;
    const ss = this.taskSlots[task];
    for (let i = 0; i < ss.length; i++) this.dirty[ss[i]] = true;
  }

  /** Enumerates the candidates of slot s (counting them, and copying the `target`-th when selecting). */
  private enumerate(s: i32): void {
    const gate = this.slotGate[s];
    const vec = this.slotVec[s];
    if (gate < 0) {
      const t = vec[0];
      if (this.status[t] != OFFERING) return;
      const list = this.offers[t];
      for (let i = 0; i < list.length; i++) {
        const o = list[i];
        if (o.gate != -1) continue;
        this.parts.length = 1;
        this.parts[0] = o;
        this.vals.length = 0;
        this.candidate(-1);
      }
      return;
    }
    for (let j = 0; j < vec.length; j++) if (this.status[vec[j]] != OFFERING || this.offers[vec[j]].length == 0) return;
    this.parts.length = vec.length;
    this.combine(gate, vec, 0);
  }

  /**
   * Small systems (most models) are searched whole at each step, with reservoir sampling:
   * for them that is cheaper than the bookkeeping of slots (measured: 3.3 against 2.3 M
   * rendezvous/s on pingpong).
   */
  private searchAll(): i32 {
    this.count = 0;
    this.reservoir = true;
    for (let s = 0; s < this.slotGate.length; s++) this.enumerate(s);
    this.reservoir = false;
    return this.count;
  }

  /** Draws one candidate action into best*. Returns the number of candidates (0: none). */
  private search(): i32 {
    if (!this.prepared) this.prepare();
    if (!this.incremental) return this.searchAll();
    let total = 0;
    const n = this.slotGate.length;
    for (let s = 0; s < n; s++) {
      if (this.dirty[s]) {
        this.count = 0;
        this.selecting = false;
        this.slot = s;
        this.enumerate(s);
        this.slotCount[s] = this.count;
        this.dirty[s] = false;
      }
      total += this.slotCount[s];
    }
    if (total == 0) return 0;
    let r = <i32>(rand() * <f64>total);
    if (r >= total) r = total - 1;
    for (let s = 0; s < n; s++) {
      const c = this.slotCount[s];
      if (r < c) {
        if (c == 1) {
          this.bestGate = this.slotGate[s];
          const cp = this.slotParts[s];
          this.bestParts.length = cp.length;
          for (let i = 0; i < cp.length; i++) this.bestParts[i] = cp[i];
          const cv = this.slotVals[s];
          this.bestVals.length = cv.length;
          for (let i = 0; i < cv.length; i++) this.bestVals[i] = cv[i];
          return total;
        }
        this.count = 0;
        this.selecting = true;
        this.target = r;
        this.enumerate(s);
        this.selecting = false;
        return total;
      }
      r -= c;
    }
    return total;
  }

  private mayExit(t: i32): bool {
    if (this.status[t] != OFFERING) return false;
    const list = this.offers[t];
    for (let i = 0; i < list.length; i++) if (list[i].gate == -2) return true;
    return false;
  }

  /**
   * Runs up to `max` actions. Returns 0 when `max` were done, 1 on termination, 2 on
   * deadlock, 3 right after an action the environment took part in (its offers change).
   */
  run(max: i32): i32 {
    for (let n = 0; n < max; n++) {
      if (this.search() == 0) {
        // the run has terminated when every task has, or may terminate by choice (an exit offer)
        for (let t = 0; t < this.taskCount; t++) if (this.status[t] != TERMINATED && !this.mayExit(t)) return 2;
        return 1;
      }
      const gate = this.bestGate;
      // firing may start a new search (never today, but keep the chosen action stable)
      const parts = this.bestParts;
      const vals = this.bestVals;
      this.bestParts = this.spareParts;
      this.bestVals = this.spareVals;
      this.spareParts = parts;
      this.spareVals = vals;
      if (this.printing) {
        if (gate < 0 || !this.gateVisible[gate]) hostAction("i");
        else {
          let s = this.gateLabel[gate];
          const types = parts[0].types;
          for (let p = 0; p < vals.length; p++) s += " !" + this.model.print(types[p], vals[p]);
          hostAction(s);
        }
      }
      // Emitters reuse their offers' buffers when they offer again, which happens while
      // the parties fire one by one: the values are copied into buffers of our own first.
      for (let p = 0; p < vals.length; p++) {
        const v = vals[p];
        let b = p < this.ownedBufs.length ? this.ownedBufs[p] : null;
        if (b === null || b.length != v.length) {
          b = new Uint8Array(v.length);
          if (p < this.ownedBufs.length) this.ownedBufs[p] = b;
          else this.ownedBufs.push(b);
        }
        const bb = b!;
        for (let i = 0; i < v.length; i++) bb[i] = v[i];
        vals[p] = bb;
      }
      this.steps++;
      this.lastGate = gate;
      this.lastParts.length = parts.length;
      for (let j = 0; j < parts.length; j++) this.lastParts[j] = parts[j];
      this.lastVals = vals;
      this.lastEnv = -1;
      for (let j = 0; j < parts.length; j++) {
        const o = parts[j];
        if (o.task == this.envTask) this.lastEnv = o.site;
        else this.model.fire(o, vals);
      }
      if (this.lastEnv >= 0) return 3;
    }
    return 0;
  }
}

function sameTypes(a: Array<i32>, b: Array<i32>): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
