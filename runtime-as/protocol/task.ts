// The task side of the negotiation: one per task, beside the task's compiled code. It
// announces the task's offers (READY, numbered by the task's step), grants locks on that
// step in the order they come, forwards a granted lock along the path, commits when it is
// the last of the path, and tells the host which offer fired.
/// <reference path="./portable.d.ts" />

import {
  Commit, MSG_ABORT, MSG_COMMIT, MSG_DONE, MSG_LOCK, MSG_RELEASE, Message, NegRef, Offer, Proposal,
  Ready, Writer, decodeMessage, successor,
} from "./codec.js";
import { Effects, Fired } from "./effects.js";

/** Shared empty lists, never added to: most steps have no refusal to send, and a fired task no offers. */
const NO_REFUSALS: Array<NegRef> = new Array<NegRef>();
const NO_OFFERS: Array<Offer> = new Array<Offer>();

export class TaskSide {
  id: i32;
  /** gate -> the manager that owns it (static, from the compiled model). */
  gateManager: Array<i32>;
  /** Incremented each time the task reaches a new state; READY and LOCK carry it. */
  step: i32 = 0;
  /** False while the task is between states (after a firing, before its next offers). */
  offering: bool = false;
  offers: Array<Offer> = new Array<Offer>();
  internal: bool = false;
  /** The proposal that holds this task's lock, if any. */
  held: Proposal | null = null;
  /** Locks on the current step that came while the lock was held, in arrival order. */
  waiting: Array<Proposal> = new Array<Proposal>();
  /**
   * Refusals not yet sent: locks queued when the task fired, or that came while it was
   * between states. They ride on the next READY to their manager (or go alone then).
   */
  refusals: Array<NegRef> = new Array<NegRef>();
  /**
   * Whether each call returns the same Effects object, emptied: for a host that has taken
   * everything out of the previous one before its next call on this task (the node driver).
   */
  recycle: bool = false;
  private fx: Effects = new Effects();
  private firedScratch: Fired = new Fired(0, 0, 0, new Array<Uint8Array>());
  /**
   * The READY of the last step, reusable (recycle) when that step was exclusive and fired by
   * a COMMIT: its manager dropped it when it committed, nothing else holds it.
   */
  private lastReady: Ready | null = null;
  private readyFree: bool = false;
  private managersScratch: Array<i32> = new Array<i32>();

  constructor(id: i32, gateManager: Array<i32>) {
    this.id = id;
    this.gateManager = gateManager;
  }

  /**
   * The task reached a new state with these offers (and, if `internal`, a step it may take
   * alone); also to be called with no offers when the task ends or is stuck. Sends one
   * READY per manager concerned, exclusive when there is only one and no internal step,
   * for then that manager alone can move the task.
   */
  offer(offers: Array<Offer>, internal: bool): Effects {
    const fx = this.effects();
    if (this.offering) throw new Error("task: offer() while already offering");
    this.step = successor(this.step);
    this.offering = true;
    this.offers = offers;
    this.internal = internal;
    const managers = this.managersScratch;
    if (managers.length != 0) managers.length = 0;
    const gateManager = this.gateManager;
    const count = offers.length;
    for (let i = 0; i < count; i++) {
      const m = gateManager[offers[i].gate];
      const known = managers.length;
      // most tasks offer to one manager: compare with it before searching the list
      if (known == 0 || (known == 1 ? managers[0] != m : !managers.includes(m))) managers.push(m);
    }
    if (managers.length > 1) managers.sort((a: i32, b: i32): i32 => a - b);
    const exclusive = managers.length == 1 && !internal;
    for (let k = 0; k < managers.length; k++) {
      let mine = offers;
      if (managers.length > 1) {
        mine = new Array<Offer>();
        for (let i = 0; i < offers.length; i++) {
          if (this.gateManager[offers[i].gate] == managers[k]) mine.push(offers[i]);
        }
      }
      let refused = NO_REFUSALS;
      if (this.refusals.length > 0) {
        refused = new Array<NegRef>();
        const rest = new Array<NegRef>();
        for (let i = 0; i < this.refusals.length; i++) {
          if (this.refusals[i].manager == managers[k]) refused.push(this.refusals[i]);
          else rest.push(this.refusals[i]);
        }
        this.refusals = rest;
      }
      const spare = this.lastReady;
      let rd: Ready;
      if (this.recycle && this.readyFree && spare !== null && managers.length == 1) {
        rd = spare;
        rd.changed();
        rd.task = this.id;
        rd.step = this.step;
        rd.exclusive = exclusive;
        rd.offers = mine;
        rd.refusals = refused;
      } else rd = new Ready(this.id, this.step, exclusive, mine, refused);
      this.lastReady = rd;
      this.readyFree = false;
      fx.toManager(managers[k], rd);
    }
    this.flushInto(fx);
    return fx;
  }

  private effects(): Effects {
    return this.recycle ? this.fx.reset() : new Effects();
  }

  /**
   * Sends the pending refusals now. A host calls it when the task will not reach its next
   * state soon (a long computation), since the refused managers and the tasks locked
   * before this one on those paths wait for them.
   */
  flush(): Effects {
    const fx = this.effects();
    this.flushInto(fx);
    return fx;
  }

  private flushInto(fx: Effects): void {
    if (this.refusals.length == 0) return;
    for (let i = 0; i < this.refusals.length; i++) fx.toManager(this.refusals[i].manager, this.refusals[i]);
    this.refusals = new Array<NegRef>();
  }

