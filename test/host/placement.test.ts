// The cost of one rendezvous under a placement, against the table of docs/protocol.md
// section 8 (which the protocol simulator measured), and the default gate placement.

import { test } from "node:test";
import assert from "node:assert/strict";
import { autoDeployment, placeGates, resolvePlacement, uniqueNames, vectorCost, type PlanModel } from "../../host/placement.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";

/** The cost of vector `v` of gate 0 with gates on `gateNode` and tasks on `taskNode`. */
function cost(taskNode: number[], gateNode: number[], vectorsPerGate: number[][][], v: number[]): [number, number, number, number] {
  const managers = taskNode.map(() => new Set<number>());
  vectorsPerGate.forEach((vs, g) => vs.forEach((vec) => vec.forEach((t) => managers[t]!.add(gateNode[g]!))));
  const c = vectorCost(taskNode, managers, gateNode[0]!, v);
  return [c.messages, c.netMessages, c.hops, c.netHops];
}

test("rendezvous costs match docs/protocol.md's table", () => {
  const two = [[[0, 1]]];
  // 2 tasks on 2 nodes, both exclusive, manager with T0: 4 messages, 2 on the network, 2 hops.
  assert.deepEqual(cost([0, 1], [0], two, [0, 1]), [4, 2, 2, 2]);
  // Manager on a third node.
  assert.deepEqual(cost([0, 1], [2], two, [0, 1]), [4, 4, 2, 2]);
  // Everything on one node.
  assert.deepEqual(cost([0, 0], [0], two, [0, 1]), [4, 0, 2, 0]);
  // T0 also offers on gate H negotiated on a third node, G with T0: T0 is locked.
  // 6 messages, 3 hops (the table's 2n + m + one READY to the other manager).
  assert.deepEqual(cost([0, 1, 2], [0, 2], [[[0, 1]], [[0, 2]]], [0, 1]), [6, 3, 3, 2]);
  // Both tasks on 2 managers: 8 messages, 4 hops.
  const both = vectorCost([0, 1], [new Set([0, 1]), new Set([0, 1])], 0, [0, 1]);
  assert.deepEqual([both.messages, both.hops], [8, 4]);
  // 4-party barrier on 4 nodes, all exclusive: 8 messages, 6 on the network, 2 hops.
  assert.deepEqual(cost([0, 1, 2, 3], [0], [[[0, 1, 2, 3]]], [0, 1, 2, 3]), [8, 6, 2, 2]);
  // 3 tasks on 3 nodes, all on 2 managers (nodes 0 and 1): 12 messages, 9 network, 5 hops, 4 network.
  assert.deepEqual(cost([0, 1, 2], [0, 1], [[[0, 1, 2]], [[0, 1, 2]]], [0, 1, 2]), [12, 9, 5, 4]);
});

test("gates on one node share its manager: a task offering on both stays exclusive", () => {
  // The table's "T0 offers on 2 managers, managers with T0" costs 6 messages; here 4.
  assert.deepEqual(cost([0, 1, 0], [0, 0], [[[0, 1]], [[0, 2]]], [0, 1]), [4, 2, 2, 2]);
});

test("default placement: the gate goes where most parties are, ties to the first node; fixed gates stay", () => {
  const model: PlanModel = {
    tasks: [{ name: "A" }, { name: "B" }, { name: "C" }],
    gates: [{ name: "G", visible: true }, { name: "H", visible: false }, { name: "L", visible: true }],
    vectors: [[[0, 1, 2]], [[0, 1]], [[2]]],
  };
  assert.deepEqual(placeGates(model, [1, 1, 0], 2, new Map()), [1, 1, -1]);
  assert.deepEqual(placeGates(model, [0, 1, 2], 3, new Map()), [0, 0, -1]);
  assert.deepEqual(placeGates(model, [0, 1, 2], 3, new Map([[0, 2]])), [2, 2, -1], "H follows G so that A and B stay exclusive");
  // Deterministic: the same input, the same answer.
  assert.deepEqual(placeGates(model, [0, 1, 2], 3, new Map()), placeGates(model, [0, 1, 2], 3, new Map()));
});

test("--nodes K deals tasks round robin; repeated process names get #k", () => {
  const model: PlanModel = {
    tasks: [{ name: "P" }, { name: "Q" }, { name: "P" }, { name: "P" }],
    gates: [{ name: "G", visible: true }],
    vectors: [[[0, 1, 2, 3]]],
  };
  assert.deepEqual(uniqueNames(model.tasks.map((t) => t.name)), ["P#0", "Q", "P#1", "P#2"]);
  const d = autoDeployment(model, [7001, 7002, 7003]);
  assert.deepEqual(d.tasks.map((p) => `${p.name}:${p.node}`), ["P#0:node1", "Q:node2", "P#1:node3", "P#2:node1"]);
  const p = resolvePlacement(model, d, new DiagnosticBag())!;
  assert.deepEqual(p.gateNode, [0]);
});
