// The protocol's wire format: a compact binary codec for the six messages, shared by
// the task side and the manager side. Portable AssemblyScript: compiled by asc into the
// model's Wasm and by tsc for the simulator, with identical bytes either way.
/// <reference path="./portable.d.ts" />

export const MSG_READY: u8 = 1;
export const MSG_LOCK: u8 = 2;
export const MSG_COMMIT: u8 = 3;
export const MSG_DONE: u8 = 4;
export const MSG_ABORT: u8 = 5;
export const MSG_RELEASE: u8 = 6;

/**
 * Growable byte buffer; integers are LEB128 of their 32 bits taken as unsigned, so step
 * and proposal numbers that wrapped past 2^31 travel as they are (1 to 5 bytes).
 */
export class Writer {
  buf: Uint8Array = new Uint8Array(64);
  len: i32 = 0;

  private room(n: i32): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap = cap * 2;
    const next = new Uint8Array(cap);
    for (let i = 0; i < this.len; i++) next[i] = this.buf[i];
    this.buf = next;
  }

  byte(v: i32): void {
    this.room(1);
    this.buf[this.len] = <u8>(v & 0xff);
    this.len++;
  }

  uint(v: i32): void {
    let x = v;
    // `>>>` is a logical shift in both builds, so negative values end after 5 bytes.
    while ((x & ~0x7f) != 0) {
      this.byte((x & 0x7f) | 0x80);
      x = x >>> 7;
    }
    this.byte(x);
  }

  bool(v: bool): void {
    this.byte(v ? 1 : 0);
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.len + i] = b[i];
    this.len += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class Reader {
  buf: Uint8Array;
  pos: i32 = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  byte(): i32 {
    if (this.pos >= this.buf.length) throw new Error("codec: truncated message");
    const v = <i32>this.buf[this.pos];
    this.pos++;
    return v;
  }

  uint(): i32 {
    let v = 0;
    let shift = 0;
    while (true) {
      const b = this.byte();
      v = v | ((b & 0x7f) << shift);
      if ((b & 0x80) == 0) break;
      shift += 7;
      if (shift > 28) throw new Error("codec: integer too long");
    }
    return v;
  }

  bool(): bool {
    return this.byte() != 0;
  }

  bytes(): Uint8Array {
    const n = this.uint();
    if (this.pos + n > this.buf.length) throw new Error("codec: truncated bytes");
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/**
 * Step and proposal numbers are 32-bit counters that wrap (a task doing a million steps a
 * second passes 2^31 in 36 minutes). They are compared as serial numbers: `a` is newer than
 * `b` when a - b, wrapped to 32 bits, is positive. Both builds wrap the same way via `| 0`.
 */
export function newer(a: i32, b: i32): bool {
  return ((a - b) | 0) > 0;
}

export function successor(a: i32): i32 {
  return (a + 1) | 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

/** The empty byte string, shared (a Uint8Array of length 0 has nothing anyone could change). */
export const NO_BYTES: Uint8Array = new Uint8Array(0);

/**
 * One position of an offer: an emitted value (`!e`, encoded), or a reception (`?x`) of a
 * type. A reception may carry a fallback: the value it supplies when no party emits one
 * (the environment's `supply` hook); it is not an emission, so an emitter wins over it.
 */
export class Position {
  emit: bool;
  value: Uint8Array;
  type: i32;
  fallback: Uint8Array | null = null;

  constructor(emit: bool, value: Uint8Array, type: i32) {
    this.emit = emit;
    this.value = value;
    this.type = type;
  }

  static emitted(value: Uint8Array, type: i32 = 0): Position {
    return new Position(true, value, type);
  }

  static received(type: i32): Position {
    return new Position(false, NO_BYTES, type);
  }

  static supplied(type: i32, fallback: Uint8Array): Position {
    const p = new Position(false, NO_BYTES, type);
    p.fallback = fallback;
    return p;
  }
}

/**
 * One offer of a task at its current step: a gate, its positions, and the guard that the
 * oracle evaluates (guard 0 = none) on the data the guard captured from the task's variables.
 * `index` names the offer within the step so that a commit tells the task which branch won.
 */
export class Offer {
  index: i32;
  gate: i32;
  guard: i32;
  captured: Uint8Array;
  positions: Array<Position>;
  /** Where the offer is in the model's code (-1: unknown), for the messages that name it. */
  site: i32 = -1;

  constructor(index: i32, gate: i32, guard: i32, captured: Uint8Array, positions: Array<Position>) {
    this.index = index;
    this.gate = gate;
    this.guard = guard;
    this.captured = captured;
    this.positions = positions;
  }
}

export function writeOffer(w: Writer, o: Offer): void {
  w.uint(o.index);
  w.uint(o.gate);
  w.uint(o.guard);
  w.uint(o.site + 1);
  w.bytes(o.captured);
  w.uint(o.positions.length);
  for (let i = 0; i < o.positions.length; i++) {
    const p = o.positions[i];
    const fb = p.fallback;
    // kind: 0 reception, 1 emission, 2 reception with a fallback value
    w.byte(p.emit ? 1 : fb !== null ? 2 : 0);
    w.uint(p.type);
    if (p.emit) w.bytes(p.value);
    else if (fb !== null) w.bytes(fb);
  }
}

export function readOffer(r: Reader): Offer {
  const index = r.uint();
  const gate = r.uint();
  const guard = r.uint();
  const site = r.uint() - 1;
  const captured = r.bytes();
  const n = r.uint();
  const positions = new Array<Position>();
  for (let i = 0; i < n; i++) {
    const kind = r.byte();
    const type = r.uint();
    if (kind == 1) positions.push(Position.emitted(r.bytes(), type));
    else if (kind == 2) positions.push(Position.supplied(type, r.bytes()));
    else if (kind == 0) positions.push(Position.received(type));
    else throw new Error("codec: unknown position kind");
  }
  const o = new Offer(index, gate, guard, captured, positions);
  o.site = site;
  return o;
}

/**
 * A decoded protocol message. Components of one node hand each other these objects (no
 * encoding); a message is encoded only when it leaves the node. Messages are never
 * changed after they are built, so sender and receiver may share one.
 */
export abstract class Message {
  kind: u8;
  /** Where it goes, set when it is sent (each message object is sent once): a manager or a task. */
  toManager: bool = false;
  to: i32 = -1;
  private encoded: Uint8Array | null = null;

  constructor(kind: u8) {
    this.kind = kind;
  }

  abstract encode(): Uint8Array;

  /** Forgets the encoding, for a host that reuses the object for a new message. */
  changed(): void {
    this.encoded = null;
  }

  /** The encoding, made once (for a message that leaves the node). */
  get bytes(): Uint8Array {
    let b = this.encoded;
    if (b === null) {
      b = this.encode();
      this.encoded = b;
    }
    return b;
  }
}

/**
 * READY task -> manager: the task's offers on this manager's gates at `step`. It also
 * carries the task's refusals of this manager's locks that came while the task was
 * firing or queued behind the lock that won: they cost no message of their own.
 */
export class Ready extends Message {
  task: i32;
  step: i32;
  /** All of the task's offers at this step go to this manager: it may commit without a lock. */
  exclusive: bool;
  offers: Array<Offer>;
  refusals: Array<NegRef>;

  constructor(task: i32, step: i32, exclusive: bool, offers: Array<Offer>, refusals: Array<NegRef>) {
    super(MSG_READY);
    this.task = task;
    this.step = step;
    this.exclusive = exclusive;
    this.offers = offers;
    this.refusals = refusals;
  }

  encode(): Uint8Array {
    const w = new Writer();
    w.byte(MSG_READY);
    w.uint(this.task);
    w.uint(this.step);
    w.bool(this.exclusive);
    w.uint(this.offers.length);
    for (let i = 0; i < this.offers.length; i++) writeOffer(w, this.offers[i]);
    w.uint(this.refusals.length);
    for (let i = 0; i < this.refusals.length; i++) {
      const a = this.refusals[i];
      w.uint(a.neg);
      w.uint(a.step);
      w.uint(a.pos);
    }
    return w.finish();
  }

  static decode(r: Reader): Ready {
    const task = r.uint();
    const step = r.uint();
    const exclusive = r.bool();
    const n = r.uint();
    const offers = new Array<Offer>();
    for (let i = 0; i < n; i++) offers.push(readOffer(r));
    const manager = -1; // filled in by the receiving manager, which knows its own id
    const nr = r.uint();
    const refusals = new Array<NegRef>();
    for (let i = 0; i < nr; i++) {
      const neg = r.uint();
      const rstep = r.uint();
      const pos = r.uint();
      refusals.push(new NegRef(MSG_ABORT, manager, neg, task, rstep, pos));
    }
    return new Ready(task, step, exclusive, offers, refusals);
  }
}

/** A participant of a proposed action: which task, at which step, with which offer. */
export class Participant {
  task: i32;
  step: i32;
  offer: i32;
  /** The task offers on several managers (or may move by itself): it must grant a lock. */
  shared: bool;

  constructor(task: i32, step: i32, offer: i32, shared: bool) {
    this.task = task;
    this.step = step;
    this.offer = offer;
    this.shared = shared;
  }
}

/**
 * A proposed action, as carried by LOCK: the manager and its negotiation number, the gate,
 * the agreed values, and the participants sorted by task id. The shared participants, in
 * that order, form the lock path; `pos` is the index in the path of the LOCK's recipient.
 */
export class Proposal extends Message {
  manager: i32;
  neg: i32;
  gate: i32;
  values: Array<Uint8Array>;
  participants: Array<Participant>;
  pos: i32;

  constructor(manager: i32, neg: i32, gate: i32, values: Array<Uint8Array>, participants: Array<Participant>, pos: i32) {
    super(MSG_LOCK);
    this.manager = manager;
    this.neg = neg;
    this.gate = gate;
    this.values = values;
    this.participants = participants;
    this.pos = pos;
  }

  /** The tasks of the lock path, in increasing task id. */
  path(): Array<i32> {
    const p = new Array<i32>();
    for (let i = 0; i < this.participants.length; i++) {
      if (this.participants[i].shared) p.push(this.participants[i].task);
    }
    return p;
  }

  find(task: i32): Participant | null {
    for (let i = 0; i < this.participants.length; i++) {
      if (this.participants[i].task == task) return this.participants[i];
    }
    return null;
  }

  encode(): Uint8Array {
    const w = new Writer();
    w.byte(MSG_LOCK);
    w.uint(this.manager);
    w.uint(this.neg);
    w.uint(this.gate);
    writeValues(w, this.values);
    w.uint(this.participants.length);
    for (let i = 0; i < this.participants.length; i++) {
      const p = this.participants[i];
      w.uint(p.task);
      w.uint(p.step);
      w.uint(p.offer);
      w.bool(p.shared);
    }
    w.uint(this.pos);
    return w.finish();
  }

  static decode(r: Reader): Proposal {
    const manager = r.uint();
    const neg = r.uint();
    const gate = r.uint();
    const values = readValues(r);
    const n = r.uint();
    const ps = new Array<Participant>();
    for (let i = 0; i < n; i++) {
      const task = r.uint();
      const step = r.uint();
      const offer = r.uint();
      const shared = r.bool();
      ps.push(new Participant(task, step, offer, shared));
    }
    const pos = r.uint();
    return new Proposal(manager, neg, gate, values, ps, pos);
  }

  withPos(pos: i32): Proposal {
    return new Proposal(this.manager, this.neg, this.gate, this.values, this.participants, pos);
  }
}

export function writeValues(w: Writer, values: Array<Uint8Array>): void {
  w.uint(values.length);
  for (let i = 0; i < values.length; i++) w.bytes(values[i]);
}

export function readValues(r: Reader): Array<Uint8Array> {
  const n = r.uint();
  const vs = new Array<Uint8Array>();
  for (let i = 0; i < n; i++) vs.push(r.bytes());
  return vs;
}

/** COMMIT -> a participant: its `offer` at `step` fires with `values`. */
export class Commit extends Message {
  manager: i32;
  neg: i32;
  step: i32;
  gate: i32;
  offer: i32;
  values: Array<Uint8Array>;

  constructor(manager: i32, neg: i32, step: i32, gate: i32, offer: i32, values: Array<Uint8Array>) {
    super(MSG_COMMIT);
    this.manager = manager;
    this.neg = neg;
    this.step = step;
    this.gate = gate;
    this.offer = offer;
    this.values = values;
  }

  encode(): Uint8Array {
    const w = new Writer();
    w.byte(MSG_COMMIT);
    w.uint(this.manager);
    w.uint(this.neg);
    w.uint(this.step);
    w.uint(this.gate);
    w.uint(this.offer);
    writeValues(w, this.values);
    return w.finish();
  }

  static decode(r: Reader): Commit {
    const manager = r.uint();
    const neg = r.uint();
    const step = r.uint();
    const gate = r.uint();
    const offer = r.uint();
    return new Commit(manager, neg, step, gate, offer, readValues(r));
  }
}

/**
 * DONE, ABORT and RELEASE carry only a negotiation reference: DONE (last of the path ->
 * manager: the action happened), ABORT (a task -> manager: it refuses, being at another
 * step than `step`; `pos` is its place in the path), RELEASE (manager -> a locked task).
 */
export class NegRef extends Message {
  manager: i32;
  neg: i32;
  task: i32;
  step: i32;
  pos: i32;

  constructor(kind: u8, manager: i32, neg: i32, task: i32, step: i32, pos: i32) {
    super(kind);
    this.manager = manager;
    this.neg = neg;
    this.task = task;
    this.step = step;
    this.pos = pos;
  }

  encode(): Uint8Array {
    const w = new Writer();
    w.byte(this.kind);
    w.uint(this.manager);
    w.uint(this.neg);
    w.uint(this.task);
    w.uint(this.step);
    w.uint(this.pos);
    return w.finish();
  }

  static decode(kind: u8, r: Reader): NegRef {
    const manager = r.uint();
    const neg = r.uint();
    const task = r.uint();
    const step = r.uint();
    const pos = r.uint();
    return new NegRef(kind, manager, neg, task, step, pos);
  }
}

/** The kind of an encoded message (its first byte). */
export function messageKind(bytes: Uint8Array): u8 {
  if (bytes.length == 0) throw new Error("codec: empty message");
  return bytes[0];
}

/** Decodes any protocol message; throws on bytes that are not one. */
export function decodeMessage(bytes: Uint8Array): Message {
  const kind = messageKind(bytes);
  const r = new Reader(bytes);
  r.byte();
  if (kind == MSG_READY) return Ready.decode(r);
  if (kind == MSG_LOCK) return Proposal.decode(r);
  if (kind == MSG_COMMIT) return Commit.decode(r);
  if (kind == MSG_DONE || kind == MSG_ABORT || kind == MSG_RELEASE) return NegRef.decode(kind, r);
  throw new Error("codec: unknown message kind");
}
