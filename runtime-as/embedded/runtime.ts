// The model's runtime, compiled into every model's Wasm beside the generated code: the
// value codec (offers travel as canonical bytes, so equal values are equal bytes), checked
// arithmetic that reports LNT run-time errors to the host by id, printing, the seeded
// PRNG, and the table of the tasks' current offers that the generated code fills. The
// negotiation itself is the protocol's (runtime-as/protocol), driven by runtime-as/node.

// ---------------------------------------------------------------------------
// Host interface

/** A run-time error of the model: `id` indexes the manifest's error table; `value` is the offending value, if any. */
@external("lntc", "error") declare function hostError(id: i32, value: i64): void;
/** The same, with the offending value printed (a `case` that matches nothing, a missing field). */
@external("lntc", "errorText") declare function hostErrorText(id: i32, value: string): void;

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
// Tasks and their offers

export const OFFERING: i32 = 0;
export const TERMINATED: i32 = 1;
export const STOPPED: i32 = 2;
/** The gate of an internal step (`i`). */
export const GATE_INTERNAL: i32 = -1;
/** The gate of an offer to terminate (the task may end here). */
export const GATE_EXIT: i32 = -2;

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
  /** Run-time gate; GATE_INTERNAL for `i`, GATE_EXIT for a possible termination. */
  gate: i32;
  types: Array<i32>;
  /** Per position the emitted value's bytes, or null for a reception. */
  emit: Array<Uint8Array | null>;
  /** Whether the generated `accept` must be asked (patterns beyond a variable, or a `where`). */
  guard: bool;
  constructor(site: i32, task: i32, gate: i32, types: Array<i32>, guard: bool) {
    this.site = site;
    this.task = task;
    this.gate = gate;
    this.types = types;
    this.guard = guard;
    this.emit = new Array<Uint8Array | null>(types.length);
  }
}

/** What the generated code provides to the driver. */
export abstract class Model {
  /** Runs the task's code from its start to its first stable state. */
  abstract start(task: i32): void;
  /** The offer's patterns and guard on the values, with the task's variables as they are (or as the offer saved them). */
  abstract accept(o: Offer, values: Array<Uint8Array>): bool;
  /** The same for an offer made on another node, on the task's variables it captured. */
  abstract acceptCaptured(task: i32, site: i32, captured: Uint8Array, values: Array<Uint8Array>): bool;
  /** The task's variables as the offer sees them, encoded (the captured data of a READY that leaves the node). */
  abstract capture(o: Offer): Uint8Array;
  /** Binds the offer's receptions to the values and runs the task to its next stable state. */
  abstract fire(o: Offer, values: Array<Uint8Array>): void;
  abstract card(type: i32): i32;
  abstract valueAt(type: i32, i: i32): Uint8Array;
  abstract print(type: i32, v: Uint8Array): string;
}

/** The static tables of the model (gates, sites) and each task's status and current offers. */
export class Tasks {
  model: Model;
  taskCount: i32;
  status: Array<i32>;
  offers: Array<Array<Offer>>;
  sites: Array<Offer> = new Array<Offer>();
  vectors: Array<Array<Array<i32>>> = new Array<Array<Array<i32>>>();
  gateLabel: Array<string> = new Array<string>();
  gateVisible: Array<bool> = new Array<bool>();

  constructor(model: Model, taskCount: i32) {
    this.model = model;
    this.taskCount = taskCount;
    this.status = new Array<i32>(taskCount);
    this.offers = new Array<Array<Offer>>(taskCount);
    for (let t = 0; t < taskCount; t++) this.offers[t] = new Array<Offer>();
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
    const list = this.offers[task];
    if (list.length != 0) list.length = 0;
    this.status[task] = OFFERING;
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
  }
  stop(task: i32): void {
    this.offers[task].length = 0;
    this.status[task] = STOPPED;
  }
}
