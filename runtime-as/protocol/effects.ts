// What one step of a protocol state machine produces: messages to send, rendezvous that
// happened (manager side), and the firing of the task's own offer (task side). The host
// carries the bytes and runs the task; the core never does I/O.
/// <reference path="./portable.d.ts" />

import { Message, Participant, Reader, Writer, decodeMessage, readValues, writeValues } from "./codec.js";

/**
 * A message with its destination: the message itself, since each one is sent once (see
 * Message.toManager / Message.to); `bytes` encodes it for the network.
 */
export type Envelope = Message;

/** The message, addressed. */
export function envelope(toManager: bool, to: i32, msg: Message): Message {
  msg.toManager = toManager;
  msg.to = to;
  return msg;
}

/** A committed rendezvous, reported by the manager that negotiated it. */
export class Action {
  manager: i32;
  neg: i32;
  gate: i32;
  values: Array<Uint8Array>;
  /** The type of each value (for printing the action). */
  types: Array<i32>;
  participants: Array<Participant>;

  constructor(manager: i32, neg: i32, gate: i32, values: Array<Uint8Array>, types: Array<i32>, participants: Array<Participant>) {
    this.manager = manager;
    this.neg = neg;
    this.gate = gate;
    this.values = values;
    this.types = types;
    this.participants = participants;
  }
}

/** The task's own move: offer `offer` (or its internal step, offer = -1) fired at `step`. */
export class Fired {
  step: i32;
  gate: i32;
  offer: i32;
  values: Array<Uint8Array>;

  constructor(step: i32, gate: i32, offer: i32, values: Array<Uint8Array>) {
    this.step = step;
    this.gate = gate;
    this.offer = offer;
    this.values = values;
  }
}

export class Effects {
  sends: Array<Message> = new Array<Message>();
  actions: Array<Action> = new Array<Action>();
  fired: Fired | null = null;

  /** Empties it for reuse (see TaskSide.recycle). */
  reset(): Effects {
    if (this.sends.length > 0) this.sends.length = 0;
    if (this.actions.length > 0) this.actions.length = 0;
    this.fired = null;
    return this;
  }

  toTask(task: i32, msg: Message): void {
    this.sends.push(envelope(false, task, msg));
  }

  toManager(manager: i32, msg: Message): void {
    this.sends.push(envelope(true, manager, msg));
  }
}

/**
 * Effects as bytes, so that a host (or a test comparing the Wasm and the JS builds) reads
 * the same thing from either build: sends, then actions, then the firing.
 */
export function encodeEffects(fx: Effects): Uint8Array {
  const w = new Writer();
  w.uint(fx.sends.length);
  for (let i = 0; i < fx.sends.length; i++) {
    const e = fx.sends[i];
    w.bool(e.toManager);
    w.uint(e.to);
    w.bytes(e.bytes);
  }
  w.uint(fx.actions.length);
  for (let i = 0; i < fx.actions.length; i++) {
    const a = fx.actions[i];
    w.uint(a.manager);
    w.uint(a.neg);
    w.uint(a.gate);
    writeValues(w, a.values);
    w.uint(a.types.length);
    for (let k = 0; k < a.types.length; k++) w.uint(a.types[k]);
    w.uint(a.participants.length);
    for (let k = 0; k < a.participants.length; k++) {
      const p = a.participants[k];
      w.uint(p.task);
      w.uint(p.step);
      w.uint(p.offer);
      w.bool(p.shared);
    }
  }
  const f = fx.fired;
  if (f === null) w.bool(false);
  else {
    w.bool(true);
    w.uint(f.step);
    // Internal steps have gate = offer = -1: shifted by one to stay unsigned on the wire.
    w.uint(f.gate + 1);
    w.uint(f.offer + 1);
    writeValues(w, f.values);
  }
  return w.finish();
}

export function decodeEffects(bytes: Uint8Array): Effects {
  const r = new Reader(bytes);
  const fx = new Effects();
  const ns = r.uint();
  for (let i = 0; i < ns; i++) {
    const toManager = r.bool();
    const to = r.uint();
    fx.sends.push(envelope(toManager, to, decodeMessage(r.bytes())));
  }
  const na = r.uint();
  for (let i = 0; i < na; i++) {
    const manager = r.uint();
    const neg = r.uint();
    const gate = r.uint();
    const values = readValues(r);
    const nt = r.uint();
    const types = new Array<i32>();
    for (let k = 0; k < nt; k++) types.push(r.uint());
    const np = r.uint();
    const ps = new Array<Participant>();
    for (let k = 0; k < np; k++) {
      const task = r.uint();
      const step = r.uint();
      const offer = r.uint();
      const shared = r.bool();
      ps.push(new Participant(task, step, offer, shared));
    }
    fx.actions.push(new Action(manager, neg, gate, values, types, ps));
  }
  if (r.bool()) {
    const step = r.uint();
    const gate = r.uint() - 1;
    const offer = r.uint() - 1;
    fx.fired = new Fired(step, gate, offer, readValues(r));
  }
  return fx;
}
