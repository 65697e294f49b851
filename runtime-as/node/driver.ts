// The driver of one node, compiled into the model's Wasm: it runs the tasks placed on the
// node, each behind its task side of the protocol, and the node's manager (the gate side),
// and carries the protocol's messages among them as objects, by calls, without leaving
// Wasm. Only a message for another node leaves, encoded, through the outbox that the
// host's shell sends. An embedded run (`lntc run`) is the one-node case: one manager owns
// every gate, so every task is exclusive to it and a rendezvous costs a READY per party
// and a COMMIT per party, as calls (docs/protocol.md §8).
//
// A move a task makes alone (an internal step `i`, or an action on a gate no other task
// synchronizes on) is a rendezvous too: on a gate of its own whose only vector is the task,
// owned by the manager of the task's node. One mechanism then chooses among every move of
// the system, uniformly (each manager draws with its seeded generator). Protocol gates:
// 0..G-1 the model's, G + t task t's internal steps, G + T + g*T + t task t's actions on a
// gate g that every node negotiates locally (no two tasks synchronize on it).
//
// The environment of hooked gates (the host's hooks) is one more task, placed on the hook
// node, whose offers the host sets; its guard is the host's `accept` hook.

import {
  Action, Effects, Fired, MSG_READY, ManagerConfig, ManagerSide, Message, Offer as POffer,
  Oracle, Position, Ready, TaskSide, Writer as PWriter, Reader as PReader, decodeMessage, envelope, NO_BYTES,
} from "../protocol/index";
import { GATE_EXIT, GATE_INTERNAL, Model, Offer, OFFERING, TERMINATED, Tasks } from "../embedded/runtime";

/** A visible action (or `i`) happened; the host reads its participants through `Driver.last*`. */
@external("lntc", "action") declare function hostAction(label: string): void;
/** No party emits position `position` of the offer at `site`, and its type is too large to enumerate. */
@external("lntc", "negotiation") declare function hostNegotiation(site: i32, position: i32): void;
/** Whether the environment (hooks) accepts the candidate values for its offer `id` (read through `currentValue`). */
@external("lntc", "envAccept") declare function hostEnvAccept(id: i32): bool;

/** run() results. */
export const RUN_STEPS: i32 = 0;
export const RUN_TERMINATED: i32 = 1;
export const RUN_DEADLOCK: i32 = 2;
export const RUN_ENVIRONMENT: i32 = 3;

/** The guards of the model for the managers of this node. */
class ModelOracle extends Oracle {
  d: Driver;
  constructor(d: Driver) {
    super();
    this.d = d;
  }
  accepts(task: i32, step: i32, offer: POffer, values: Array<Uint8Array>): bool {
    return this.d.accepts(task, step, offer, values);
  }
  cardinality(type: i32): i32 {
    return this.d.model.card(type);
  }
  valueAt(type: i32, i: i32): Uint8Array {
    return this.d.valueAt(type, i);
  }
  unenumerable(tasks: Array<i32>, offers: Array<POffer>, position: i32): void {
    // on a hooked gate the value is the environment's to give: without it, no action
    for (let i = 0; i < tasks.length; i++) if (tasks[i] == this.d.envTask) return;
    hostNegotiation(offers[0].site, position);
    unreachable();
  }
}

export class Driver {
  tasks: Tasks;
  model: Model;
  /** The model's tasks and gates; gate `gateCount + t` is task t's gate of moves alone. */
  taskCount: i32;
  gateCount: i32;
  /** The environment's task id (taskCount) once enabled, else -1. */
  envTask: i32 = -1;
  self: i32 = 0;
  nodeCount: i32 = 1;
  /** Node of each task (the environment included); manager m is on node m. */
  taskNode: Array<i32> = new Array<i32>();
  gateManager: Array<i32> = new Array<i32>();
  /** Per model gate: no two tasks synchronize on it, so each task's node negotiates its actions. */
  gateLocal: Array<bool> = new Array<bool>();
  sides: Array<TaskSide | null> = new Array<TaskSide | null>();
  managers: Array<ManagerSide | null> = new Array<ManagerSide | null>();
  seedValue: i32 = 1;
  /** An embedded run decides actions only inside run(max); a node's managers have no limit. */
  bounded: bool = false;
  prepared: bool = false;
  started: bool = false;

  private queue: Array<Message> = new Array<Message>();
  private head: i32 = 0;
  /** Messages for other nodes: count, then (node, toManager, to, bytes) each. */
  private out: PWriter = new PWriter();
  outCount: i32 = 0;
  localMessages: i32 = 0;
  networkMessages: i32 = 0;

