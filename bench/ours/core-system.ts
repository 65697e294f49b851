// A scenario's abstract system (the protocol simulator's, bench/sim-messages.ts) run for
// real: the protocol core (JS build) negotiating over lntc's GrpcTransport, one Node
// process per node of the system, tasks as the system's automata (JS, no Wasm). Stands in
// for `lntc run --nodes K` on the scenarios with values, guards and conflicts until the
// compiled tasks run distributed.
//
// Latency is the interval between consecutive rendezvous at the first gate manager (all
// of them, when it is the only manager), so under conflicts it is the system's pace, not
// one offer's wait; rendezvous per second scale that manager's rate by all managers'
// rendezvous over its own; messages per rendezvous are every node's protocol sends over
// all managers' rendezvous. How often task 0 took part is reported, as a fairness hint.
//
//   node dist/bench/ours/core-system.js node SCENARIO NODE PORTS BUDGET_MS   (one node's role)

import { fileURLToPath } from "node:url";
import { GrpcTransport } from "../../host/transport-grpc.js";
import type { NodeAddress } from "../../host/transport.js";
import { ProtocolEngine, type SystemLayout, type TaskDriver } from "../../host/node-engine-js.js";
import { Offer, TableOracle } from "../../runtime-as/protocol/index.js";
import { freeLoopbackPorts } from "../../host/node-local.js";
import { nextState, toCoreOffer } from "../../src/protocol-sim/model.js";
import type { SimSystem, SimTask } from "../../src/protocol-sim/model.js";
import type { Figures, NotAvailable, RunContext, ScenarioId } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { lastJson, lastLine, peakRssSelf, runChild } from "../harness/proc.js";
import { Reservoir, summarize } from "../harness/stats.js";
import { systemFor } from "../sim-messages.js";

const HASH = Uint8Array.of(0xc0, 0x4e, 0x5f);

function nodesOf(sys: SimSystem): number[] {
  return [...new Set([...sys.tasks.map((t) => t.node), ...sys.managers.map((m) => m.node)])].sort((a, b) => a - b);
}

function layout(sys: SimSystem): SystemLayout {
  return {
    taskCount: sys.tasks.length,
    taskNode: sys.tasks.map((t) => `n${t.node}`),
    gateManager: sys.gates.map((g) => g.manager),
    managers: sys.managers.map((m, id) => {
      const gates = sys.gates.map((g, gid) => ({ g, gid })).filter((x) => x.g.manager === id);
      return { node: `n${m.node}`, gates: gates.map((x) => x.gid), vectors: gates.map((x) => x.g.vectors) };
    }),
    taskNames: sys.tasks.map((t) => t.name),
    label: (gate) => sys.gates[gate]!.name,
  };
}

/** A task of the system as an automaton: its state's offers, and where a firing leads. */
class Automaton implements TaskDriver {
  private state: number;
  rendezvous = 0;
  constructor(private readonly task: SimTask, private readonly onRendezvous: () => void = () => {}) {
    this.state = task.initial;
  }
  offers(): { offers: Offer[]; internal: boolean } {
    const s = this.task.states[this.state]!;
    return { offers: s.offers.map((o, i) => toCoreOffer(o, i)), internal: s.internal !== undefined };
  }
  fire(offer: number, values: readonly Uint8Array[]): void {
    const s = this.task.states[this.state]!;
    if (offer < 0) {
      this.state = s.internal!;
      return;
    }
    // Every value of these systems is encoded as one byte.
    this.state = nextState(s.offers[offer]!, values.map((v) => v[0]!));
    this.rendezvous++;
    this.onRendezvous();
  }
}

