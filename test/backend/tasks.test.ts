// Task extraction: tasks through process calls, nested par and hide; synchronization
// vectors for global sets, per-branch sets and #n, asserted exactly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { extractTasks } from "../../src/backend-wasm/tasks.js";
import { sharedModels } from "../util/paths.js";
import { generateText, modelFromFile, modelFromText } from "./helpers.js";

function vectorsByGate(model: ReturnType<typeof modelFromText>) {
  const sys = extractTasks(model.root!, []);
  const out: Record<string, number[][]> = {};
  for (const g of sys.gates) out[g.visible ? g.decl.name : `(hidden ${g.decl.name})`] = sys.vectors[g.id]!.map((v) => [...v]);
  return { sys, vectors: out, tasks: sys.tasks.map((t) => t.name) };
}

test("philosophers: TAKE and DROP pair any philosopher with any fork, EAT is local", () => {
  const { vectors, tasks } = vectorsByGate(modelFromFile(join(sharedModels, "philosophers.lnt")));
  assert.deepEqual(tasks, ["PHILOSOPHER", "PHILOSOPHER", "PHILOSOPHER", "FORK", "FORK", "FORK"]);
  const pairs = [[0, 3], [0, 4], [0, 5], [1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]];
  assert.deepEqual(vectors["TAKE"], pairs);
  assert.deepEqual(vectors["DROP"], pairs);
  assert.deepEqual(vectors["EAT"], [[0], [1], [2]]);
});

test("committee: MEET # 2 gives every pair", () => {
  const { vectors } = vectorsByGate(modelFromFile(join(sharedModels, "committee.lnt")));
  assert.deepEqual(vectors["MEET"], [[0, 1], [0, 2], [1, 2]]);
  assert.deepEqual(vectors["BUSY"], [[0], [1], [2]]);
});

test("buffer: per-branch sets and hidden gates", () => {
  const { vectors, sys } = vectorsByGate(modelFromFile(join(sharedModels, "buffer.lnt")));
  assert.deepEqual(vectors["PRODUCE"], [[0]]);
  assert.deepEqual(vectors["CONSUME"], [[2]]);
  assert.deepEqual(vectors["(hidden PUT)"], [[0, 1]]);
  assert.deepEqual(vectors["(hidden GET)"], [[1, 2]]);
  assert.equal(sys.gates.filter((g) => !g.visible).length, 2);
});

test("barrier: a 4-party vector", () => {
  const { vectors } = vectorsByGate(modelFromFile(join(sharedModels, "barrier.lnt")));
  assert.deepEqual(vectors["STEP"], [[0, 1, 2, 3]]);
  assert.deepEqual(vectors["WORKING"], [[0], [1], [2], [3]]);
});

test("nested par, branch sets, #n and a hide through process calls", () => {
  const m = modelFromText(`module m is
process W [A, B, C: none] is loop alt A [] B [] C end alt end loop end process
process GROUP [A, B, C: none] is
  par B # 2 in W [A, B, C] || W [A, B, C] || W [A, B, C] end par
end process
process MAIN [A, B, C: none] is
  hide H: none in
    par A, H in
      GROUP [A, B, C]
    || par C -> W [A, B, C] || C, H -> W [H, B, C] end par
    end par
  end hide
end process
end module`);
  const { vectors, tasks } = vectorsByGate(m);
  assert.deepEqual(tasks, ["W", "W", "W", "W", "W"]);
  // A: any one task of GROUP (A interleaves there) together with task 3 (task 4 knows A only as H)
  assert.deepEqual(vectors["A"], [[0, 3], [1, 3], [2, 3]]);
  // B: two of the group, or the right-hand tasks alone (B is in no set above them)
  assert.deepEqual(vectors["B"], [[0, 1], [0, 2], [1, 2], [3], [4]]);
  // C: the right-hand pair; the group's tasks interleave
  assert.deepEqual(vectors["C"], [[0], [1], [2], [3, 4]]);
  // the hidden H is in the outer global set, but GROUP cannot do it: blocked
  assert.deepEqual(vectors["(hidden H)"], []);
});

test("a par inside a task's sequential behaviour is a compile error at its position", () => {
  const m = modelFromText(`module m is
process MAIN [A, B: none] is
  A;
  par A in A || A end par
end process
end module`);
  const g = generateText(m);
  assert.equal(typeof g, "string");
  assert.match(g as string, /m\.lnt:4:3: error: 'par' inside the sequential behaviour of task 'MAIN'/);
  assert.match(g as string, /LNT7001/);
});

test("every shared model generates", () => {
  for (const name of ["bank", "barrier", "buffer", "committee", "paint", "philosophers", "pingpong"]) {
    const g = generateText(modelFromFile(join(sharedModels, `${name}.lnt`)));
    assert.notEqual(typeof g, "string", `${name}: ${String(g)}`);
  }
});

test("generation is deterministic: the same model gives the same AssemblyScript and manifest", () => {
  for (const name of ["philosophers", "buffer"]) {
    const a = generateText(modelFromFile(join(sharedModels, `${name}.lnt`)));
    const b = generateText(modelFromFile(join(sharedModels, `${name}.lnt`)));
    assert.ok(typeof a !== "string" && typeof b !== "string");
    assert.equal(a.source, b.source);
    assert.deepEqual(a.manifest, b.manifest);
  }
});
