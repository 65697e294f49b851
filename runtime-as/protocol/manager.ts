// The manager (gate side) of the negotiation: owns some gates, keeps the latest READY of
// every task that offers on them, finds a rendezvous among those offers that the gate's
// synchronization vectors allow and whose values every party accepts, and commits it:
// at once when every participant is exclusive to this manager, otherwise by sending the
// proposal down the lock path of the shared participants. Several proposals may be in
// flight at once if they share no task.
/// <reference path="./portable.d.ts" />

import {
  Commit, MSG_ABORT, MSG_DONE, MSG_READY, MSG_RELEASE, NegRef, Offer, Participant, Proposal,
  Reader, Ready, Writer, bytesEqual, messageKind, newer, successor,
} from "./codec.js";
import { Action, Effects } from "./effects.js";
import { Oracle } from "./oracle.js";

/** The gates of one manager and, per gate, its synchronization vectors (sorted task ids). */
export class ManagerConfig {
  id: i32;
  taskCount: i32;
  gates: Array<i32>;
  vectors: Array<Array<Array<i32>>>;

  constructor(id: i32, taskCount: i32, gates: Array<i32>, vectors: Array<Array<Array<i32>>>) {
    this.id = id;
    this.taskCount = taskCount;
    this.gates = gates;
    this.vectors = vectors;
  }
}

class Found {
  gate: i32;
  values: Array<Uint8Array>;
  participants: Array<Participant>;

  constructor(gate: i32, values: Array<Uint8Array>, participants: Array<Participant>) {
    this.gate = gate;
    this.values = values;
    this.participants = participants;
  }
}

export class ManagerSide {
  config: ManagerConfig;
  oracle: Oracle;
  /** task -> its latest READY here (stale ones are dropped when a lock is refused). */
  ready: Array<Ready | null> = new Array<Ready | null>();
  /** The proposals in flight on their lock paths (pairwise disjoint in tasks). */
  pending: Array<Proposal> = new Array<Proposal>();
  nextNeg: i32 = 1;
  /** Where the next search starts among (gate, vector) pairs, so no vector starves another. */
  cursor: i32 = 0;
  /** Rendezvous found but given up because a participant had moved on (for statistics). */
  aborted: i32 = 0;
  /** The (gate, vector) pairs, numbered gate by gate: pairGate[k], pairVector[k]. */
  pairGate: Array<i32> = new Array<i32>();
  pairVector: Array<i32> = new Array<i32>();
  /** task -> the pairs whose vector contains it, increasing. */
  pairsOf: Array<Array<i32>> = new Array<Array<i32>>();
  /**
   * Tasks whose READY changed or who left a proposal since the last search came up empty.
   * Only vectors containing one of them can have become possible, so only those are searched:
   * `G # m` among n has C(n, m) vectors, a task is in C(n-1, m-1) of them.
   */
  dirty: Array<bool> = new Array<bool>();
  /**
   * task -> the newest step heard of (READY, firing or refusal), once `heard`: a READY
   * delayed past a newer one, or past its own step's firing, is ignored.
   */
  latest: Array<i32> = new Array<i32>();
  heard: Array<bool> = new Array<bool>();

  constructor(config: ManagerConfig, oracle: Oracle) {
    this.config = config;
    this.oracle = oracle;
    for (let t = 0; t < config.taskCount; t++) {
      this.ready.push(null);
      this.pairsOf.push(new Array<i32>());
      this.dirty.push(false);
      this.latest.push(0);
      this.heard.push(false);
    }
    for (let g = 0; g < config.gates.length; g++) {
      for (let v = 0; v < config.vectors[g].length; v++) {
        const k = this.pairGate.length;
        this.pairGate.push(g);
        this.pairVector.push(v);
        const vec = config.vectors[g][v];
        for (let i = 0; i < vec.length; i++) this.pairsOf[vec[i]].push(k);
      }
    }
  }

  /** Records that `task` reached `step`; false if that is not newer than what was heard. */
  private hear(task: i32, step: i32): bool {
    if (this.heard[task] && !newer(step, this.latest[task])) return false;
    this.heard[task] = true;
    this.latest[task] = step;
    return true;
  }

  private touch(ps: Array<Participant>): void {
    for (let i = 0; i < ps.length; i++) this.dirty[ps[i].task] = true;
  }

