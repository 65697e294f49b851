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
  /** Per pair, its gate's id and its vector (config.gates[pairGate[k]], config.vectors[..][..]). */
  private pairGateId: Array<i32> = new Array<i32>();
  private pairTasks: Array<Array<i32>> = new Array<Array<i32>>();
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
  /**
   * With recycle, per task the values of that COMMIT: a copy of the rendezvous' values,
   * rewritten in place for the next one (the task read them when it fired, before the READY
   * that the next COMMIT answers). The action reports its first participant's copy: a host
   * that keeps the values of the last action reported (the driver's `lastVals`) sees them
   * rewritten only by a later action, which it reports in turn.
   */
  private commitValues: Array<Array<Uint8Array> | null> = new Array<Array<Uint8Array> | null>();
  /**
   * With recycle, per pair the Found its searches rewrite when the rendezvous involves only
   * exclusive tasks. It refers to the offers' bytes instead of copying them: an exclusive
   * task moves only by a COMMIT of this manager, which marks it dirty, so the pairs that
   * refer to its offers are counted again before their Found is used; the bytes are copied
   * when the rendezvous is committed (`copyValues`).
   */
  private pairScratch: Array<Found | null> = new Array<Found | null>();
  /** With recycle, the Actions of the Effects being filled (`actionsUsed` of them), reused by the next call. */
  private actionPool: Array<Action> = new Array<Action>();
  private actionsUsed: i32 = 0;

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
        this.pairScratch.push(null);
        const vec = config.vectors[g][v];
        this.pairGateId.push(config.gates[g]);
        this.pairTasks.push(vec);
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
    const n = ps.length;
    for (let i = 0; i < n; i++) this.dirty[ps[i].task] = true;
  }

  receive(bytes: Uint8Array): Effects {
    return this.receiveMessage(decodeMessage(bytes));
  }

  /** A message from a component of the same node, not encoded. */
  private effects(): Effects {
    if (!this.recycle) return new Effects();
    this.actionsUsed = 0;
    return this.fx.reset();
  }

  receiveMessage(m: Message): Effects {
    const fx = this.effects();
    const kind = m.kind;
    if (kind == MSG_READY) {
      const rd = m as Ready;
      const refusals = rd.refusals;
      const nr = refusals.length;
      for (let i = 0; i < nr; i++) this.onAbort(fx, refusals[i]);
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
    const pending = this.pending;
    const n = pending.length;
    for (let i = 0; i < n; i++) if (pending[i].find(task) !== null) return true;
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

  /**
   * After a rendezvous committed at once, participant t has no READY here (consumeOne
   * dropped it, and no READY arrives during a search): every pair t is in allows nothing,
   * which is what counting them again would find. Set so, rather than marking t dirty, the
   * next search skips them (with recycle only, so that the explorer's state fingerprints,
   * which record the dirty marks, keep their meaning).
   */
  private settle(t: i32): void {
    if (this.ready[t] !== null) {
      this.dirty[t] = true;
      return;
    }
    const counts = this.pairCount;
    const only = this.pairOnly;
    const ks = this.pairsOf[t];
    const nk = ks.length;
    for (let j = 0; j < nk; j++) {
      const k = ks[j];
      counts[k] = 0;
      only[k] = null;
    }
  }

  /** The participants fired: forget their READYs of that step (newer ones stay). */
  private consume(ps: Array<Participant>): void {
    const n = ps.length;
    for (let i = 0; i < n; i++) {
      const q = ps[i];
      this.consumeOne(q.task, q.step);
    }
  }

  private consumeOne(task: i32, step: i32): void {
    const rd = this.ready[task];
    if (rd !== null && rd.step == step) {
      // a READY kept here is the newest step heard of its task: hearing its step changes nothing
      this.ready[task] = null;
      return;
    }
    this.hear(task, step);
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
      const ps = f.participants;
      const n = ps.length;
      let shared = false;
      for (let i = 0; i < n; i++) if (ps[i].shared) shared = true;
      // with recycle, an exclusive rendezvous settles its pairs below instead
      if (shared || !this.recycle) this.touch(ps);
      if (!shared) {
        let reported = f.values;
        const recycle = this.recycle;
        for (let i = 0; i < n; i++) {
          const q = ps[i];
          const task = q.task;
          const c = this.commit(task, neg, q.step, f.gate, q.offer, f.values);
          if (i == 0) reported = c.values;
          fx.toTask(task, c);
          this.consumeOne(task, q.step);
          if (recycle) this.settle(task);
        }
        if (this.budget > 0) this.budget--;
        fx.actions.push(this.action(neg, f, reported));
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
    while (this.commits.length <= task) {
      this.commits.push(null);
      this.commitValues.push(null);
    }
    const vs = this.copyValues(task, values);
    let c = this.commits[task];
    if (c === null) {
      c = new Commit(this.config.id, neg, step, gate, offer, vs);
      this.commits[task] = c;
      return c;
    }
    c.changed();
    c.neg = neg;
    c.step = step;
    c.gate = gate;
    c.offer = offer;
    c.values = vs;
    return c;
  }

  /** The task's copy of the values (see commitValues), rewritten in place where the lengths allow. */
  private copyValues(task: i32, values: Array<Uint8Array>): Array<Uint8Array> {
    let vs = this.commitValues[task];
    if (vs === null) {
      vs = new Array<Uint8Array>();
      this.commitValues[task] = vs;
    }
    const n = values.length;
    if (vs.length > n) vs.length = n;
    for (let p = 0; p < n; p++) {
      const src = values[p];
      if (p == vs.length) {
        vs.push(src.slice(0));
        continue;
      }
      const dst = vs[p];
      const len = src.length;
      if (dst.length != len) {
        vs[p] = src.slice(0);
        continue;
      }
      for (let i = 0; i < len; i++) dst[i] = src[i];
    }
    return vs;
  }

  /** The report of a rendezvous committed at once; with recycle, one of the pooled Actions. */
  private action(neg: i32, f: Found, values: Array<Uint8Array>): Action {
    if (!this.recycle) return new Action(this.config.id, neg, f.gate, values, f.types, f.participants);
    const pool = this.actionPool;
    const i = this.actionsUsed;
    this.actionsUsed = i + 1;
    if (i == pool.length) pool.push(new Action(this.config.id, 0, 0, values, new Array<i32>(), new Array<Participant>()));
    const a = pool[i];
    a.neg = neg;
    a.gate = f.gate;
    a.values = values;
    const types = a.types;
    const ft = f.types;
    const nt = ft.length;
    if (types.length != nt) types.length = nt;
    for (let p = 0; p < nt; p++) types[p] = ft[p];
    const ps = a.participants;
    const fp = f.participants;
    const n = fp.length;
    if (ps.length > n) ps.length = n;
    for (let j = 0; j < n; j++) {
      const q = fp[j];
      if (j == ps.length) ps.push(new Participant(q.task, q.step, q.offer, q.shared));
      else {
        const r = ps[j];
        r.task = q.task;
        r.step = q.step;
        r.offer = q.offer;
        r.shared = q.shared;
      }
    }
    return a;
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
    const dirty = this.dirty;
    const stale = this.pairStale;
    const counts = this.pairCount;
    const tasks = dirty.length;
    for (let t = 0; t < tasks; t++) {
      if (!dirty[t]) continue;
      dirty[t] = false;
      const ks = this.pairsOf[t];
      const nk = ks.length;
      for (let i = 0; i < nk; i++) stale[ks[i]] = true;
    }
    let all = 0;
    for (let k = 0; k < total; k++) {
      if (stale[k]) {
        stale[k] = false;
        this.seen = 0;
        this.target = -1;
        this.picked = null;
        this.enumeratePair(k);
        counts[k] = this.seen;
        this.pairOnly[k] = this.seen == 1 ? this.picked : null;
      }
      all += counts[k];
    }
    if (all == 0) return null;
    let r = this.random(all);
    for (let k = 0; k < total; k++) {
      const c = counts[k];
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
    const gate = this.pairGateId[k];
    const vector = this.pairTasks[k];
    const n = vector.length;
    const ready = this.ready;
    // the READYs first: most pairs of a task that just fired stop here
    for (let i = 0; i < n; i++) if (ready[vector[i]] === null) return;
    const anyPending = this.pending.length > 0;
    const combo = this.combo;
    if (combo.length != n) combo.length = n;
    // each party's first offer on the gate; most parties have just one
    let single = true;
    for (let i = 0; i < n; i++) {
      const task = vector[i];
      const rd = ready[task];
      if (rd === null || (anyPending && this.busy(task))) return;
      const offers = rd.offers;
      const no = offers.length;
      let matches = 0;
      for (let j = 0; j < no; j++) {
        const o = offers[j];
        if (o.gate != gate) continue;
        if (matches == 0) combo[i] = o;
        matches++;
      }
      if (matches == 0) return;
      if (matches > 1) single = false;
    }
    if (single) {
      this.agree(k, vector, combo);
      return;
    }
    const choices = this.choices;
    while (choices.length < n) choices.push(new Array<Offer>());
    for (let i = 0; i < n; i++) {
      const mine = choices[i];
      if (mine.length != 0) mine.length = 0;
      const offers = ready[vector[i]]!.offers;
      const no = offers.length;
      for (let j = 0; j < no; j++) {
        const o = offers[j];
        if (o.gate == gate) mine.push(o);
      }
    }
    const pick = this.pick;
    if (pick.length != n) pick.length = n;
    for (let i = 0; i < n; i++) {
      pick[i] = 0;
      combo[i] = choices[i][0];
    }
    while (true) {
      this.agree(k, vector, combo);
      if (this.target >= 0 && this.picked !== null) return;
      // Next combination, odometer-style.
      let i = n - 1;
      while (i >= 0) {
        const mine = choices[i];
        const next = pick[i] + 1;
        if (next < mine.length) {
          pick[i] = next;
          combo[i] = mine[next];
          break;
        }
        pick[i] = 0;
        combo[i] = mine[0];
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
  private agree(k: i32, vector: Array<i32>, combo: Array<Offer>): void {
    const n = combo.length;
    const first = combo[0].positions;
    const arity = first.length;
    for (let i = 1; i < n; i++) if (combo[i].positions.length != arity) return;
    const fixed = this.fixed;
    const free = this.free;
    const freeType = this.freeType;
    if (fixed.length != arity) fixed.length = arity;
    if (free.length != 0) free.length = 0;
    if (freeType.length != 0) freeType.length = 0;
    for (let p = 0; p < arity; p++) {
      let value: Uint8Array | null = null;
      let fallback: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const pos = i == 0 ? first[p] : combo[i].positions[p];
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
        const type = first[p].type;
        if (this.oracle.cardinality(type) <= 0) {
          this.oracle.unenumerable(vector, combo, p);
          return;
        }
        free.push(p);
        freeType.push(type);
      }
    }
    const idx = this.idx;
    const nfree = free.length;
    if (idx.length != nfree) idx.length = nfree;
    for (let j = 0; j < nfree; j++) idx[j] = 0;
    const values = this.values;
    if (values.length != arity) values.length = arity;
    if (nfree == 0) for (let p = 0; p < arity; p++) values[p] = fixed[p]!;
    while (true) {
      if (nfree > 0) {
        let f = 0;
        for (let p = 0; p < arity; p++) {
          const v = fixed[p];
          if (v !== null) values[p] = v;
          else {
            values[p] = this.oracle.valueAt(freeType[f], idx[f]);
            f++;
          }
        }
      }
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        const o = combo[i];
        if (o.guard != 0 && !this.oracle.accepts(vector[i], this.ready[vector[i]]!.step, o, values)) ok = false;
      }
      if (ok) {
        this.seen++;
        if (this.target < 0 ? this.seen == 1 : this.seen - 1 == this.target) this.picked = this.found(k, vector, combo, values);
        if (this.target >= 0 && this.picked !== null) return;
      }
      let j = nfree - 1;
      while (j >= 0) {
        const next = idx[j] + 1;
        if (next < this.oracle.cardinality(freeType[j])) {
          idx[j] = next;
          break;
        }
        idx[j] = 0;
        j--;
      }
      if (j < 0) return;
    }
  }

  /** The rendezvous being enumerated, copied out of the scratch lists. */
  private found(k: i32, vector: Array<i32>, combo: Array<Offer>, values: Array<Uint8Array>): Found {
    const n = vector.length;
    const first = combo[0].positions;
    const arity = values.length;
    if (this.recycle) {
      let exclusive = true;
      for (let i = 0; i < n; i++) if (!this.ready[vector[i]]!.exclusive) exclusive = false;
      if (exclusive) {
        // every party is exclusive: the pair's Found, referring to the values (see pairScratch)
        let f = this.pairScratch[k];
        if (f === null) {
          f = new Found(0, new Array<Uint8Array>(), new Array<i32>(), new Array<Participant>());
          this.pairScratch[k] = f;
        }
        f.gate = this.pairGateId[k];
        const ps = f.participants;
        for (let i = 0; i < n; i++) {
          const rd = this.ready[vector[i]]!;
          if (i == ps.length) ps.push(new Participant(rd.task, rd.step, combo[i].index, false));
          else {
            const q = ps[i];
            q.task = rd.task;
            q.step = rd.step;
            q.offer = combo[i].index;
            q.shared = false;
          }
        }
        const vs = f.values;
        const types = f.types;
        if (vs.length != arity) vs.length = arity;
        if (types.length != arity) types.length = arity;
        for (let p = 0; p < arity; p++) {
          vs[p] = values[p];
          types[p] = first[p].type;
        }
        return f;
      }
    }
    const ps = new Array<Participant>();
    for (let i = 0; i < vector.length; i++) {
      const rd = this.ready[vector[i]]!;
      ps.push(new Participant(rd.task, rd.step, combo[i].index, !rd.exclusive));
    }
    const vs = new Array<Uint8Array>();
    const types = new Array<i32>();
    // Copied: the values are the parties' offers' bytes, which a task that fires first may
    // reuse for its next offers while the others have yet to read them.
    for (let p = 0; p < values.length; p++) {
      vs.push(values[p].slice(0));
      types.push(first[p].type);
    }
    return new Found(this.pairGateId[k], vs, types, ps);
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