  /** Whether the task may take its internal step now (it holds no lock). */
  canMoveAlone(): bool {
    return this.offering && this.internal && this.held === null;
  }

  /** The task takes its internal step; pending locks are refused. */
  moveAlone(): Effects {
    const fx = this.effects();
    if (!this.canMoveAlone()) throw new Error("task: internal step while locked or not offering");
    this.fire(fx, -1, -1, new Array<Uint8Array>());
    return fx;
  }

  receive(bytes: Uint8Array): Effects {
    return this.receiveMessage(decodeMessage(bytes));
  }

  /** A message from a component of the same node, not encoded. */
  receiveMessage(m: Message): Effects {
    const fx = this.effects();
    const kind = m.kind;
    if (kind == MSG_LOCK) this.onLock(fx, m as Proposal);
    else if (kind == MSG_COMMIT) this.onCommit(fx, m as Commit);
    else if (kind == MSG_RELEASE) this.onRelease(fx, m as NegRef);
    else throw new Error("task: unexpected message kind");
    return fx;
  }

  /**
   * The task changes its offers without moving (the environment of a hooked gate, whose
   * offers follow the outside world): a new step with the new offers. Allowed only when no
   * lock holds the task; the host must also know that no COMMIT for the current step is on
   * its way, which holds when the task's managers are on its node and their messages were
   * all delivered.
   */
  reoffer(offers: Array<Offer>): Effects {
    if (this.offering) {
      if (this.held !== null) throw new Error("task: reoffer while locked");
      this.offering = false;
    }
    return this.offer(offers, false);
  }

  private onLock(fx: Effects, p: Proposal): void {
    const me = p.find(this.id);
    if (me === null) throw new Error("task: lock for a proposal without this task");
    if (!this.offering) this.refusals.push(this.refusal(p, me.step));
    else if (me.step != this.step) fx.toManager(p.manager, this.refusal(p, me.step));
    else if (this.held !== null) this.waiting.push(p);
    else this.grant(fx, p);
  }

  private grant(fx: Effects, p: Proposal): void {
    this.held = p;
    const path = p.path();
    if (p.pos + 1 < path.length) {
      fx.toTask(path[p.pos + 1], p.withPos(p.pos + 1));
      return;
    }
    // Last of the path: every shared participant is locked on the proposal's step, and the
    // exclusive ones can only be moved by the manager that is waiting on this proposal.
    for (let i = 0; i < p.participants.length; i++) {
      const q = p.participants[i];
      if (q.task == this.id) continue;
      fx.toTask(q.task, new Commit(p.manager, p.neg, q.step, p.gate, q.offer, p.values));
    }
    fx.toManager(p.manager, new NegRef(MSG_DONE, p.manager, p.neg, this.id, this.step, p.pos));
    const me = p.find(this.id)!;
    this.fire(fx, p.gate, me.offer, p.values);
  }

  private refusal(p: Proposal, step: i32): NegRef {
    return new NegRef(MSG_ABORT, p.manager, p.neg, this.id, step, p.pos);
  }

  private onCommit(fx: Effects, c: Commit): void {
    const h = this.held;
    if (h !== null) {
      if (h.manager != c.manager || h.neg != c.neg) throw new Error("task: commit for another proposal than the held one");
    } else if (!this.offering || c.step != this.step) {
      throw new Error("task: commit for a step the task is not offering");
    }
    // an exclusive step's READY was dropped by the manager that commits it
    const rd = this.lastReady;
    this.readyFree = h === null && rd !== null && rd.exclusive && rd.step == this.step;
    this.fire(fx, c.gate, c.offer, c.values);
  }

  private onRelease(fx: Effects, n: NegRef): void {
    const h = this.held;
    if (h === null || h.manager != n.manager || h.neg != n.neg) throw new Error("task: release of a lock not held");
    this.held = null;
    while (this.held === null && this.waiting.length > 0) {
      this.grant(fx, this.waiting.shift()!);
    }
  }

  /** The task leaves its step: its queued locks will be refused, its other READYs go stale. */
  private fire(fx: Effects, gate: i32, offer: i32, values: Array<Uint8Array>): void {
    if (this.waiting.length > 0) {
      for (let i = 0; i < this.waiting.length; i++) {
        const p = this.waiting[i];
        this.refusals.push(this.refusal(p, p.find(this.id)!.step));
      }
      this.waiting = new Array<Proposal>();
    }
    this.held = null;
    this.offering = false;
    this.offers = NO_OFFERS;
    if (this.recycle) {
      const f = this.firedScratch;
      f.step = this.step;
      f.gate = gate;
      f.offer = offer;
      f.values = values;
      fx.fired = f;
    } else fx.fired = new Fired(this.step, gate, offer, values);
  }

  /** Canonical bytes of the state, for the explorer's state hashing. */
  fingerprint(w: Writer): void {
    w.uint(this.step);
    w.bool(this.offering);
    const h = this.held;
    if (h === null) w.bool(false);
    else {
      w.bool(true);
      w.uint(h.manager);
      w.uint(h.neg);
    }
    w.uint(this.waiting.length);
    for (let i = 0; i < this.waiting.length; i++) {
      w.uint(this.waiting[i].manager);
      w.uint(this.waiting[i].neg);
    }
    w.uint(this.refusals.length);
    for (let i = 0; i < this.refusals.length; i++) {
      w.uint(this.refusals[i].manager);
      w.uint(this.refusals[i].neg);
    }
  }
}
