// Thousands of seeded runs of the protocol over the scenarios: every run is checked after
// each event against the product of the task automata, and at quiescence for missed
// rendezvous. A failure names its seed; runSeed(system, jsCore(...), seed) replays it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { jsCore } from "../../src/protocol-sim/core.js";
import { configBytes } from "../../src/protocol-sim/model.js";
import { runSeed } from "../../src/protocol-sim/simulator.js";
import { allScenarios, paint, pingpong, barrier } from "../../src/protocol-sim/scenarios.js";

const SEEDS = 300;

for (const sys of allScenarios()) {
  test(`${sys.name}: ${SEEDS} seeds`, () => {
    const config = configBytes(sys);
    let actions = 0;
    for (let seed = 1; seed <= SEEDS; seed++) actions += runSeed(sys, jsCore(config), seed).actions;
    assert.ok(actions > 0, "some rendezvous happened");
  });
}

for (const sys of allScenarios()) {
  test(`${sys.name}: ${SEEDS / 3} seeds, no per-channel order`, () => {
    const config = configBytes(sys);
    for (let seed = 1; seed <= SEEDS / 3; seed++) runSeed(sys, jsCore(config), seed, false);
  });
}

test("paint: every PAINT carries Blue, the only colour all guards accept", () => {
  const sys = paint();
  for (let seed = 1; seed <= 50; seed++) {
    const stats = runSeed(sys, jsCore(configBytes(sys)), seed);
    const values = stats.valuesByGate["PAINT"] ?? [];
    assert.ok(values.length >= 1);
    for (const v of values) assert.deepEqual(v, [2]);
  }
});

test("pingpong: five rounds then stuck, on every seed", () => {
  const sys = pingpong(5);
  for (let seed = 1; seed <= 50; seed++) {
    const stats = runSeed(sys, jsCore(configBytes(sys)), seed);
    assert.equal(stats.actions, 10);
    assert.deepEqual(stats.valuesByGate["PING"], [[0], [1], [2], [3], [4]]);
    assert.deepEqual(stats.valuesByGate["PONG"], [[1], [2], [3], [4], [5]]);
  }
});

test("barrier: three 4-party rounds with the round number", () => {
  const sys = barrier();
  for (let seed = 1; seed <= 50; seed++) {
    const stats = runSeed(sys, jsCore(configBytes(sys)), seed);
    assert.deepEqual(stats.valuesByGate["STEP"], [[0], [1], [2]]);
  }
});
