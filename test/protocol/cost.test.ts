// Messages and hops per rendezvous, measured by the simulator on contention-free systems
// (so the counts do not depend on the seed), beside DLC's formulas (2n+m messages, m+2
// hops). Also prints the averages on the contended scenarios, where aborts add messages.

import { test } from "node:test";
import assert from "node:assert/strict";
import { jsCore } from "../../src/protocol-sim/core.js";
import { configBytes } from "../../src/protocol-sim/model.js";
import type { SimState, SimSystem } from "../../src/protocol-sim/model.js";
import { runSeed } from "../../src/protocol-sim/simulator.js";
import type { Stats } from "../../src/protocol-sim/simulator.js";
import { allScenarios, barrier } from "../../src/protocol-sim/scenarios.js";

const K = 20;

/**
 * n tasks that fire gate 0 together K times. Task i is shared when `shared[i]`: it also
 * offers on a gate of its own (no partner, so it never fires) owned by another manager.
 * Node of each task and of each manager given; manager 0 owns gate 0, manager 1 the rest
 * (or manager 0 too, with `selectOnOneManager`: then the select needs no lock).
 */
function loop(name: string, nodes: number[], shared: boolean[], managerNodes: number[], selectOnOneManager = false): SimSystem {
  const n = nodes.length;
  const tasks = nodes.map((node, i) => {
    const offers: SimState["offers"] = [{ gate: 0, positions: [], next: 0 }];
    if (shared[i]) offers.push({ gate: 1 + i, positions: [], next: 0 });
    return { name: `T${i}`, node, states: [{ offers }], initial: 0 };
  });
  const all = Array.from({ length: n }, (_, i) => i);
  return {
    name,
    tasks,
    gates: [{ name: "G", manager: 0, vectors: [all] }, ...all.map((i) => ({ name: `X${i}`, manager: selectOnOneManager ? 0 : 1, vectors: [[i, (i + 1) % n]] }))],
    managers: managerNodes.map((node) => ({ node })),
    typeSizes: [],
    maxSteps: K,
  };
}

interface Row {
  case: string;
  n: number;
  m: number;
  perAction: number;
  networkPerAction: number;
  hops: number;
  netHops: number;
}

/** m = how many participants DLC would lock (those with more than one action enabled). */
function measure(label: string, sys: SimSystem, n: number, m: number): Row {
  const s: Stats = runSeed(sys, jsCore(configBytes(sys)), 1);
  assert.equal(s.actions, K);
  // The last READYs (after the K-th firing) are not sent: each task stops at K firings.
  return {
    case: label, n, m,
    perAction: s.messages / s.actions,
    networkPerAction: s.network / s.actions,
    hops: Math.max(...s.hops),
    netHops: Math.max(...s.netHops),
  };
}

test("messages and hops per rendezvous, beside DLC", () => {
  const rows: Row[] = [
    measure("2 tasks, 2 nodes, both exclusive, manager with T0", loop("a", [0, 1], [false, false], [0, 0]), 2, 0),
    measure("2 tasks, 2 nodes, both exclusive, manager on a 3rd node", loop("b", [0, 1], [false, false], [2, 2]), 2, 0),
    measure("2 tasks, both exclusive, all on one node", loop("c", [0, 0], [false, false], [0, 0]), 2, 0),
    measure("2 tasks, 2 nodes, T0 shared, managers with T0", loop("d", [0, 1], [true, false], [0, 0]), 2, 1),
    measure("2 tasks, 2 nodes, T0 shared, managers with T1", loop("e", [0, 1], [true, false], [1, 1]), 2, 1),
    measure("2 tasks, 2 nodes, T0 selects 2 gates of one manager (with T0)", loop("s", [0, 1], [true, false], [0, 0], true), 2, 1),
    measure("2 tasks, 2 nodes, both shared, managers with T0", loop("f", [0, 1], [true, true], [0, 0]), 2, 2),
    measure("4 tasks, 4 nodes, all exclusive (barrier)", loop("g", [0, 1, 2, 3], [false, false, false, false], [0, 0]), 4, 0),
    measure("3 tasks, 3 nodes, all shared", loop("h", [0, 1, 2], [true, true, true], [0, 0]), 3, 3),
  ];
  console.log("# case | n | m | msgs/rdv (ours) | DLC 2n+m (+1 READY per extra gate) | network msgs/rdv | hops (ours) | DLC m+2 | network hops");
  for (const r of rows) {
    // A shared task here also sends one READY per step to its other gate: DLC would too.
    const dlc = r.m === 0 ? 2 * r.n : 2 * r.n + r.m + r.m;
    const dlcHops = r.m === 0 ? 2 : r.m + 2;
    console.log(`# ${r.case} | ${r.n} | ${r.m} | ${r.perAction} | ${dlc} | ${r.networkPerAction} | ${r.hops} | ${dlcHops} | ${r.netHops}`);
    assert.ok(r.perAction <= dlc, r.case);
    assert.ok(r.hops <= dlcHops, r.case);
  }
  // The target: two tasks on two nodes meet in one network round trip.
  assert.equal(rows[0]!.networkPerAction, 2);
  assert.equal(rows[0]!.netHops, 2);
  assert.equal(rows[2]!.networkPerAction, 0);
  // A shared task whose managers sit on its node: still one network round trip.
  assert.equal(rows[3]!.networkPerAction, 2);
  // A select over gates of one manager needs no lock: 2n, where DLC locks (2n+m, +1 READY).
  assert.equal(rows[5]!.perAction, 4);
  assert.equal(rows[5]!.hops, 2);
});

test("averages on the scenarios (contention included)", () => {
  console.log("# scenario | rendezvous | msgs/rdv | network msgs/rdv | aborts/rdv | mean hops");
  for (const sys of [...allScenarios(), barrier()]) {
    let actions = 0, messages = 0, network = 0, aborts = 0, hops = 0, count = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const s = runSeed(sys, jsCore(configBytes(sys)), seed);
      actions += s.actions; messages += s.messages; network += s.network; aborts += s.aborts;
      hops += s.hops.reduce((a, b) => a + b, 0); count += s.hops.length;
    }
    const f = (x: number): string => (x / actions).toFixed(2);
    console.log(`# ${sys.name} | ${actions} | ${f(messages)} | ${f(network)} | ${f(aborts)} | ${(hops / count).toFixed(2)}`);
  }
});