async function node(scenario: ScenarioId, self: number, ports: number[], budgetMs: number): Promise<void> {
  const sys = systemFor(scenario);
  const all = nodesOf(sys);
  const nodes: NodeAddress[] = all.map((k, i) => ({ name: `n${k}`, host: "127.0.0.1", port: ports[i]! }));
  const t = new GrpcTransport({ nodes, self: `n${self}`, deploymentHash: HASH, log: () => {}, startTimeoutMs: 60_000, peerTimeoutMs: 30_000 });
  const measuring = sys.managers[0]!.node === self;
  const lat = new Reservoir();
  let last = 0n;
  let recording = false;
  let recorded = 0;
  const drivers = new Map<number, Automaton>();
  sys.tasks.forEach((task, id) => {
    if (task.node !== self) return;
    drivers.set(id, new Automaton(task));
  });
  let managed = 0;
  const onAction = (parts: readonly unknown[], label: string): void => {
    // A task's move alone is logged by its node too: not a rendezvous.
    if (label === "i" && parts.length === 1) return;
    managed++;
    if (!measuring) return;
    const now = process.hrtime.bigint();
    if (recording && last !== 0n) {
      lat.add(Number(now - last) / 1000);
      recorded++;
    }
    last = now;
  };
  const engine = new ProtocolEngine(`n${self}`, layout(sys), drivers, new TableOracle(sys.typeSizes));
  // Peers that started first may send before this engine runs: hold their messages.
  let early: { from: string; ms: Parameters<typeof engine.deliver>[1] }[] | null = [];
  t.onMessages((from, ms) => (early ? early.push({ from, ms }) : engine.deliver(from, ms)));
  const report = (extra: object = {}): void => {
    const task0 = drivers.get(0)?.rendezvous;
    process.stdout.write(JSON.stringify({ node: self, sent: engine.localMessages + engine.networkMessages, actions: engine.actions, managed, maxRssBytes: peakRssSelf(), ...(task0 !== undefined ? { task0 } : {}), ...extra }) + "\n");
  };
  if (!measuring) {
    const bye = (): void => {
      report();
      process.exit(0);
    };
    t.onPeerLeft(bye);
    t.onPeerDown(bye);
  }
  await t.start();
  engine.start({ send: (to, ms) => t.send(to, ms), action: onAction, refuse: (why) => {
    process.stderr.write(`node ${self}: ${why}\n`);
    process.exit(3);
  } });
  const held = early;
  early = null;
  for (const e of held) engine.deliver(e.from, e.ms);
  if (!measuring) return;
  await new Promise((r) => setTimeout(r, Math.min(1000, budgetMs / 10)));
  recording = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, budgetMs));
  recording = false;
  const s = summarize(lat.values(), recorded, performance.now() - t0);
  report({ perSecond: s.perSecond, p50Us: s.p50Us, p99Us: s.p99Us, samples: s.samples });
  await t.close();
  process.exit(0);
}

export function measureCoreSystem(scenario: ScenarioId): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    const sys = systemFor(scenario);
    const all = nodesOf(sys);
    // Starting and meshing 32 processes on this machine takes several seconds.
    if (ctx.quick && all.length > 16) return notAvailable(`full run only (${all.length} node processes take seconds to start)`);
    const ports = await freeLoopbackPorts(all.length);
    const script = fileURLToPath(import.meta.url);
    const limit = ctx.budgetMs * 2 + 60_000;
    const runs = await Promise.all(all.map((k) => runChild(process.execPath, [script, "node", scenario, String(k), ports.join(","), String(Math.round(ctx.budgetMs))], { timeoutMs: limit })));
    const reports = runs.map((r) => lastJson(r.stdout));
    const head = reports.find((r) => r && typeof r["p50Us"] === "number");
    if (!head) {
      const bad = runs.find((r) => r.code !== 0) ?? runs[0]!;
      return notAvailable(`the ${all.length}-node run failed: ${lastLine(bad.stderr) || (bad.timedOut ? "timed out" : `exit ${bad.code}`)}`);
    }
    const actions = reports.reduce((sum, r) => sum + Number(r?.["actions"] ?? NaN), 0);
    const sent = reports.reduce((sum, r) => sum + Number(r?.["sent"] ?? NaN), 0);
    const task0 = reports.reduce((sum, r) => sum + Number(r?.["task0"] ?? 0), 0);
    const managedHere = Number(head["managed"]);
    const fair = (actions * sys.gates[0]!.vectors[0]!.length) / sys.tasks.length;
    return {
      perSecond: Number(head["perSecond"]) * (actions / managedHere),
      p50Us: Number(head["p50Us"]),
      p99Us: Number(head["p99Us"]),
      samples: Number(head["samples"]),
      messagesPerRendezvous: actions > 0 ? sent / actions : NaN,
      rssBytes: reports.map((r, i) => Number(r?.["maxRssBytes"] ?? runs[i]!.peakRssBytes ?? NaN)),
      note: `${sys.name}: ${all.length} node processes; latency = interval between rendezvous at the gate manager; task 0 took part in ${task0} rendezvous (${((100 * task0) / fair).toFixed(0)}% of an even share); not lntc run: JS tasks, no Wasm`,
    };
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "node") {
  const [scenario, self, ports, budget] = process.argv.slice(3);
  await node(scenario as ScenarioId, Number(self), ports!.split(",").map(Number), Number(budget));
}
