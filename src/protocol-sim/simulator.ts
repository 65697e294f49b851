// A whole system (tasks, managers, nodes, network) in one process, driven by one seed or
// by an explorer choosing each step. Channels are FIFO per pair of endpoints; which channel
// delivers next, and when a task resumes, is the nondeterminism. After every event the
// simulator checks what the managers and tasks committed against the product of the task
// automata; when nothing is left to do it checks that no possible rendezvous was missed.

import { MSG_ABORT, MSG_COMMIT, MSG_DONE, MSG_LOCK, MSG_READY, MSG_RELEASE, Writer, decodeEffects } from "../../runtime-as/protocol/index.js";
import type { Effects } from "../../runtime-as/protocol/index.js";
import type { ProtocolCore } from "./core.js";
import { nextState, offersBytes } from "./model.js";
import type { SimOffer, SimSystem } from "./model.js";
import { Prng } from "./prng.js";
import { possibleRendezvous, refuseReason, vectorAllowed } from "./reference.js";

export class ProtocolFailure extends Error {}

export type SimEvent =
  | { kind: "deliver"; channel: number; index: number }
  | { kind: "offer"; task: number }
  | { kind: "internal"; task: number };

interface InFlight {
  bytes: Uint8Array;
  depth: number;
  netDepth: number;
}

interface Channel {
  from: number;
  to: number;
  queue: InFlight[];
  weight: number;
}

/** One step of the product: a rendezvous (from a manager) or a task's internal step. */
interface RefStep {
  gate: number;
  tasks: number[];
  steps: number[];
  offers: number[];
  values: number[];
}

interface Firing {
  gate: number;
  offer: number;
  values: number[];
  depth: number;
  netDepth: number;
}

export interface Stats {
  messages: number;
  network: number;
  byKind: Record<string, number>;
  actions: number;
  internal: number;
  aborts: number;
  /** Per rendezvous: longest causal chain of messages from a READY to a firing. */
  hops: number[];
  netHops: number[];
  /** Values of each committed rendezvous per gate name, for scenario assertions. */
  valuesByGate: Record<string, number[][]>;
  events: number;
}

const KIND_NAMES: Record<number, string> = {
  [MSG_READY]: "READY", [MSG_LOCK]: "LOCK", [MSG_COMMIT]: "COMMIT",
  [MSG_DONE]: "DONE", [MSG_ABORT]: "ABORT", [MSG_RELEASE]: "RELEASE",
};

export class Simulation {
  readonly sys: SimSystem;
  readonly core: ProtocolCore;
  private readonly prng: Prng;
  private readonly n: number;
  private readonly state: number[];
  /** The task fired and has not yet announced its next offers. */
  private readonly moving: boolean[];
  private readonly fired: number[];
  private readonly step: number[];
  private readonly done: boolean[];
  private readonly channels: Channel[] = [];
  private readonly channelIndex = new Map<number, number>();
  private readonly firings = new Map<string, Firing>();
  private readonly claimed = new Map<string, RefStep>();
  private readonly refState: number[];
  private readonly refNext: number[];
  private pendingRef: RefStep[] = [];
  private readonly hopsKnown = new Set<RefStep>();
  readonly stats: Stats = {
    messages: 0, network: 0, byKind: {}, actions: 0, internal: 0, aborts: 0,
    hops: [], netHops: [], valuesByGate: {}, events: 0,
  };

  /**
   * With `fifo` false, any message in flight may be delivered next, not only the oldest of
   * its channel: the protocol does not rely on per-channel order (see docs/protocol.md).
   */
  readonly fifo: boolean;

  constructor(sys: SimSystem, core: ProtocolCore, seed = 1, fifo = true) {
    this.sys = sys;
    this.fifo = fifo;
    this.core = core;
    this.prng = new Prng(seed);
    this.n = sys.tasks.length;
    this.state = sys.tasks.map((t) => t.initial);
    this.moving = sys.tasks.map(() => true);
    this.fired = sys.tasks.map(() => 0);
    this.step = sys.tasks.map(() => 0);
    this.done = sys.tasks.map(() => false);
    this.refState = sys.tasks.map((t) => t.initial);
    this.refNext = sys.tasks.map(() => 1);
  }

