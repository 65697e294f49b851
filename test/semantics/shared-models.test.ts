// The reference interpreter on the shared models: the properties the issue
// asks for, checked on the whole state space.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { sharedModels } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";
import { accepts, lts, modelFromFile } from "./helpers.js";

const model = (name: string): string => join(sharedModels, `${name}.lnt`);

test("paint: two states, two transitions, every PAINT is PAINT !BLUE", () => {
  const l = lts(modelFromFile(model("paint")));
  assert.equal(l.states, 2);
  assert.equal(l.transitions, 2);
  const paints = l.edges.filter((e) => e.label.startsWith("PAINT"));
  assert.ok(paints.length > 0);
  for (const e of paints) assert.equal(e.label, "PAINT !BLUE");
  assert.deepEqual(l.deadlocks, []);
});

test("pingpong: exactly PING !0, PONG !1, ..., PONG !5, then a deadlock", () => {
  const l = lts(modelFromFile(model("pingpong")));
  assert.equal(l.states, 11);
  assert.equal(l.transitions, 10);
  const expected: string[] = [];
  for (let n = 0; n < 5; n++) expected.push(`PING !${n}`, `PONG !${n + 1}`);
  // A line: state k goes to k+1 with the k-th label.
  l.edges.forEach((e, k) => assert.deepEqual(e, { src: k, label: expected[k], dst: k + 1 }));
  assert.deepEqual(l.deadlocks, [10]);
  assert.deepEqual(l.terminated, []);
  assert.deepEqual(l.traceTo(10), expected);
});

test("committee: every MEET involves exactly two members", () => {
  const l = lts(modelFromFile(model("committee")));
  // States: which members are busy after meeting (2^3); hand-counted transitions:
  // 3 MEET from the initial state, 2 from each of the 3 states with two free
  // members plus their BUSY, 2 BUSY from each state with one free member, 3 from all busy.
  assert.equal(l.states, 8);
  assert.equal(l.transitions, 18);
  // After any MEET from the initial state exactly two members owe a BUSY.
  const first = l.edges.filter((e) => e.src === 0);
  assert.equal(first.length, 3);
  const busyAfter = first.map((e) => l.edges.filter((x) => x.src === e.dst && x.label.startsWith("BUSY")).map((x) => x.label).sort());
  assert.deepEqual(busyAfter.map((b) => b.length), [2, 2, 2]);
  assert.equal(new Set(busyAfter.map((b) => b.join())).size, 3);
  assert.ok(accepts(l.init, ["MEET", "BUSY !1", "BUSY !3"]));
  assert.ok(!accepts(l.init, ["MEET", "BUSY !1", "BUSY !2", "BUSY !3"]));
  assert.ok(!accepts(l.init, ["BUSY !1"]));
});

test("philosophers: a reachable deadlock, and --deadlocks prints a trace to it", () => {
  const l = lts(modelFromFile(model("philosophers")));
  assert.ok(l.deadlocks.length > 0);
  for (const d of l.deadlocks) {
    const tr = l.traceTo(d);
    assert.equal(tr.length, 3); // each philosopher takes its first fork
    assert.ok(accepts(l.init, tr));
  }
  const r = runCli(["explore", model("philosophers"), "--deadlocks"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /deadlock in state \d+ after 3 actions:\n {2}TAKE !0 !0\n {2}TAKE !1 !1\n {2}TAKE !2 !2\n/);
  assert.match(r.stderr, /63 states, 141 transitions, 2 deadlocks/);
});

test("buffer: CONSUME only values produced earlier, in production order (losses allowed)", () => {
  const l = lts(modelFromFile(model("buffer")));
  const out = new Map<number, { label: string; dst: number }[]>();
  for (const e of l.edges) {
    if (!out.has(e.src)) out.set(e.src, []);
    out.get(e.src)!.push(e);
  }
  // Product of the LTS with an observer (values produced, last value consumed).
  const seen = new Set<string>();
  const todo: [number, number, number][] = [[0, 0, -1]];
  let consumes = 0;
  while (todo.length > 0) {
    const [s, produced, last] = todo.pop()!;
    const key = `${s},${produced},${last}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const e of out.get(s) ?? []) {
      let p = produced;
      let c = last;
      const m = /^(PRODUCE|CONSUME) !(\d+)$/.exec(e.label);
      if (m && m[1] === "PRODUCE") {
        assert.equal(Number(m[2]), produced, "produced in order 0, 1, 2, ...");
        p++;
      } else if (m) {
        const v = Number(m[2]);
        assert.ok(v < produced, `CONSUME !${v} before it was produced`);
        assert.ok(v > last, `CONSUME !${v} after CONSUME !${last}`);
        c = v;
        consumes++;
      } else assert.equal(e.label, "i");
      todo.push([e.dst, p, c]);
    }
  }
  assert.ok(consumes > 0);
  // Losses are possible: some run consumes 0 then 3.
  assert.ok(accepts(l.init, ["PRODUCE !0", "CONSUME !0", "PRODUCE !1", "PRODUCE !2", "PRODUCE !3", "CONSUME !3"]));
  assert.ok(!accepts(l.init, ["PRODUCE !0", "PRODUCE !1", "CONSUME !1", "CONSUME !0"]));
});

test("barrier: 3 rounds of 16 interleavings, 49 states, 99 transitions, then termination", () => {
  const l = lts(modelFromFile(model("barrier")));
  assert.equal(l.states, 49);
  assert.equal(l.transitions, 99);
  assert.deepEqual(l.deadlocks, []);
  assert.equal(l.terminated.length, 1);
  assert.ok(!accepts(l.init, ["WORKING !1 !0", "STEP !0"]));
  assert.ok(accepts(l.init, ["WORKING !1 !0", "WORKING !3 !0", "WORKING !2 !0", "WORKING !4 !0", "STEP !0", "WORKING !2 !1"]));
});

test("bank: a reception of nat that nobody emits is an error naming the action and its position", () => {
  const r = runCli(["explore", model("bank")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bank\.lnt:84:20: error: action 'REQUEST': no party emits offer 1, of type nat/);
  assert.match(r.stderr, /LNT6011/);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js/);
});
