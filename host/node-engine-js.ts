// A NodeEngine over the protocol core's JS build (runtime-as/protocol, compiled by tsc):
// the task sides and manager sides placed on this node, with each task driven by a
// TaskDriver. Messages between endpoints of this node stay in a local queue; the others go
// to the transport with their destination endpoint. It is the shape the Wasm adapter
// takes (the same calls, into the model's instance), and it runs the benchmark's
// rendezvous and the tests today.

import { decodeEffects, encodeEffects, ManagerConfig, ManagerSide, TaskSide, type Effects, type Offer, type Oracle } from "../runtime-as/protocol/index.js";
import type { WireMessage } from "./transport.js";
import type { EngineOut, EngineStatus, NodeEngine } from "./node-shell.js";
import { StepUnwrapper } from "./trace-log.js";

/** What moves a task: its current offers, and what to do when one fires. */
export interface TaskDriver {
  /** Offers of the current state; none (and no internal step) when the task has ended. */
  offers(): { readonly offers: Offer[]; readonly internal: boolean };
  /** Offer `offer` fired with `values` (offer -1: the internal step): go to the next state. */
  fire(offer: number, values: readonly Uint8Array[]): void;
}

export interface SystemLayout {
  readonly taskCount: number;
  /** Node name of each task. */
  readonly taskNode: readonly string[];
  /** Manager of each gate. */
  readonly gateManager: readonly number[];
  /** Per manager: its node, its gates and their vectors. */
  readonly managers: readonly { readonly node: string; readonly gates: readonly number[]; readonly vectors: readonly (readonly (readonly number[])[])[] }[];
  /** Names for the action log. */
  readonly taskNames: readonly string[];
  /** The label of a rendezvous ("G !1 !2"); "i" for a hidden gate. */
  label(gate: number, values: readonly Uint8Array[]): string;
}

export class ProtocolEngine implements NodeEngine {
  private out: EngineOut | null = null;
  private readonly tasks = new Map<number, TaskSide>();
  private readonly managers = new Map<number, ManagerSide>();
  private readonly queue: WireMessage[] = [];
  private draining = false;
  private readonly ended = new Set<number>();
  private readonly unwrap = new StepUnwrapper();
  private pendingInternal = 0;
  private stopped = false;
  /** Rendezvous negotiated by this node's managers, and protocol messages, for statistics. */
  actions = 0;
  localMessages = 0;
  networkMessages = 0;

  constructor(
    private readonly self: string,
    private readonly layout: SystemLayout,
    private readonly drivers: ReadonlyMap<number, TaskDriver>,
    oracle: Oracle,
  ) {
    const gm = [...layout.gateManager];
    layout.taskNode.forEach((n, t) => {
      if (n === self) this.tasks.set(t, new TaskSide(t, gm));
    });
    layout.managers.forEach((m, id) => {
      if (m.node !== self) return;
      const cfg = new ManagerConfig(id, layout.taskCount, [...m.gates], m.vectors.map((vs) => vs.map((v) => [...v].sort((a, b) => a - b))));
      this.managers.set(id, new ManagerSide(cfg, oracle));
    });
  }

  start(out: EngineOut): void {
    this.out = out;
    for (const t of this.tasks.keys()) this.offer(t);
    this.drain();
  }

  deliver(_from: string, messages: readonly WireMessage[]): void {
    for (const m of messages) this.queue.push(m);
    this.drain();
  }

  status(): EngineStatus {
    if (this.queue.length > 0 || this.pendingInternal > 0) return "busy";
    return this.ended.size === this.tasks.size ? "ended" : "waiting";
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private offer(t: number): void {
    const { offers, internal } = this.drivers.get(t)!.offers();
    if (offers.length === 0 && !internal) this.ended.add(t);
    const task = this.tasks.get(t)!;
    this.effects(task.offer(offers, internal));
    const stepAtOffer = task.step;
    // A task that may move alone does so on the next turn, unless a rendezvous took it
    // first or a lock holds it then (it is offered again at its next state).
    if (internal) {
      this.pendingInternal++;
      setImmediate(() => {
        this.pendingInternal--;
        if (this.stopped || !task.canMoveAlone() || task.step !== stepAtOffer) return;
        const f = this.effects(task.moveAlone());
        if (f !== null) {
          // A move alone has no manager to log it: the task's node does.
          const name = this.layout.taskNames[t]!;
          this.out!.action([{ task: name, seq: this.unwrap.seq(name, f.step) }], "i");
          this.drivers.get(t)!.fire(f.offer, f.values);
          this.offer(t);
        }
        this.drain();
      });
    }
  }

  /** Applies effects: local sends queue up, remote ones leave in this turn's batch; returns the task's firing. */
  private effects(fx: Effects): Effects["fired"] {
    // Through bytes, as from the Wasm build: the adapter reads the same encoding.
    const e = decodeEffects(encodeEffects(fx));
    for (const s of e.sends) {
      const node = s.toManager ? this.layout.managers[s.to]!.node : this.layout.taskNode[s.to]!;
      const m: WireMessage = { toManager: s.toManager, to: s.to, payload: s.bytes };
      if (node === this.self) {
        this.localMessages++;
        this.queue.push(m);
      } else {
        this.networkMessages++;
        this.out!.send(node, [m]);
      }
    }
    for (const a of e.actions) {
      this.actions++;
      const parts = a.participants.map((p) => ({ task: this.layout.taskNames[p.task]!, seq: this.unwrap.seq(this.layout.taskNames[p.task]!, p.step) }));
      this.out!.action(parts, this.layout.label(a.gate, a.values));
    }
    return e.fired;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const m = this.queue.shift()!;
        try {
          if (m.toManager) {
            const mg = this.managers.get(m.to);
            if (mg) this.effects(mg.receive(m.payload));
            else this.out!.refuse(`a message for manager ${m.to}, which is not on this node`);
            continue;
          }
          const task = this.tasks.get(m.to);
          if (!task) {
            this.out!.refuse(`a message for task ${m.to}, which is not on this node`);
            continue;
          }
          const f = this.effects(task.receive(m.payload));
          if (f !== null) {
            this.drivers.get(m.to)!.fire(f.offer, f.values);
            this.offer(m.to);
          }
        } catch (err) {
          // The core's decoder throws on a message that does not decode: refuse it, go on.
          this.out!.refuse(`a protocol message that does not decode (${(err as Error).message})`);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