  private nodeOf(endpoint: number): number {
    return endpoint < this.n ? this.sys.tasks[endpoint]!.node : this.sys.managers[endpoint - this.n]!.node;
  }

  private channel(from: number, to: number): Channel {
    const key = from * 65536 + to;
    let i = this.channelIndex.get(key);
    if (i === undefined) {
      i = this.channels.length;
      // A per-channel weight makes some pairs slow and others fast, so messages on
      // different pairs overtake each other in varied ways from seed to seed.
      this.channels.push({ from, to, queue: [], weight: 1 + this.prng.below(8) });
      this.channelIndex.set(key, i);
    }
    return this.channels[i]!;
  }

  private fail(msg: string): never {
    throw new ProtocolFailure(`${this.sys.name}: ${msg}`);
  }

  /** Everything that may happen next. */
  events(): SimEvent[] {
    const evs: SimEvent[] = [];
    this.channels.forEach((c, i) => {
      const n = this.fifo ? Math.min(1, c.queue.length) : c.queue.length;
      for (let k = 0; k < n; k++) evs.push({ kind: "deliver", channel: i, index: k });
    });
    for (let t = 0; t < this.n; t++) {
      if (this.moving[t] && !this.done[t]) evs.push({ kind: "offer", task: t });
      else if (!this.moving[t] && this.sys.tasks[t]!.states[this.state[t]!]!.internal !== undefined && this.core.taskCanMoveAlone(t)) {
        evs.push({ kind: "internal", task: t });
      }
    }
    return evs;
  }

  apply(ev: SimEvent): void {
    this.stats.events++;
    if (ev.kind === "deliver") {
      const c = this.channels[ev.channel]!;
      const m = c.queue.splice(ev.index, 1)[0]!;
      const fx = c.to < this.n ? this.core.taskReceive(c.to, m.bytes) : this.core.managerReceive(c.to - this.n, m.bytes);
      this.effects(c.to, decodeEffects(fx), m.depth, m.netDepth);
    } else if (ev.kind === "offer") {
      const t = ev.task;
      this.moving[t] = false;
      this.step[t]!++;
      if (this.fired[t]! >= this.sys.maxSteps) {
        // Out of budget: the task ends, offering nothing (which also sends its refusals).
        this.done[t] = true;
        this.effects(t, decodeEffects(this.core.taskOffer(t, offersBytes({ offers: [] }), false)), 0, 0);
        return;
      }
      const st = this.sys.tasks[t]!.states[this.state[t]!]!;
      this.effects(t, decodeEffects(this.core.taskOffer(t, offersBytes(st), st.internal !== undefined)), 0, 0);
    } else {
      this.effects(ev.task, decodeEffects(this.core.taskMoveAlone(ev.task)), 0, 0);
    }
  }