  receive(bytes: Uint8Array): Effects {
    const fx = new Effects();
    const kind = messageKind(bytes);
    const r = new Reader(bytes);
    r.byte();
    if (kind == MSG_READY) {
      const rd = Ready.decode(r);
      for (let i = 0; i < rd.refusals.length; i++) this.onAbort(fx, rd.refusals[i]);
      if (this.hear(rd.task, rd.step)) {
        this.ready[rd.task] = rd;
        this.dirty[rd.task] = true;
      }
    } else if (kind == MSG_DONE) {
      this.onDone(fx, NegRef.decode(kind, r));
    } else if (kind == MSG_ABORT) {
      this.onAbort(fx, NegRef.decode(kind, r));
    } else {
      throw new Error("manager: unexpected message kind");
    }
    this.schedule(fx);
    return fx;
  }

  /** Removes and returns the pending proposal numbered `neg`. */
  private take(neg: i32): Proposal {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p.neg == neg) {
        this.pending.splice(i, 1);
        return p;
      }
    }
    throw new Error("manager: answer for no pending proposal");
  }

  private busy(task: i32): bool {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].find(task) !== null) return true;
    return false;
  }

  private onDone(fx: Effects, n: NegRef): void {
    const p = this.take(n.neg);
    this.consume(p.participants);
    this.touch(p.participants);
    fx.actions.push(new Action(this.config.id, p.neg, p.gate, p.values, p.participants));
  }

  private onAbort(fx: Effects, n: NegRef): void {
    // Each path member answers a proposal at most once, and only the refusing one answers.
    const p = this.take(n.neg);
    this.touch(p.participants);
    this.aborted++;
    const stale = this.ready[n.task];
    if (stale !== null && !newer(stale.step, n.step)) this.ready[n.task] = null;
    this.hear(n.task, n.step);
    const path = p.path();
    for (let i = 0; i < n.pos; i++) {
      fx.toTask(path[i], new NegRef(MSG_RELEASE, this.config.id, p.neg, path[i], 0, i).encode());
    }
  }

  /** The participants fired: forget their READYs of that step (newer ones stay). */
  private consume(ps: Array<Participant>): void {
    for (let i = 0; i < ps.length; i++) {
      const rd = this.ready[ps[i].task];
      if (rd !== null && rd.step == ps[i].step) this.ready[ps[i].task] = null;
      this.hear(ps[i].task, ps[i].step);
    }
  }

  /**
   * Commits every rendezvous found among exclusive tasks and proposes every one that needs
   * locks, until none is left among the tasks not already in a pending proposal.
   */
  private schedule(fx: Effects): void {
    while (true) {
      const f = this.find();
      if (f === null) return;
      const neg = this.nextNeg;
      this.nextNeg = successor(neg);
      let shared = false;
      for (let i = 0; i < f.participants.length; i++) if (f.participants[i].shared) shared = true;
      if (!shared) {
        for (let i = 0; i < f.participants.length; i++) {
          const q = f.participants[i];
          fx.toTask(q.task, new Commit(this.config.id, neg, q.step, f.gate, q.offer, f.values).encode());
        }
        this.consume(f.participants);
        fx.actions.push(new Action(this.config.id, neg, f.gate, f.values, f.participants));
      } else {
        const p = new Proposal(this.config.id, neg, f.gate, f.values, f.participants, 0);
        this.pending.push(p);
        fx.toTask(p.path()[0], p.encode());
      }
    }
  }

  private find(): Found | null {
    const total = this.pairGate.length;
    if (total == 0) return null;
    // The candidate pairs: those of dirty tasks, marked in pair order.
    const mark = new Array<bool>();
    for (let k = 0; k < total; k++) mark.push(false);
    let any = false;
    for (let t = 0; t < this.dirty.length; t++) {
      if (!this.dirty[t]) continue;
      any = true;
      const ks = this.pairsOf[t];
      for (let i = 0; i < ks.length; i++) mark[ks[i]] = true;
    }
    if (!any) return null;
    for (let j = 0; j < total; j++) {
      const k = (this.cursor + j) % total;
      if (!mark[k]) continue;
      const g = this.pairGate[k];
      const f = this.matchVector(this.config.gates[g], this.config.vectors[g][this.pairVector[k]]);
      if (f !== null) {
        this.cursor = (k + 1) % total;
        return f;
      }
    }
    // Nothing possible among the dirty tasks' vectors: the search is up to date.
    for (let t = 0; t < this.dirty.length; t++) this.dirty[t] = false;
    return null;
  }

  /** The first combination of offers (one per task of the vector) and values that agree. */
  private matchVector(gate: i32, vector: Array<i32>): Found | null {
    const choices = new Array<Array<Offer>>();
    for (let i = 0; i < vector.length; i++) {
      const rd = this.ready[vector[i]];
      if (rd === null || this.busy(vector[i])) return null;
      const mine = new Array<Offer>();
      for (let k = 0; k < rd.offers.length; k++) if (rd.offers[k].gate == gate) mine.push(rd.offers[k]);
      if (mine.length == 0) return null;
      choices.push(mine);
    }
    const pick = new Array<i32>();
    for (let i = 0; i < vector.length; i++) pick.push(0);
    while (true) {
      const combo = new Array<Offer>();
      for (let i = 0; i < vector.length; i++) combo.push(choices[i][pick[i]]);
      const values = this.agree(vector, combo);
      if (values !== null) {
        const ps = new Array<Participant>();
        for (let i = 0; i < vector.length; i++) {
          const rd = this.ready[vector[i]]!;
          ps.push(new Participant(rd.task, rd.step, combo[i].index, !rd.exclusive));
        }
        return new Found(gate, values, ps);
      }
      // Next combination, odometer-style.
      let i = vector.length - 1;
      while (i >= 0) {
        pick[i]++;
        if (pick[i] < choices[i].length) break;
        pick[i] = 0;
        i--;
      }
      if (i < 0) return null;
    }
    return null; // unreachable; asc wants a return after a `while (true)`
  }

  /**
   * Values on which the offers agree: emitted values must be equal; a position nobody emits
   * ranges over its (finite) type, in the type's order; every guard must accept the vector.
   */
  private agree(vector: Array<i32>, combo: Array<Offer>): Array<Uint8Array> | null {
    const arity = combo[0].positions.length;
    for (let i = 1; i < combo.length; i++) if (combo[i].positions.length != arity) return null;
    const fixed = new Array<Uint8Array | null>();
    const free = new Array<i32>();
    const freeType = new Array<i32>();
    for (let p = 0; p < arity; p++) {
      let value: Uint8Array | null = null;
      let type = 0;
      for (let i = 0; i < combo.length; i++) {
        const pos = combo[i].positions[p];
        if (pos.emit) {
          const prev = value;
          if (prev !== null && !bytesEqual(prev, pos.value)) return null;
          value = pos.value;
        } else {
          type = pos.type;
        }
      }
      fixed.push(value);
      if (value === null) {
        if (this.oracle.cardinality(type) <= 0) return null;
        free.push(p);
        freeType.push(type);
      }
    }
    const idx = new Array<i32>();
    for (let k = 0; k < free.length; k++) idx.push(0);
    while (true) {
      const values = new Array<Uint8Array>();
      let f = 0;
      for (let p = 0; p < arity; p++) {
        const v = fixed[p];
        if (v !== null) values.push(v);
        else {
          values.push(this.oracle.valueAt(freeType[f], idx[f]));
          f++;
        }
      }
      let ok = true;
      for (let i = 0; i < combo.length && ok; i++) {
        const o = combo[i];
        if (o.guard != 0 && !this.oracle.accepts(vector[i], o.guard, o.captured, values)) ok = false;
      }
      if (ok) return values;
      let k = free.length - 1;
      while (k >= 0) {
        idx[k]++;
        if (idx[k] < this.oracle.cardinality(freeType[k])) break;
        idx[k] = 0;
        k--;
      }
      if (k < 0) return null;
    }
    return null; // unreachable; asc wants a return after a `while (true)`
  }

  /** Canonical bytes of the state, for the explorer's state hashing. */
  fingerprint(w: Writer): void {
    for (let t = 0; t < this.ready.length; t++) {
      const rd = this.ready[t];
      w.uint(rd === null ? 0 : rd.step);
    }
    w.uint(this.pending.length);
    for (let i = 0; i < this.pending.length; i++) w.uint(this.pending[i].neg);
    w.uint(this.nextNeg);
    w.uint(this.cursor);
    for (let t = 0; t < this.dirty.length; t++) {
      w.bool(this.dirty[t]);
      w.bool(this.heard[t]);
      w.uint(this.latest[t]);
    }
  }
}
