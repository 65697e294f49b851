// Every shared model compiles and runs in one Wasm instance; 20 seeds of 2,000 steps
// (or until the end) give traces the reference semantics accepts; and the behaviours
// each model is about: paint only Blue, philosophers' deadlock reported per task,
// committee meets in pairs, barrier rounds in lock step, bank stops at its hooked gate.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { sharedModels } from "../util/paths.js";
import { compiled } from "../backend/helpers.js";
import type { Built } from "../../src/cli/wasm-build.js";
import { EmbeddedModel, type RunResult } from "../../host/embedded/instance.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";
import { initialThread } from "../../src/semantics/behaviour.js";

const SEEDS = 20;
const STEPS = 2000;

async function get(name: string): Promise<Built> {
  const b = await compiled(join(sharedModels, `${name}.lnt`));
  if (typeof b === "string") assert.fail(`${name} does not compile:\n${b}`);
  return b;
}

function runSeed(b: Built, seed: number, steps = STEPS): { labels: string[]; result: RunResult } {
  const run = new EmbeddedModel(b.wasm, b.generated.manifest.sites.map((s) => s.types.length)).instantiate(seed);
  const labels: string[] = [];
  run.onLabel = (l) => labels.push(l);
  return { labels, result: run.run(steps) };
}

function accepted(b: Built, labels: readonly string[]): void {
  const checker = new TraceChecker(initialThread(b.root, []));
  for (const [i, l] of labels.entries()) {
    if (!checker.step(l)) assert.fail(`label ${i + 1} '${l}' refused after ${labels.slice(Math.max(0, i - 5), i).join(" | ")}; possible: ${checker.possible().join(", ")}`);
  }
}

for (const name of ["barrier", "buffer", "committee", "paint", "philosophers", "pingpong"]) {
  test(`${name}: ${SEEDS} seeds x ${STEPS} steps, every trace accepted by the reference semantics`, async () => {
    const b = await get(name);
    const traces = new Set<string>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { labels, result } = runSeed(b, seed);
      assert.notEqual(result.end, "stopped", `${name} seed ${seed}: ${JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
      if (result.end === "steps") assert.equal(labels.length, STEPS);
      accepted(b, labels);
      traces.add(labels.slice(0, 200).join("\n"));
      // the same seed gives the same run
      if (seed <= 2) assert.deepEqual(runSeed(b, seed).labels, labels);
    }
    if (name !== "pingpong" && name !== "paint") assert.ok(traces.size > 1, `${name}: seeds should vary the runs`);
  });
}

test("paint paints only Blue", async () => {
  const b = await get("paint");
  for (let seed = 1; seed <= 5; seed++) {
    const { labels } = runSeed(b, seed, 200);
    assert.equal(labels.length, 200);
    for (const l of labels) assert.match(l, /^(PAINT|SEEN) !BLUE$/);
  }
});

test("philosophers: the deadlock is found and each task's wait reported", async () => {
  const b = await get("philosophers");
  let deadlocks = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { result } = runSeed(b, seed);
    if (result.end !== "deadlock") continue;
    deadlocks++;
    assert.equal(result.waits.length, 6);
    for (const w of result.waits) {
      assert.equal(w.status, "offering");
      const texts = w.status === "offering" ? w.sites.map((s) => b.generated.manifest.sites[s]!.text) : [];
      // philosophers wait for their second fork, forks for the philosopher holding them to drop it
      assert.ok(texts.every((t) => (w.task < 3 ? t.startsWith("TAKE") : t.startsWith("DROP"))), texts.join(", "));
      // every position is emitted: philosopher and fork numbers
      if (w.status === "offering") for (const vs of w.values) assert.ok(vs.length === 2 && vs.every((v) => v !== undefined && /^\d$/.test(v)), JSON.stringify(vs));
    }
  }
  assert.ok(deadlocks > 0, "some seed should deadlock within 2000 steps");
});

test("committee meets only in pairs", async () => {
  const b = await get("committee");
  const meet = b.generated.manifest.gates.find((g) => g.name === "MEET")!;
  assert.ok(meet.vectors.every((v) => v.length === 2));
  for (let seed = 1; seed <= 5; seed++) {
    const run = new EmbeddedModel(b.wasm).instantiate(seed);
    let meets = 0;
    for (let i = 0; i < 500; i++) {
      assert.equal(run.run(1, false).end, "steps");
      const last = run.lastAction();
      if (last.gate === meet.id) {
        meets++;
        assert.equal(last.tasks.length, 2);
        assert.notEqual(last.tasks[0], last.tasks[1]);
      }
    }
    assert.ok(meets > 100);
  }
});

test("barrier: no worker starts round r+1 before all finished round r", async () => {
  const b = await get("barrier");
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { labels, result } = runSeed(b, seed);
    assert.equal(result.end, "terminated");
    const working = new Map<number, Set<number>>();
    let stepped = -1;
    for (const l of labels) {
      const w = /^WORKING !(\d+) !(\d+)$/.exec(l);
      const s = /^STEP !(\d+)$/.exec(l);
      if (w) {
        const r = Number(w[2]);
        assert.equal(stepped, r - 1, `round ${r} work before STEP !${r - 1}: ${l}`);
        if (!working.has(r)) working.set(r, new Set());
        working.get(r)!.add(Number(w[1]));
      } else if (s) {
        const r = Number(s[1]);
        assert.equal(working.get(r)?.size, 4, `STEP !${r} before all four worked round ${r}`);
        stepped = r;
      } else assert.fail(`unexpected label ${l}`);
    }
    assert.equal(stepped, 2);
  }
});

test("bank without hooks stops with a message naming REQUEST and the position", async () => {
  const b = await get("bank");
  const { result } = runSeed(b, 1);
  assert.equal(result.end, "stopped");
  if (result.end !== "stopped" || result.stop.kind !== "negotiation") return assert.fail(JSON.stringify(result));
  const site = b.generated.manifest.sites[result.stop.site]!;
  assert.equal(b.generated.manifest.gates[site.gate]!.label, "REQUEST");
  assert.equal(result.stop.position, 0);
});
