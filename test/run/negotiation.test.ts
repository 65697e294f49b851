// The embedded run negotiates through the protocol's task sides and one manager inside the
// model's Wasm (runtime-as/node/driver.ts): every task is exclusive to that manager, so a
// rendezvous of n parties costs n READYs and n COMMITs, by calls; moves a task makes alone
// go through the same manager; its draws vary with the seed and repeat for one seed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { compiled } from "../backend/helpers.js";
import { EmbeddedModel } from "../../host/embedded/instance.js";
import { sharedModels } from "../util/paths.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";
import { initialThread } from "../../src/semantics/behaviour.js";

async function model(name: string) {
  const b = await compiled(join(sharedModels, `${name}.lnt`));
  if (typeof b === "string") assert.fail(b);
  return b;
}

// parties per gate: pingpong's PING and PONG join both tasks; barrier's STEP all four
// workers, its WORKING one worker alone (a gate of its own, through the same manager)
const parties: Record<string, Record<string, number>> = { pingpong: { PING: 2, PONG: 2 }, barrier: { STEP: 4, WORKING: 1 } };

for (const name of ["pingpong", "barrier"]) {
  test(`${name}: a rendezvous of n parties costs n READYs and n COMMITs, all inside the Wasm`, async () => {
    const b = await model(name);
    const run = new EmbeddedModel(b.wasm).instantiate(5);
    const labels: string[] = [];
    run.onLabel = (l) => labels.push(l);
    run.run(1);
    const before = run.messages;
    labels.length = 0;
    // fewer than either model has actions: every rendezvous is followed by the next offers
    const r = run.run(6);
    assert.ok(labels.length > 0, JSON.stringify(r));
    const expected = labels.reduce((sum, l) => sum + 2 * parties[name]![l.split(" ")[0]!]!, 0);
    assert.equal(run.messages - before, expected, labels.join(" | "));
  });
}

test("a task's moves alone (i) and its rendezvous are drawn by one manager: seeds vary the run, one seed repeats it", async () => {
  const b = await model("philosophers");
  const traces = new Set<string>();
  for (let seed = 1; seed <= 12; seed++) {
    const labels: string[] = [];
    const run = new EmbeddedModel(b.wasm).instantiate(seed);
    run.onLabel = (l) => labels.push(l);
    run.run(60);
    const again: string[] = [];
    const run2 = new EmbeddedModel(b.wasm).instantiate(seed);
    run2.onLabel = (l) => again.push(l);
    run2.run(60);
    assert.deepEqual(again, labels, `seed ${seed} repeats`);
    const checker = new TraceChecker(initialThread(b.root, []));
    for (const l of labels) assert.ok(checker.step(l), `seed ${seed}: '${l}' refused`);
    traces.add(labels.join("|"));
  }
  assert.ok(traces.size >= 6, `${traces.size} distinct runs out of 12 seeds`);
});
