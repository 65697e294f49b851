// The protocol simulator's scenarios (test/protocol/scenarios.ts: pingpong, philosophers,
// committee, paint, barrier, select, rings, ...), run for real: one GrpcTransport, node
// shell and protocol engine per node of the scenario's placement, over loopback gRPC.
// Checked: every node reaches the same verdict, the one the tasks' ends imply; the merged
// logs are consistent and hold every firing once; each action is a joint transition of the
// participants' states (the simulator's reference); and at a deadlock no rendezvous among
// the current offers was missed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { TableOracle } from "../../runtime-as/protocol/index.js";
import { nextState, toCoreOffer, type SimOffer, type SimSystem } from "../../src/protocol-sim/model.js";
import { possibleRendezvous, refuseReason, vectorAllowed } from "../../src/protocol-sim/reference.js";
import { GrpcTransport } from "../../host/transport-grpc.js";
import { ProtocolEngine, type SystemLayout, type TaskDriver } from "../../host/node-engine-js.js";
import { runNode } from "../../host/node-shell.js";
import { logHeader, mergeLogActions } from "../../host/trace-log.js";
import { uniqueNames } from "../../host/placement.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sourceFile } from "../../src/frontend/source.js";
import { allScenarios } from "../protocol/scenarios.js";
import { freePorts } from "./helpers.js";
import type { Offer } from "../../runtime-as/protocol/index.js";

interface Firing {
  state: number;
  offer: number;
  values: number[];
}

class SimDriver implements TaskDriver {
  state: number;
  readonly history: Firing[] = [];
  constructor(private readonly sys: SimSystem, private readonly t: number) {
    this.state = sys.tasks[t]!.initial;
  }
  get ended(): boolean {
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    return this.history.length >= this.sys.maxSteps || (st.offers.length === 0 && st.internal === undefined);
  }
  offers(): { offers: Offer[]; internal: boolean } {
    if (this.history.length >= this.sys.maxSteps) return { offers: [], internal: false };
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    return { offers: st.offers.map((o, i) => toCoreOffer(o, i)), internal: st.internal !== undefined };
  }
  fire(offer: number, values: readonly Uint8Array[]): void {
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    const vs = values.map((v) => v[0]!);
    this.history.push({ state: this.state, offer, values: vs });
    this.state = offer < 0 ? st.internal! : nextState(st.offers[offer]!, vs);
  }
  current(): SimOffer[] | null {
    return this.history.length >= this.sys.maxSteps ? null : this.sys.tasks[this.t]!.states[this.state]!.offers;
  }
}

async function runDistributed(sys: SimSystem): Promise<string> {
  const nodeIds = [...new Set([...sys.tasks.map((t) => t.node), ...sys.managers.map((m) => m.node)])].sort((a, b) => a - b);
  const names = nodeIds.map((n) => `n${n}`);
  const ports = await freePorts(names.length);
  const nodes = names.map((name, i) => ({ name, host: "127.0.0.1", port: ports[i]! }));
  const taskNames = uniqueNames(sys.tasks.map((t) => t.name));
  const layout: SystemLayout = {
    taskCount: sys.tasks.length,
    taskNode: sys.tasks.map((t) => `n${t.node}`),
    gateManager: sys.gates.map((g) => g.manager),
    managers: sys.managers.map((m, id) => {
      const gates = sys.gates.map((g, gi) => ({ g, gi })).filter((x) => x.g.manager === id);
      return { node: `n${m.node}`, gates: gates.map((x) => x.gi), vectors: gates.map((x) => x.g.vectors) };
    }),
    taskNames,
    label: (g, values) => [sys.gates[g]!.name, ...values.map((v) => `!${v[0]}`)].join(" "),
  };
  const drivers = sys.tasks.map((_, t) => new SimDriver(sys, t));
  const logs = new Map(names.map((n) => [n, [] as string[]]));
  const said: string[] = [];
  const engines = new Map(
    names.map((name) => {
      const mine = new Map<number, TaskDriver>();
      sys.tasks.forEach((t, i) => {
        if (`n${t.node}` === name) mine.set(i, drivers[i]!);
      });
      return [name, new ProtocolEngine(name, layout, mine, new TableOracle(sys.typeSizes))] as const;
    }),
  );
  const verdicts = await Promise.all(
    names.map((name) =>
      runNode({
        transport: new GrpcTransport({ nodes, self: name, deploymentHash: Uint8Array.of(7), log: (l) => said.push(`${name}: ${l}`) }),
        nodes: names,
        engine: engines.get(name)!,
        logHeader: logHeader(name, "07"),
        log: (line) => logs.get(name)!.push(line),
        say: (l) => said.push(`${name}: ${l}`),
      }),
    ),
  );
  const expected = drivers.every((d) => d.ended) ? "terminated" : "deadlock";
  assert.deepEqual(verdicts.map((v) => v.kind), names.map(() => expected), said.join("\n"));
  const diags = new DiagnosticBag();
  const actions = mergeLogActions(names.map((n) => sourceFile(`${n}.log`, logs.get(n)!.join("\n") + "\n")), diags);
  assert.deepEqual(diags.items.map((d) => d.message), []);
  const taskId = new Map(taskNames.map((n, i) => [n, i] as const));
  const seen = drivers.map(() => 0);
  for (const a of actions!) {
    const tasks = a.parts.map((p) => taskId.get(p.task)!);
    const firings = a.parts.map((p, i) => {
      const f = drivers[tasks[i]!]!.history[p.seq - 1];
      assert.ok(f, `${p.task} has no firing ${p.seq}`);
      seen[tasks[i]!]++;
      return f;
    });
    if (a.label === "i") {
      assert.equal(firings.length, 1);
      assert.equal(firings[0]!.offer, -1);
      continue;
    }
    const offers = firings.map((f, i) => sys.tasks[tasks[i]!]!.states[f.state]!.offers[f.offer]!);
    const gate = offers[0]!.gate;
    assert.equal(a.label.split(" ")[0], sys.gates[gate]!.name);
    assert.ok(offers.every((o) => o.gate === gate), `${a.label}: offers on different gates`);
    assert.ok(vectorAllowed(sys, gate, [...tasks].sort((x, y) => x - y)), `${a.label}: vector ${tasks} not allowed`);
    assert.equal(refuseReason(sys, offers, firings[0]!.values), null, `${a.label}: not a joint transition`);
    for (const f of firings) assert.deepEqual(f.values, firings[0]!.values);
  }
  // Every firing of every task is in the merged trace, once.
  assert.deepEqual(seen, drivers.map((d) => d.history.length));
  if (expected === "deadlock") {
    assert.deepEqual(possibleRendezvous(sys, drivers.map((d) => d.current())), [], "a rendezvous was possible at the deadlock");
  }
  const net = [...engines.values()].reduce((s, e) => s + e.networkMessages, 0);
  return `${names.length} nodes, ${expected}, ${actions!.length} actions, ${net} network messages`;
}

for (const sys of allScenarios()) {
  test(`distributed over gRPC: ${sys.name}`, { timeout: 20_000 }, async (t) => {
    t.diagnostic(await runDistributed(sys));
  });
}
