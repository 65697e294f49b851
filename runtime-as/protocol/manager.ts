// The manager (gate side) of the negotiation: owns some gates, keeps the latest READY of
// every task that offers on them, finds a rendezvous among those offers that the gate's
// synchronization vectors allow and whose values every party accepts, and commits it:
// at once when every participant is exclusive to this manager, otherwise by sending the
// proposal down the lock path of the shared participants. Several proposals may be in
// flight at once if they share no task. Among the rendezvous possible, the manager draws
// one uniformly with its seeded generator: LNT's choice is nondeterministic, and a fixed
// order would starve the rendezvous that come late in it.
/// <reference path="./portable.d.ts" />

import {
  Commit, MSG_ABORT, MSG_DONE, MSG_READY, MSG_RELEASE, Message, NegRef, Offer, Participant, Proposal,
  Ready, Writer, bytesEqual, decodeMessage, newer, successor,
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
  types: Array<i32>;
  participants: Array<Participant>;

  constructor(gate: i32, values: Array<Uint8Array>, types: Array<i32>, participants: Array<Participant>) {
    this.gate = gate;
    this.values = values;
    this.types = types;
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
  /** The value types of each pending proposal's action (for the report). */
  pendingTypes: Array<Array<i32>> = new Array<Array<i32>>();
  nextNeg: i32 = 1;
  /** Rendezvous found but given up because a participant had moved on (for statistics). */
  aborted: i32 = 0;
  /**
   * How many more rendezvous this manager may commit (-1: no limit). A host that stops a
   * run after N actions sets it, so that no action beyond the N-th is ever decided.
   */
  budget: i32 = -1;
  /**
   * Whether each message is followed by a search. A host that delivers messages in batches
   * clears it and calls `poke()` once a batch is in: the draw is then among every rendezvous
   * the batch made possible, not decided by which READY came first.
   */
  eager: bool = true;
  /** The (gate, vector) pairs, numbered gate by gate: pairGate[k], pairVector[k]. */
  pairGate: Array<i32> = new Array<i32>();
  pairVector: Array<i32> = new Array<i32>();
  /** task -> the pairs whose vector contains it, increasing. */
  pairsOf: Array<Array<i32>> = new Array<Array<i32>>();
  /**
   * The number of rendezvous each pair allows now. It changes only when a READY of one of
   * its tasks changes or a task enters or leaves a proposal, so only the pairs of those
   * tasks are counted again (`G # m` among n has C(n, m) vectors, a task is in C(n-1, m-1)).
   */
  pairCount: Array<i32> = new Array<i32>();
  pairStale: Array<bool> = new Array<bool>();
  /** The only rendezvous of a pair counted 1, kept from the count (most pairs allow one). */
  pairOnly: Array<Found | null> = new Array<Found | null>();
  /** Tasks whose READY changed or who entered or left a proposal since the last count. */
  dirty: Array<bool> = new Array<bool>();
  /**
   * task -> the newest step heard of (READY, firing or refusal), once `heard`: a READY
   * delayed past a newer one, or past its own step's firing, is ignored.
   */
  latest: Array<i32> = new Array<i32>();
  heard: Array<bool> = new Array<bool>();
  /** xorshift32 state, never 0. */
  rng: i32;

  /** Whether each call returns the same Effects object, emptied (see TaskSide.recycle). */
  recycle: bool = false;
  private fx: Effects = new Effects();
  /**
   * With recycle, per task the COMMIT last sent to it without a lock: the task read it
   * before it sent the READY that the next one answers.
   */
  private commits: Array<Commit | null> = new Array<Commit | null>();

  // the enumeration of one pair's rendezvous: counting (target -1) or picking the target-th
  private seen: i32 = 0;
  private target: i32 = -1;
  private picked: Found | null = null;
  // its scratch lists, reused: a search allocates only for the rendezvous it keeps
  private choices: Array<Array<Offer>> = new Array<Array<Offer>>();
  private pick: Array<i32> = new Array<i32>();
  private combo: Array<Offer> = new Array<Offer>();
  private fixed: Array<Uint8Array | null> = new Array<Uint8Array | null>();
  private free: Array<i32> = new Array<i32>();
  private freeType: Array<i32> = new Array<i32>();
  private idx: Array<i32> = new Array<i32>();
  private values: Array<Uint8Array> = new Array<Uint8Array>();

  constructor(config: ManagerConfig, oracle: Oracle, seed: i32 = 1) {
    this.config = config;
    this.oracle = oracle;
    this.rng = seed == 0 ? 0x2545f491 : seed;
    // near seeds (1, 2, 3...) give near first draws: a warm-up spreads them apart
    for (let i = 0; i < 16; i++) this.random(2);
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
        this.pairCount.push(0);
        this.pairStale.push(false);
        this.pairOnly.push(null);
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
    return this.receiveMessage(decodeMessage(bytes));
  }

  /** A message from a component of the same node, not encoded. */
  private effects(): Effects {
    return this.recycle ? this.fx.reset() : new Effects();
  }

  receiveMessage(m: Message): Effects {
    const fx = this.effects();
    const kind = m.kind;
    if (kind == MSG_READY) {
      const rd = m as Ready;
      for (let i = 0; i < rd.refusals.length; i++) this.onAbort(fx, rd.refusals[i]);
      if (this.hear(rd.task, rd.step)) {
        this.ready[rd.task] = rd;
        this.dirty[rd.task] = true;
      }
    } else if (kind == MSG_DONE) {
      this.onDone(fx, m as NegRef);
    } else if (kind == MSG_ABORT) {
      this.onAbort(fx, m as NegRef);
    } else {
      throw new Error("manager: unexpected message kind");
    }
    if (this.eager) this.schedule(fx);
    return fx;
  }

  /** Runs the search (for a host that cleared `eager`, or raised `budget`). */
  poke(): Effects {
    const fx = this.effects();
    this.schedule(fx);
    return fx;
  }

  /** The index in `pending` of the proposal numbered `neg`. */
  private indexOf(neg: i32): i32 {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].neg == neg) return i;
    throw new Error("manager: answer for no pending proposal");
  }

  private drop(i: i32): void {
    this.pending.splice(i, 1);
    this.pendingTypes.splice(i, 1);
  }

  private busy(task: i32): bool {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].find(task) !== null) return true;
    return false;
  }

  private onDone(fx: Effects, n: NegRef): void {
    const i = this.indexOf(n.neg);
    const p = this.pending[i];
    const types = this.pendingTypes[i];
    this.drop(i);
    this.consume(p.participants);
    this.touch(p.participants);
    if (this.budget > 0) this.budget--;
    fx.actions.push(new Action(this.config.id, p.neg, p.gate, p.values, types, p.participants));
  }

  private onAbort(fx: Effects, n: NegRef): void {
    // Each path member answers a proposal at most once, and only the refusing one answers.
    const i = this.indexOf(n.neg);
    const p = this.pending[i];
    this.drop(i);
    this.touch(p.participants);
    this.aborted++;
    const stale = this.ready[n.task];
    if (stale !== null && !newer(stale.step, n.step)) this.ready[n.task] = null;
    this.hear(n.task, n.step);
    const path = p.path();
    for (let i = 0; i < n.pos; i++) {
      fx.toTask(path[i], new NegRef(MSG_RELEASE, this.config.id, p.neg, path[i], 0, i));
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
   * locks, until none is left among the tasks not already in a pending proposal (or the
   * budget is spent).
   */
  private schedule(fx: Effects): void {
    while (true) {
      if (this.budget >= 0 && this.pending.length >= this.budget) return;
      const f = this.find();
      if (f === null) return;
      const neg = this.nextNeg;
      this.nextNeg = successor(neg);
      let shared = false;
      for (let i = 0; i < f.participants.length; i++) if (f.participants[i].shared) shared = true;
      this.touch(f.participants);
      if (!shared) {
        for (let i = 0; i < f.participants.length; i++) {
          const q = f.participants[i];
          fx.toTask(q.task, this.commit(q.task, neg, q.step, f.gate, q.offer, f.values));
        }
        this.consume(f.participants);
        if (this.budget > 0) this.budget--;
        fx.actions.push(new Action(this.config.id, neg, f.gate, f.values, f.types, f.participants));
      } else {
        const p = new Proposal(this.config.id, neg, f.gate, f.values, f.participants, 0);
        this.pending.push(p);
        this.pendingTypes.push(f.types);
        fx.toTask(p.path()[0], p);
      }
    }
  }

  private commit(task: i32, neg: i32, step: i32, gate: i32, offer: i32, values: Array<Uint8Array>): Commit {
    if (!this.recycle) return new Commit(this.config.id, neg, step, gate, offer, values);
    while (this.commits.length <= task) this.commits.push(null);
    let c = this.commits[task];
    if (c === null) {
      c = new Commit(this.config.id, neg, step, gate, offer, values);
      this.commits[task] = c;
      return c;
    }
    c.changed();
    c.neg = neg;
    c.step = step;
    c.gate = gate;
    c.offer = offer;
    c.values = values;
    return c;
  }

  private random(n: i32): i32 {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return (x & 0x7fffffff) % n;
  }

  /** One rendezvous drawn uniformly among all those the current READYs allow, or null. */
  private find(): Found | null {
    const total = this.pairGate.length;
    if (total == 0) return null;
    for (let t = 0; t < this.dirty.length; t++) {
      if (!this.dirty[t]) continue;
      this.dirty[t] = false;
      const ks = this.pairsOf[t];
      for (let i = 0; i < ks.length; i++) this.pairStale[ks[i]] = true;
    }
    let all = 0;
    for (let k = 0; k < total; k++) {
      if (this.pairStale[k]) {
        this.pairStale[k] = false;
        this.seen = 0;
        this.target = -1;
        this.picked = null;
        this.enumeratePair(k);
        this.pairCount[k] = this.seen;
        this.pairOnly[k] = this.seen == 1 ? this.picked : null;
      }
      all += this.pairCount[k];
    }
    if (all == 0) return null;
    let r = this.random(all);
    for (let k = 0; k < total; k++) {
      const c = this.pairCount[k];
      if (r >= c) {
        r -= c;
        continue;
      }
      if (c == 1) return this.pairOnly[k];
      this.seen = 0;
      this.target = r;
      this.picked = null;
      this.enumeratePair(k);
      this.target = -1;
      return this.picked;
    }
    return null;
  }

  /** Goes over the rendezvous of pair k: every combination of offers, every agreeing value vector. */
  private enumeratePair(k: i32): void {
    const gate = this.config.gates[this.pairGate[k]];
    const vector = this.config.vectors[this.pairGate[k]][this.pairVector[k]];
    const n = vector.length;
    const choices = this.choices;
    while (choices.length < n) choices.push(new Array<Offer>());
    for (let i = 0; i < n; i++) {
      const rd = this.ready[vector[i]];
      if (rd === null || this.busy(vector[i])) return;
      const mine = choices[i];
      mine.length = 0;
      for (let j = 0; j < rd.offers.length; j++) if (rd.offers[j].gate == gate) mine.push(rd.offers[j]);
      if (mine.length == 0) return;
    }
    const pick = this.pick;
    const combo = this.combo;
    pick.length = n;
    combo.length = n;
    for (let i = 0; i < n; i++) pick[i] = 0;
    while (true) {
      for (let i = 0; i < n; i++) combo[i] = choices[i][pick[i]];
      this.agree(this.pairGate[k], vector, combo);
      if (this.target >= 0 && this.picked !== null) return;
      // Next combination, odometer-style.
      let i = n - 1;
      while (i >= 0) {
        pick[i]++;
        if (pick[i] < choices[i].length) break;
        pick[i] = 0;
        i--;
      }
      if (i < 0) return;
    }
  }

  /**
   * The value vectors on which the offers agree: emitted values must be equal; a position
   * nobody emits takes a party's fallback if one supplies it, else ranges over its (finite)
   * type, in the type's order; every guard must accept the vector. Each is one rendezvous.
   */
  private agree(g: i32, vector: Array<i32>, combo: Array<Offer>): void {
    const arity = combo[0].positions.length;
    for (let i = 1; i < combo.length; i++) if (combo[i].positions.length != arity) return;
    const fixed = this.fixed;
    const free = this.free;
    const freeType = this.freeType;
    fixed.length = arity;
    free.length = 0;
    freeType.length = 0;
    for (let p = 0; p < arity; p++) {
      let value: Uint8Array | null = null;
      let fallback: Uint8Array | null = null;
      for (let i = 0; i < combo.length; i++) {
        const pos = combo[i].positions[p];
        if (pos.emit) {
          const prev = value;
          if (prev !== null && !bytesEqual(prev, pos.value)) return;
          value = pos.value;
        } else if (pos.fallback !== null && fallback === null) {
          fallback = pos.fallback;
        }
      }
      if (value === null) value = fallback;
      fixed[p] = value;
      if (value === null) {
        const type = combo[0].positions[p].type;
        if (this.oracle.cardinality(type) <= 0) {
          this.oracle.unenumerable(vector, combo, p);
          return;
        }
        free.push(p);
        freeType.push(type);
      }
    }
    const idx = this.idx;
    idx.length = free.length;
    for (let k = 0; k < free.length; k++) idx[k] = 0;
    const values = this.values;
    values.length = arity;
    while (true) {
      let f = 0;
      for (let p = 0; p < arity; p++) {
        const v = fixed[p];
        if (v !== null) values[p] = v;
        else {
          values[p] = this.oracle.valueAt(freeType[f], idx[f]);
          f++;
        }
      }
      let ok = true;
      for (let i = 0; i < combo.length && ok; i++) {
        const o = combo[i];
        if (o.guard != 0 && !this.oracle.accepts(vector[i], this.ready[vector[i]]!.step, o, values)) ok = false;
      }
      if (ok) {
        this.seen++;
        if (this.target < 0 ? this.seen == 1 : this.seen - 1 == this.target) this.picked = this.found(g, vector, combo, values);
        if (this.target >= 0 && this.picked !== null) return;
      }
      let k = free.length - 1;
      while (k >= 0) {
        idx[k]++;
        if (idx[k] < this.oracle.cardinality(freeType[k])) break;
        idx[k] = 0;
        k--;
      }
      if (k < 0) return;
    }
  }

  /** The rendezvous being enumerated, copied out of the scratch lists. */
  private found(g: i32, vector: Array<i32>, combo: Array<Offer>, values: Array<Uint8Array>): Found {
    const ps = new Array<Participant>();
    for (let i = 0; i < vector.length; i++) {
      const rd = this.ready[vector[i]]!;
      ps.push(new Participant(rd.task, rd.step, combo[i].index, !rd.exclusive));
    }
    const vs = new Array<Uint8Array>();
    const types = new Array<i32>();
    const first = combo[0].positions;
    // Copied: the values are the parties' offers' bytes, which a task that fires first may
    // reuse for its next offers while the others have yet to read them.
    for (let p = 0; p < values.length; p++) {
      vs.push(values[p].slice(0));
      types.push(first[p].type);
    }
    return new Found(this.config.gates[g], vs, types, ps);
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
    w.uint(this.rng);
    w.uint(this.budget + 1);
    for (let t = 0; t < this.dirty.length; t++) {
      w.bool(this.dirty[t]);
      w.bool(this.heard[t]);
      w.uint(this.latest[t]);
    }
    for (let k = 0; k < this.pairCount.length; k++) {
      w.bool(this.pairStale[k]);
      w.uint(this.pairCount[k]);
    }
  }
}