  /** Per task: it has ended, or may end by choice (an exit offer). */
  mayEnd: Array<bool> = new Array<bool>();
  /** Per task: the protocol offers of its current step, and whether they may be reused at the next. */
  private lastOffers: Array<Array<POffer> | null> = new Array<Array<POffer> | null>();
  private reusable: Array<bool> = new Array<bool>();
  /** Actions this node's managers decided. */
  steps: i32 = 0;
  printing: bool = true;
  /** The last action decided here: gate (-1 for `i`), participants (tasks, steps), values. */
  lastGate: i32 = -2;
  lastTasks: Array<i32> = new Array<i32>();
  lastSteps: Array<i32> = new Array<i32>();
  lastVals: Array<Uint8Array> = new Array<Uint8Array>();
  /** The environment's last firing: its offer (-1: none since the last run), gate and values. */
  envFired: i32 = -1;
  envGate: i32 = -1;
  envVals: Array<Uint8Array> = new Array<Uint8Array>();
  /** The environment's offers being built by the host, published by `envPublish`. */
  envNext: Array<POffer> = new Array<POffer>();
  /** The candidate values during a call of the host's `accept` hook. */
  current: Array<Uint8Array> = new Array<Uint8Array>();
  private valueCache: Array<Array<Uint8Array>> = new Array<Array<Uint8Array>>();
  private oracle: ModelOracle | null = null;

  constructor(tasks: Tasks) {
    this.tasks = tasks;
    this.model = tasks.model;
    this.taskCount = tasks.taskCount;
  }

  /** The one-node placement: every task and every gate here. */
  embedded(seed: i32): void {
    this.bounded = true;
    this.gateCount = this.tasks.vectors.length;
    this.seedValue = seed;
    this.self = 0;
    this.nodeCount = 1;
    for (let t = 0; t < this.taskCount; t++) this.taskNode.push(0);
    for (let g = 0; g < this.gateCount; g++) {
      this.gateManager.push(0);
      this.gateLocal.push(false);
    }
  }

  /**
   * A node's placement, as bytes: self, nodeCount, then the node of each task, then per
   * gate its manager's node plus one (0: negotiated on each task's node).
   */
  placed(seed: i32, config: Uint8Array): void {
    this.gateCount = this.tasks.vectors.length;
    this.seedValue = seed;
    const r = new PReader(config);
    this.self = r.uint();
    this.nodeCount = r.uint();
    for (let t = 0; t < this.taskCount; t++) this.taskNode.push(r.uint());
    for (let g = 0; g < this.gateCount; g++) {
      const m = r.uint() - 1;
      this.gateManager.push(m < 0 ? 0 : m);
      this.gateLocal.push(m < 0);
    }
  }

  /**
   * The environment of this node's hooked gates becomes a task (id taskCount); before the
   * start. On nodes, each node with hooks has its own, which only talks to this node's
   * manager: a hooked gate is negotiated where its hooks run.
   */
  envEnable(): void {
    this.envTask = this.taskCount;
    this.taskNode.push(this.self);
  }

  /** Makes the environment a party of every vector of gate g, negotiated here; before the start. */
  envHook(g: i32): void {
    const vs = this.tasks.vectors[g];
    for (let v = 0; v < vs.length; v++) vs[v].push(this.envTask);
    this.gateLocal[g] = false;
    this.gateManager[g] = this.self;
  }

