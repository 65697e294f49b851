// A NodeEngine over a compiled model's Wasm: one instance holds the whole model, and its
// driver (runtime-as/node/driver.ts) runs the tasks placed on this node behind their task
// sides and this node's manager, carrying their messages among them inside Wasm. The host
// only carries the messages for other nodes: it validates what arrives (a message that
// does not decode, or that is for a component elsewhere, is refused), hands it to the Wasm,
// and sends what the Wasm's outbox holds. A turn of the Wasm delivers a bounded number of
// local messages, so a node whose tasks keep talking among themselves still serves the
// network, its peers and Ctrl-C.

import { decodeMessage, Reader, Writer } from "../runtime-as/protocol/index.js";
import { compileModel, ModelWasm } from "./model-wasm.js";
import type { WireMessage } from "./transport.js";
import type { EngineOut, EngineStatus, NodeEngine } from "./node-shell.js";
import { StepUnwrapper } from "./trace-log.js";
import { HookFailure, NodeEnvironment } from "./node-environment.js";

/** The parts of a compiled model's manifest.json a node reads. */
export interface NodeManifest {
  readonly tasks: readonly { readonly id: number; readonly name: string }[];
  readonly gates: readonly { readonly id: number; readonly name: string; readonly label: string; readonly visible: boolean; readonly vectors: readonly (readonly number[])[] }[];
  readonly sites: readonly { readonly id: number; readonly task: number; readonly gate: number; readonly types: readonly number[] }[];
  readonly errors: readonly { readonly code: number; readonly text: string; readonly args: readonly string[]; readonly at: string | undefined }[];
}

/** A run-time error of the model (or an abort of its Wasm), with its message ready to print. */
export class ModelFailure extends Error {}

/** The reason every node stops with when a hook misbehaved (its runner prints the diagnostic). */
export const HOOKS_FAILED = "the hooks stopped the run";

/** Local messages delivered per turn of the Wasm. */
const TURN = 2048;

/** The model's instance on a node: its reports become exceptions that stop the run. */
export class WasmModel extends ModelWasm {
  /** Called for each action decided on this node, with its label (participants: `participants()`). */
  onAction: ((label: string) => void) | undefined;
  /** The environment's accept hook (hooks on this node), on the candidate values. */
  onEnvAccept: ((offer: number, values: Uint8Array[]) => boolean) | undefined;

  constructor(wasm: Uint8Array, manifest: NodeManifest, seed: number) {
    const errorText = (id: number, value: string): string => {
      const e = manifest.errors[id];
      if (!e) return `run-time error ${id} of the model (${value})`;
      let text = e.text;
      e.args.forEach((a, i) => (text = text.split(`{${i}}`).join(a === "$value" ? value : a)));
      return `${e.at ?? "?"}: error LNT${e.code}: ${text}`;
    };
    const fail = (message: string): never => {
      throw new ModelFailure(message);
    };
    // the callbacks reach the instance once it exists (they run only after construction)
    const self: { m?: WasmModel } = {};
    super(compileModel(wasm), seed, {
      error: (id, value) => fail(errorText(id, String(value))),
      negotiation: (site, position) => {
        const at = (manifest.sites[site] as { at?: string } | undefined)?.at;
        return fail(`${at ?? `offer site ${site}`}: position ${position + 1} is a value nobody emits, of a type too large to enumerate (it needs hooks)`);
      },
      abort: (message) => fail(`the model's Wasm aborted: ${message}`),
      unknown: (mod, name) => fail(`the model called ${mod}.${name}, which a distributed run does not provide`),
      action: (label) => self.m!.onAction?.(label),
      envAccept: (offer, values) => {
        const accept = self.m!.onEnvAccept;
        if (!accept) return true;
        try {
          return accept(offer, values);
        } catch (reason) {
          // unwinds the Wasm; the engine stops the run with it
          throw new HookFailure(reason);
        }
      },
    });
    self.m = this;
  }
}

export interface WasmEngineOptions {
  readonly self: string;
  /** Node name of each task (by task id). */
  readonly taskNode: readonly string[];
  /** Node name of each gate's manager, or undefined for a gate no two tasks synchronize on. */
  readonly gateNode: readonly (string | undefined)[];
  /** Node names in deployment order: manager id = node index. */
  readonly nodes: readonly string[];
  /** Deployment names of the tasks, for the log. */
  readonly taskNames: readonly string[];
  /** Seeds this node's manager (its draws among possible rendezvous) and the model's `any`. */
  readonly seed?: number;
}

export class WasmEngine implements NodeEngine {
  /** The environment party of this node's hooked gates, for the hook runner (unused without hooks). */
  readonly environment: NodeEnvironment;
  private out: EngineOut | null = null;
  private readonly unwrap = new StepUnwrapper();
  private readonly self: number;
  private readonly nodeOfTask: readonly number[];
  private scheduled = false;
  private stopped = false;
  private failed = false;
  private turns = 0;