  private effects(at: number, fx: Effects, depth: number, netDepth: number): void {
    for (const e of fx.sends) {
      const to = e.toManager ? this.n + e.to : e.to;
      const net = this.nodeOf(at) !== this.nodeOf(to);
      this.stats.messages++;
      if (net) this.stats.network++;
      const kind = KIND_NAMES[e.bytes[0]!] ?? "?";
      this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
      if (e.bytes[0] === MSG_ABORT) this.stats.aborts++;
      this.channel(at, to).queue.push({ bytes: e.bytes, depth: depth + 1, netDepth: netDepth + (net ? 1 : 0) });
    }
    for (const a of fx.actions) {
      const gate = a.gate;
      if (this.sys.gates[gate]?.manager !== a.manager) this.fail(`manager ${a.manager} committed on gate ${gate} it does not own`);
      const values = a.values.map((v) => (v.length === 1 ? v[0]! : this.fail("value not one byte")));
      const r: RefStep = {
        gate,
        tasks: a.participants.map((p) => p.task),
        steps: a.participants.map((p) => p.step),
        offers: a.participants.map((p) => p.offer),
        values,
      };
      this.stats.actions++;
      const name = this.sys.gates[gate]!.name;
      (this.stats.valuesByGate[name] ??= []).push(values);
      this.claim(r);
    }
    const f = fx.fired;
    if (f !== null) {
      if (at >= this.n) this.fail("a manager reported a firing");
      const t = at;
      if (f.step !== this.step[t]) this.fail(`task ${t} fired at step ${f.step}, it is at step ${this.step[t]}`);
      if (this.moving[t] || this.done[t]) this.fail(`task ${t} fired while not offering`);
      const st = this.sys.tasks[t]!.states[this.state[t]!]!;
      const values = f.values.map((v) => v[0]!);
      let next: number;
      if (f.offer < 0) {
        if (st.internal === undefined) this.fail(`task ${t} took an internal step it does not have`);
        next = st.internal;
        this.stats.internal++;
        this.claim({ gate: -1, tasks: [t], steps: [f.step], offers: [-1], values: [] });
      } else {
        const o = st.offers[f.offer];
        if (o === undefined || o.gate !== f.gate) this.fail(`task ${t} fired an offer it does not have`);
        next = nextState(o, values);
      }
      const firing: Firing = { gate: f.gate, offer: f.offer, values, depth, netDepth };
      this.firings.set(`${t}:${f.step}`, firing);
      const r = this.claimed.get(`${t}:${f.step}`);
      if (r !== undefined && f.offer >= 0) this.matchFiring(t, f.step, r);
      this.state[t] = next;
      this.fired[t]!++;
      this.moving[t] = true;
    }
  }

  /** Each (task, step) takes part in at most one step of the product. */
  private claim(r: RefStep): void {
    r.tasks.forEach((t, i) => {
      const key = `${t}:${r.steps[i]}`;
      if (this.claimed.has(key)) this.fail(`task ${t} at step ${r.steps[i]} is in two actions`);
      this.claimed.set(key, r);
      if (r.gate >= 0 && this.firings.has(key)) this.matchFiring(t, r.steps[i]!, r);
    });
    if (r.gate >= 0 && !vectorAllowed(this.sys, r.gate, r.tasks)) this.fail(`vector {${r.tasks}} not allowed on gate ${r.gate}`);
    this.pendingRef.push(r);
    this.advanceReference();
  }

  private matchFiring(t: number, step: number, r: RefStep): void {
    const f = this.firings.get(`${t}:${step}`)!;
    const i = r.tasks.indexOf(t);
    if (f.gate !== r.gate || f.offer !== r.offers[i] || f.values.join(",") !== r.values.join(",")) {
      this.fail(`task ${t} fired ${JSON.stringify(f)} but the action was ${JSON.stringify(r)}`);
    }
  }