  private prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    const oracle = new ModelOracle(this);
    this.oracle = oracle;
    const parties = this.envTask >= 0 ? this.taskCount + 1 : this.taskCount;
    // each task's gates of moves alone, managed on its node
    const T = this.taskCount;
    for (let t = 0; t < T; t++) this.gateManager.push(this.taskNode[t]);
    for (let g = 0; g < this.gateCount; g++) for (let t = 0; t < T; t++) this.gateManager.push(this.taskNode[t]);
    for (let m = 0; m < this.nodeCount; m++) {
      if (m != this.self) {
        this.managers.push(null);
        continue;
      }
      const gates = new Array<i32>();
      const vectors = new Array<Array<Array<i32>>>();
      for (let g = 0; g < this.gateCount; g++) {
        const src = this.tasks.vectors[g];
        if (this.gateLocal[g]) {
          for (let v = 0; v < src.length; v++) {
            const t = src[v][0];
            if (src[v].length != 1 || this.taskNode[t] != m) continue;
            gates.push(this.gateCount + T + g * T + t);
            const vs = new Array<Array<i32>>();
            vs.push([t]);
            vectors.push(vs);
          }
          continue;
        }
        if (this.gateManager[g] != m) continue;
        gates.push(g);
        const vs = new Array<Array<i32>>();
        for (let v = 0; v < src.length; v++) {
          const vec = src[v].slice(0);
          vec.sort((a: i32, b: i32): i32 => a - b);
          vs.push(vec);
        }
        vectors.push(vs);
      }
      // a task with no `i` among its offer sites never offers on its gate of internal steps:
      // that pair would count 0 at every search, which changes no draw, so it is left out
      const internal = new Array<bool>(T);
      const sites = this.tasks.sites;
      for (let s = 0; s < sites.length; s++) {
        const o = sites[s];
        if (o.gate == GATE_INTERNAL && o.task >= 0 && o.task < T) internal[o.task] = true;
      }
      for (let t = 0; t < T; t++) {
        if (this.taskNode[t] != m || !internal[t]) continue;
        gates.push(this.gateCount + t);
        const vs = new Array<Array<i32>>();
        vs.push([t]);
        vectors.push(vs);
      }
      const mg = new ManagerSide(new ManagerConfig(m, parties, gates, vectors), oracle, this.seedValue * 31 + m + 1);
      if (this.bounded) mg.budget = 0;
      mg.eager = false;
      mg.recycle = true;
      this.managers.push(mg);
    }
    for (let t = 0; t < parties; t++) {
      let side: TaskSide | null = null;
      if (this.taskNode[t] == this.self) {
        side = new TaskSide(t, this.gateManager);
        // effects() takes everything out of a component's Effects before calling it again
        side.recycle = true;
      }
      this.sides.push(side);
      this.mayEnd.push(false);
      this.lastOffers.push(null);
      this.reusable.push(false);
    }
  }

  /** Every task of this node runs to its first state and makes its offers. */
  start(): void {
    this.prepare();
    if (this.started) return;
    this.started = true;
    for (let t = 0; t < this.taskCount; t++) {
      if (this.sides[t] === null) continue;
      this.model.start(t);
      this.publish(t);
    }
  }

  // ---- the oracle

  accepts(task: i32, step: i32, offer: POffer, values: Array<Uint8Array>): bool {
    if (task == this.envTask) {
      this.current = values;
      return hostEnvAccept(offer.index);
    }
    const side = task < this.sides.length ? this.sides[task] : null;
    if (side === null) return this.model.acceptCaptured(task, offer.site, offer.captured, values);
    // A READY of a task of this node is read on the task itself, while it is at that step;
    // a stale one can only lead to a lock the task refuses, so it accepts nothing.
    if (!side.offering || side.step != step) return false;
    return this.model.accept(this.tasks.offers[task][offer.index], values);
  }

  valueAt(type: i32, i: i32): Uint8Array {
    // Values of a type never change: cached, so a search allocates nothing here.
    while (this.valueCache.length <= type) this.valueCache.push(new Array<Uint8Array>());
    const vs = this.valueCache[type];
    while (vs.length <= i) vs.push(this.model.valueAt(type, vs.length));
    return vs[i];
  }

  // ---- tasks

  /**
   * Task t reached a state: its offers go to the protocol. The emitted values are the task's
   * own buffers, not copies: the task rewrites them only after it fired, and by then an
   * offer of its old step can only lead to a lock it refuses (managers copy the values of
   * the rendezvous they decide). The offer objects of a step whose READY went to one
   * manager are reused at the next step: that manager consumed the READY when it committed.
   */
  private publish(t: i32): void {
    const list = this.tasks.offers[t];
    const status = this.tasks.status[t];
    let mayEnd = status == TERMINATED;
    const last = this.lastOffers[t];
    const reuse = this.reusable[t] && last !== null;
    const offers = reuse ? last! : new Array<POffer>();
    const old = offers.length;
    let n = 0;
    let manager = -1;
    let exclusive = true;
    if (status == OFFERING) {
      const count = list.length;
      // unchecked: indexes below the lengths just read (an offer's emit has one entry per type)
      for (let i = 0; i < count; i++) {
        const o = unchecked(list[i]);
        if (o.gate == GATE_EXIT) {
          mayEnd = true;
          continue;
        }
        const gate = o.gate == GATE_INTERNAL ? this.gateCount + t : this.gateLocal[o.gate] ? this.gateCount + this.taskCount + o.gate * this.taskCount + t : o.gate;
        const m = this.gateManager[gate];
        if (manager < 0) manager = m;
        else if (m != manager) exclusive = false;
        const types = o.types;
        const emit = o.emit;
        const arity = types.length;
        let po: POffer;
        if (n < old && unchecked(offers[n]).positions.length == arity) {
          po = unchecked(offers[n]);
          po.index = i;
          po.gate = gate;
          po.captured = NO_BYTES;
          const positions = po.positions;
          for (let p = 0; p < arity; p++) {
            const e = unchecked(emit[p]);
            const pos = unchecked(positions[p]);
            pos.emit = e !== null;
            pos.value = e === null ? NO_BYTES : e;
            pos.type = unchecked(types[p]);
            pos.fallback = null;
          }
        } else {
          const positions = new Array<Position>();
          for (let p = 0; p < arity; p++) {
            const e = o.emit[p];
            positions.push(e === null ? Position.received(o.types[p]) : Position.emitted(e, o.types[p]));
          }
          po = new POffer(i, gate, 0, NO_BYTES, positions);
        }
        po.guard = o.guard ? o.site + 1 : 0;
        po.site = o.site;
        if (n < offers.length) unchecked(offers[n] = po);
        else offers.push(po);
        n++;
      }
    }
    if (offers.length != n) offers.length = n;
    if (!reuse) this.lastOffers[t] = offers;
    this.reusable[t] = n > 0 && exclusive;
    this.mayEnd[t] = mayEnd;
    this.effects(this.sides[t]!.offer(offers, false), t);
  }

  /** Task t's offer fired with these values: it runs to its next state and offers again. */
  private fire(t: i32, f: Fired): void {
    if (t == this.envTask) {
      this.envFired = f.offer;
      this.envGate = f.gate; // the environment only offers on the model's gates
      this.envVals = f.values;
      return;
    }
    const o = this.tasks.offers[t][f.offer];
    this.model.fire(o, f.values);
    this.publish(t);
  }

  // ---- messages

  /** Applies a component's effects: local messages queue up, others go to the outbox. */
  private effects(fx: Effects, from: i32): void {
    const sends = fx.sends;
    const ns = sends.length;
    // an embedded run has every component here
    const alone = this.bounded;
    for (let i = 0; i < ns; i++) {
      const e = unchecked(sends[i]);
      const node = alone ? this.self : e.toManager ? e.to : this.taskNode[e.to];
      if (node == this.self) {
        this.localMessages++;
        this.queue.push(e);
      } else {
        this.networkMessages++;
        if (e.kind == MSG_READY) this.capture(e as Ready);
        this.out.uint(node);
        this.out.bool(e.toManager);
        this.out.uint(e.to);
        this.out.bytes(e.bytes);
        this.outCount++;
      }
    }
    const actions = fx.actions;
    const na = actions.length;
    for (let i = 0; i < na; i++) this.report(unchecked(actions[i]));
    const f = fx.fired;
    if (f !== null && from >= 0) this.fire(from, f);
  }

  /** A READY that leaves the node carries the variables its guards read. */
  private capture(rd: Ready): void {
    if (rd.task == this.envTask) return;
    const live = this.tasks.offers[rd.task];
    for (let i = 0; i < rd.offers.length; i++) {
      const o = rd.offers[i];
      if (o.guard != 0 && o.captured.length == 0) o.captured = this.model.capture(live[o.index]);
    }
  }

  private report(a: Action): void {
    this.steps++;
    const G = this.gateCount;
    const T = this.taskCount;
    const gate = a.gate < G ? a.gate : a.gate < G + T ? -1 : (a.gate - G - T) / T;
    this.lastGate = gate;
    const lastTasks = this.lastTasks;
    const lastSteps = this.lastSteps;
    const ps = a.participants;
    const n = ps.length;
    // rewritten in place: k < the lengths, which only grow here (or are set to k below)
    let k = 0;
    for (let i = 0; i < n; i++) {
      const p = unchecked(ps[i]);
      if (p.task == this.envTask) continue;
      if (k < lastTasks.length && k < lastSteps.length) {
        unchecked(lastTasks[k] = p.task);
        unchecked(lastSteps[k] = p.step);
      } else {
        lastTasks.push(p.task);
        lastSteps.push(p.step);
      }
      k++;
    }
    if (lastTasks.length != k) lastTasks.length = k;
    if (lastSteps.length != k) lastSteps.length = k;
    this.lastVals = a.values;
    if (!this.printing) return;
    if (gate < 0 || !this.tasks.gateVisible[gate]) hostAction("i");
    else {
      let s = this.tasks.gateLabel[gate];
      for (let p = 0; p < a.values.length; p++) s += " !" + this.model.print(a.types[p], a.values[p]);
      hostAction(s);
    }
  }

  private deliver(e: Message): void {
    if (e.toManager) {
      this.effects(this.managers[e.to]!.receiveMessage(e), -1);
    } else {
      this.effects(this.sides[e.to]!.receiveMessage(e), e.to);
    }
  }

  /**
   * Delivers local messages until none is left, or (limit >= 0) after `limit` of them: a
   * node whose tasks keep talking among themselves must still give its host a turn.
   * Returns whether messages are left.
   */
  drain(limit: i32 = -1): bool {
    let n = 0;
    while (true) {
      while (this.head < this.queue.length) {
        if (limit >= 0 && n >= limit) return true;
        n++;
        const e = unchecked(this.queue[this.head++]);
        this.deliver(e);
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
      if (this.queue.length != 0) this.queue.length = 0;
      this.head = 0;
      // every message is in: the managers draw among all that is possible now
      this.pokeManagers();
      if (this.queue.length == 0) return false;
    }
    return false; // unreachable; asc wants a return after a `while (true)`
  }

  private pokeManagers(): void {
    const managers = this.managers;
    const n = managers.length;
    for (let m = 0; m < n; m++) {
      const mg = unchecked(managers[m]);
      if (mg !== null) this.effects(mg.poke(), -1);
    }
  }

  pending(): bool {
    return this.head < this.queue.length;
  }

  /**
   * Messages from other nodes: count, then (toManager, to, bytes) each. The host checked
   * that each decodes and is for a component of this node.
   */
  receive(batch: Uint8Array): void {
    const r = new PReader(batch);
    const n = r.uint();
    for (let i = 0; i < n; i++) {
      const toManager = r.bool();
      const to = r.uint();
      const msg: Message = decodeMessage(r.bytes());
      this.queue.push(envelope(toManager, to, msg));
    }
  }

  /** The outbox's bytes; it is emptied. */
  takeOut(): Uint8Array {
    const w = new PWriter();
    w.uint(this.outCount);
    const body = this.out.finish();
    const all = new Uint8Array(w.len + body.length);
    const head = w.finish();
    for (let i = 0; i < head.length; i++) all[i] = head[i];
    for (let i = 0; i < body.length; i++) all[head.length + i] = body[i];
    this.out = new PWriter();
    this.outCount = 0;
    return all;
  }

  /** Whether every task of this node has ended or may end. */
  ended(): bool {
    if (!this.started) return false;
    for (let t = 0; t < this.taskCount; t++) if (this.sides[t] !== null && !this.mayEnd[t]) return false;
    return true;
  }

  // ---- the embedded run

  private setBudgets(n: i32): void {
    for (let m = 0; m < this.managers.length; m++) {
      const mg = this.managers[m];
      if (mg !== null) mg.budget = n;
    }
  }

  /**
   * Runs up to `max` actions (every component is on this node). Returns RUN_STEPS when
   * `max` were done, RUN_TERMINATED, RUN_DEADLOCK, or RUN_ENVIRONMENT right after an action
   * the environment took part in (the host then sets its offers again).
   */
  run(max: i32, print: bool): i32 {
    this.printing = print;
    this.start();
    this.envFired = -1;
    const before = this.steps;
    this.setBudgets(max);
    this.pokeManagers();
    this.drain();
    this.setBudgets(0);
    if (this.envFired >= 0) return RUN_ENVIRONMENT;
    if (this.steps - before >= max) return RUN_STEPS;
    return this.ended() ? RUN_TERMINATED : RUN_DEADLOCK;
  }

  // ---- the environment's offers, set by the host

  envClear(): void {
    this.envNext = new Array<POffer>();
  }

  envOffer(gate: i32, id: i32, arity: i32, guard: bool): void {
    const positions = new Array<Position>();
    for (let p = 0; p < arity; p++) positions.push(Position.received(0));
    const o = new POffer(id, gate, guard ? 1 : 0, new Uint8Array(0), positions);
    this.envNext.push(o);
  }

  /** The type of position p of the last offer. */
  envType(p: i32, type: i32): void {
    const o = this.envNext[this.envNext.length - 1];
    o.positions[p].type = type;
  }

  /** The value position p of the last offer emits, or (fallback) supplies when no party emits one. */
  envValue(p: i32, value: Uint8Array, fallback: bool): void {
    const o = this.envNext[this.envNext.length - 1];
    const type = o.positions[p].type;
    o.positions[p] = fallback ? Position.supplied(type, value) : Position.emitted(value, type);
  }

  /** The environment offers what the host set (a new step; its managers are on this node and idle). */
  envPublish(): void {
    this.prepare();
    const side = this.sides[this.envTask]!;
    this.effects(side.reoffer(this.envNext), -1);
  }
}
