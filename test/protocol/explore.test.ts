// Exhaustive exploration of every interleaving of messages (and of task resumptions and
// internal steps) for small systems of 2-3 tasks, with state hashing; each state is
// checked against the product of the automata and each terminal state for missed rendezvous.

import { test } from "node:test";
import assert from "node:assert/strict";
import { jsCore } from "../../src/protocol-sim/core.js";
import { explore } from "../../src/protocol-sim/explore.js";
import { committee, oneShared, paint, philosophers, pingpong, ring, select, timeout } from "../../src/protocol-sim/scenarios.js";

const systems = [
  pingpong(2),
  pingpong(2, { split: true }),
  committee(3),
  committee(2, true),
  paint(2),
  timeout(1, 4),
  timeout(2, 3),
  ring(3, 2),
  oneShared(3),
  select(2, true, 3),
  philosophers(2, true, 4),
];

for (const sys of systems) {
  test(`exhaustive: ${sys.name}, ${sys.tasks.length} tasks, ${sys.maxSteps} steps each`, () => {
    const r = explore(sys, jsCore);
    console.log(`# ${sys.name}: ${r.states} states, ${r.transitions} transitions, ${r.terminals} terminal, depth ${r.maxDepth}`);
    assert.ok(r.states > 10);
    assert.ok(r.terminals >= 1);
  });
}

// The protocol does not need FIFO channels: explore with any message in flight deliverable.
for (const sys of [pingpong(2, { split: true }), ring(3, 1), select(2, true, 2), paint(2)]) {
  test(`exhaustive, unordered channels: ${sys.name}`, () => {
    const r = explore(sys, jsCore, 2_000_000, false);
    console.log(`# unordered ${sys.name}: ${r.states} states, ${r.transitions} transitions, ${r.terminals} terminal`);
    assert.ok(r.terminals >= 1);
  });
}