  /** Replays committed steps on the product as soon as every participant is at the step's number. */
  private advanceReference(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const r of this.pendingRef) {
        if (!r.tasks.every((t, i) => this.refNext[t] === r.steps[i])) continue;
        const offers: SimOffer[] = [];
        r.tasks.forEach((t, i) => {
          const st = this.sys.tasks[t]!.states[this.refState[t]!]!;
          if (r.gate < 0) return;
          const o = st.offers[r.offers[i]!];
          if (o === undefined || o.gate !== r.gate) this.fail(`task ${t} has no offer ${r.offers[i]} on gate ${r.gate} in state ${this.refState[t]}`);
          offers.push(o);
        });
        if (r.gate >= 0) {
          const why = refuseReason(this.sys, offers, r.values);
          if (why !== null) this.fail(`rendezvous ${JSON.stringify(r)} not allowed: ${why}`);
        }
        r.tasks.forEach((t, i) => {
          const st = this.sys.tasks[t]!.states[this.refState[t]!]!;
          this.refState[t] = r.gate < 0 ? st.internal! : nextState(offers[i]!, r.values);
          this.refNext[t]!++;
        });
        this.pendingRef = this.pendingRef.filter((x) => x !== r);
        progress = true;
        break;
      }
    }
  }

  /** Nothing can happen any more: check that nothing that could happen was missed. */
  checkQuiescent(): void {
    for (const c of this.channels) if (c.queue.length > 0) this.fail("quiescent with messages in flight");
    if (this.pendingRef.length > 0) this.fail(`committed steps never fit the product: ${JSON.stringify(this.pendingRef)}`);
    for (const [key, f] of this.firings) {
      if (!this.claimed.has(key)) this.fail(`firing ${key} ${JSON.stringify(f)} without an action`);
    }
    for (const [key] of this.claimed) if (!this.firings.has(key)) this.fail(`action at ${key} never fired in its task`);
    const current = this.sys.tasks.map((task, t) => (this.done[t] || this.moving[t] ? null : task.states[this.state[t]!]!.offers));
    const missed = possibleRendezvous(this.sys, current);
    if (missed.length > 0) this.fail(`quiescent but a rendezvous is possible: ${JSON.stringify(missed[0])}`);
    this.collectHops();
  }

  private collectHops(): void {
    const seen = new Set<RefStep>();
    for (const r of this.claimed.values()) {
      if (seen.has(r) || r.gate < 0 || this.hopsKnown.has(r)) continue;
      seen.add(r);
      let hops = 0;
      let net = 0;
      r.tasks.forEach((t, i) => {
        const f = this.firings.get(`${t}:${r.steps[i]}`)!;
        hops = Math.max(hops, f.depth);
        net = Math.max(net, f.netDepth);
      });
      this.stats.hops.push(hops);
      this.stats.netHops.push(net);
    }
  }

  /** Runs to quiescence with seeded choices; throws ProtocolFailure (naming the seed) on a violation. */
  run(maxEvents = 200000): Stats {
    for (;;) {
      const evs = this.events();
      if (evs.length === 0) break;
      if (this.stats.events >= maxEvents) this.fail(`no quiescence after ${maxEvents} events`);
      const weights = evs.map((e) => (e.kind === "deliver" ? this.channels[e.channel]!.weight : e.kind === "offer" ? 4 : 1));
      let x = this.prng.below(weights.reduce((a, b) => a + b, 0));
      let k = 0;
      while (x >= weights[k]!) x -= weights[k++]!;
      this.apply(evs[k]!);
    }
    this.checkQuiescent();
    return this.stats;
  }

  /** The protocol state, canonical, for the explorer (statistics and checks excluded). */
  fingerprint(): string {
    const w = new Writer();
    w.bytes(this.core.fingerprint());
    for (let t = 0; t < this.n; t++) {
      w.uint(this.state[t]!);
      w.uint((this.moving[t] ? 1 : 0) + (this.done[t] ? 2 : 0));
      w.uint(this.fired[t]!);
    }
    const live = this.channels.filter((c) => c.queue.length > 0).sort((a, b) => a.from - b.from || a.to - b.to);
    for (const c of live) {
      w.uint(c.from);
      w.uint(c.to);
      w.uint(c.queue.length);
      for (const m of c.queue) w.bytes(m.bytes);
    }
    return Buffer.from(w.finish()).toString("base64");
  }
}

/** Runs one seed and turns any failure into an error that names the seed to replay. */
export function runSeed(sys: SimSystem, core: ProtocolCore, seed: number, fifo = true): Stats {
  try {
    return new Simulation(sys, core, seed, fifo).run();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ProtocolFailure(`seed ${seed} (replay: runSeed(system, core, ${seed}, ${fifo})): ${msg}`);
  }
}