  constructor(
    private readonly m: WasmModel,
    manifest: NodeManifest,
    private readonly o: WasmEngineOptions,
  ) {
    const index = new Map(o.nodes.map((n, i) => [n, i] as const));
    this.self = index.get(o.self)!;
    this.nodeOfTask = o.taskNode.map((n) => index.get(n)!);
    const w = new Writer();
    w.uint(this.self);
    w.uint(o.nodes.length);
    for (const n of this.nodeOfTask) w.uint(n);
    for (const g of manifest.gates) {
      const n = o.gateNode[g.id];
      w.uint(n === undefined ? 0 : index.get(n)! + 1);
    }
    m.stage(w.finish());
    m.x.nodeSetup((o.seed ?? 1) >>> 0);
    this.environment = new NodeEnvironment(m, () => this.m.x.nodePending() !== 0, () => {
      if (this.out !== null) this.turn();
    });
    m.onEnvAccept = (offer, values) => this.environment.onEnvAccept?.(offer, values) ?? true;
    m.onAction = (label) => {
      // The action's participants, as the manager saw their steps: the log's sequence numbers.
      const parts = this.m.participants().map((p) => {
        const name = this.o.taskNames[p.task]!;
        return { task: name, seq: this.unwrap.seq(name, p.step) };
      });
      this.out!.action(parts, label);
    };
  }

  get actions(): number {
    return this.m.x.steps();
  }
  get localMessages(): number {
    return this.m.x.localMessages();
  }
  get networkMessages(): number {
    return this.m.x.networkMessages();
  }

  start(out: EngineOut): void {
    this.out = out;
    this.guard(() => this.m.x.nodeStart());
    this.turn();
  }

  deliver(from: string, messages: readonly WireMessage[]): void {
    if (this.stopped) return;
    const w = new Writer();
    let n = 0;
    const body = new Writer();
    for (const msg of messages) {
      // Checked here, before the Wasm sees it: its decoder traps on what is not a message.
      try {
        decodeMessage(msg.payload);
      } catch (err) {
        this.out!.refuse(`a protocol message from ${from} that does not decode (${(err as Error).message})`);
        continue;
      }
      const mine = msg.toManager ? msg.to === this.self : this.nodeOfTask[msg.to] === this.self;
      if (!mine) {
        this.out!.refuse(`a message from ${from} for ${msg.toManager ? "manager" : "task"} ${msg.to}, which is not on this node`);
        continue;
      }
      body.bool(msg.toManager);
      body.uint(msg.to);
      body.bytes(msg.payload);
      n++;
    }
    if (n === 0) return;
    w.uint(n);
    const head = w.finish();
    const b = body.finish();
    const all = new Uint8Array(head.length + b.length);
    all.set(head);
    all.set(b, head.length);
    this.m.stage(all);
    this.guard(() => this.m.x.nodeReceive());
    this.turn();
  }

  status(): EngineStatus {
    if (this.scheduled) return "busy";
    if (this.m.x.nodeEnded()) return "ended";
    // hooks that may still offer keep the run going, as in the embedded run
    return this.environment.live ? "busy" : "waiting";
  }

  stop(): void {
    this.stopped = true;
  }

  /** The run is over on every node: the hook runner learns how. */
  finished(result: Parameters<NodeEnvironment["finish"]>[0]): void {
    this.environment.finish(result);
  }

  /** Runs `f`; a failure of the model stops every node with its message. */
  private guard(f: () => void): void {
    if (this.failed) return;
    try {
      f();
    } catch (err) {
      if (err instanceof HookFailure) {
        // the hook runner reports it (a diagnostic naming the gate); every node stops
        this.failed = true;
        this.stopped = true;
        this.environment.finish({ end: "stopped", steps: this.actions, stop: { kind: "host", reason: err.reason } });
        this.out?.fail?.(HOOKS_FAILED);
        return;
      }
      if (!(err instanceof ModelFailure)) throw err;
      this.failed = true;
      this.stopped = true;
      this.environment.finish({ end: "stopped", steps: this.actions, stop: { kind: "abort", message: err.message } });
      if (this.out?.fail) this.out.fail(err.message);
      else throw err;
    }
  }

  /** One turn of the Wasm: local messages (bounded), then the outbox to the network. */
  private turn(): void {
    if (this.stopped) return;
    let more = false;
    this.guard(() => {
      more = this.m.x.nodeDrain(TURN) !== 0;
    });
    this.flushOut();
    this.guard(() => this.environment.afterTurn(!more));
    // deferred offers of the environment may have been published just now
    if (!more && !this.stopped) more = this.m.x.nodePending() !== 0;
    // no Wasm frame holds a reference here: the minimal runtime collects when told
    if (++this.turns % 8 === 0 || more) this.m.x.__collect();
    if (more && !this.stopped && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.turn();
      });
    }
  }

  private flushOut(): void {
    if (this.failed) return;
    const bytes = this.m.takeOut();
    const r = new Reader(bytes);
    const n = r.uint();
    if (n === 0) return;
    const byNode = new Map<number, WireMessage[]>();
    for (let i = 0; i < n; i++) {
      const node = r.uint();
      const toManager = r.bool();
      const to = r.uint();
      const payload = r.bytes();
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push({ toManager, to, payload });
    }
    for (const [node, list] of byNode) this.out!.send(this.o.nodes[node]!, list);
  }
}
