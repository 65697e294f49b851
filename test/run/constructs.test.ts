// Constructs beyond the shared models, each run trace-checked against the reference
// semantics: tasks that are inline par branches, tail recursion with parameters, non-tail
// process calls, a hide inside a task, constructor patterns and guards in an alt.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled } from "../backend/helpers.js";
import { EmbeddedModel } from "../../host/embedded/instance.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";
import { initialThread } from "../../src/semantics/behaviour.js";
import { simulate } from "../../src/semantics/simulate.js";

const tmp = mkdtempSync(join(tmpdir(), "lntc-constructs-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const MIXED = `module mixed is
channel NAT is (nat) end channel
type Pair is P (a: nat, b: bool) with ==, != end type
channel PC is (Pair) end channel
process COUNT [G: NAT] (n: nat) is
   G (!n);
   if n < 5 then COUNT [G] (n + 1) end if
end process
process TWICE [H: none] is
   H; H
end process
process MAIN [G: NAT, H: none, K: PC, L: NAT] is
   par
      G, K -> COUNT [G] (0); TWICE [H]; K (P (1, true)); K (!P (2, false))
   || G, K -> var x: nat, b: bool in
         loop
            alt
               G (?x) where x mod 2 == 0
            [] G (?x) where x mod 2 == 1; L (!x * 10)
            [] K (?P (x, b)) where b; L (!x)
            [] K (!P (2, false))
            end alt
         end loop
      end var
   || hide M: none in
         loop M; L (!7) end loop
      end hide
   end par
end process
end module
`;

const DATA = `module data is
type L is list of nat with ==, !=, length, head, tail, append, reverse, member end type
type S is sorted set of nat with ==, !=, insert, remove, member, union end type
type A is array [0 .. 3] of int with get, set end type
type R is range 1 .. 6 of nat with ==, != end type
type Rec is Rec (x: int, s: string, c: char) with ==, !=, <, get, set end type
type Col is Red, Green, Blue with ==, !=, <, ord, val, succ, first, last end type
process MAIN [G: any] is
   var l: L, s: S, a: A, r: R, q: Rec, i: int, f: real, c: Col in
      l := {3, 1, 2};
      G (!l, !length (l), !head (l), !tail (l), !append (9, l), !reverse (l), !member (2, l));
      s := insert (5, insert (1, insert (3, {})));
      G (!s, !member (3, s), !remove (3, s));
      a := A (0);
      a[2] := -7;
      G (!a, !a[2]);
      r := 3 of R;
      G (!r);
      q := Rec (-4, "a\\"b", 'z');
      G (!q, !q.x, !q.{s -> "t"}, !(q < q.{x -> 0}));
      i := -7;
      G (!(i div 2), !(i mod 2), !(i rem 2), !(7 mod -2), !abs (i), !(2 ** 10));
      f := 2.5;
      G (!f, !(f * 2.0), !(f / 4.0));
      c := Green;
      G (!c, !ord (c), !succ (c), !(c < Blue));
      G (!("ab" & "cd"), !length ("abc"))
   end var
end process
end module
`;

test("the data part prints what the reference semantics prints: lists, sets, arrays, ranges, records, strings, chars, reals, int division", async () => {
  const path = join(tmp, "data.lnt");
  writeFileSync(path, DATA);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  const run = new EmbeddedModel(b.wasm).instantiate(1);
  const labels: string[] = [];
  run.onLabel = (l) => labels.push(l);
  assert.equal(run.run(100).end, "terminated");
  const expected: string[] = [];
  simulate(initialThread(b.root, []), 100, 1, (l) => expected.push(l));
  assert.deepEqual(labels, expected);
  assert.equal(labels.length, 9);
});

const OUTP = `module outp is
channel NAT is (nat) end channel
process ASK [G: NAT] (in var n: nat, out r: nat) is
   G (!n);
   G (?r) where r > n
end process
process BUMP [G: NAT] (in out x: nat) is
   G (!x);
   x := x + 1
end process
process SEQ [G: NAT] is
   var a, b: nat in
      a := 1;
      ASK [G] (a, ?b); BUMP [G] (!?b); G (!b)
   end var
end process
process MAIN [G: NAT] is
   par G in
      SEQ [G]
   || loop var y: nat in G (?y); G (!y + 1) end var end loop
   end par
end process
end module
`;

test("process calls with out and in out parameters copy back at the callee's end", async () => {
  const path = join(tmp, "outp.lnt");
  writeFileSync(path, OUTP);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  const run = new EmbeddedModel(b.wasm).instantiate(1);
  const labels: string[] = [];
  run.onLabel = (l) => labels.push(l);
  assert.equal(run.run(100).end, "deadlock");
  assert.deepEqual(labels, ["G !1", "G !2", "G !2", "G !3"]);
});

test("termination as one choice of an alt ends the run when nothing else can happen", async () => {
  const path = join(tmp, "ex2.lnt");
  writeFileSync(path, `module ex2 is
process A [G: none] is
   G; alt null [] G end alt
end process
process MAIN [G: none] is
   par G in A [G] || G end par
end process
end module
`);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  const run = new EmbeddedModel(b.wasm).instantiate(1);
  const labels: string[] = [];
  run.onLabel = (l) => labels.push(l);
  assert.equal(run.run(10).end, "terminated");
  assert.deepEqual(labels, ["G"]);
});

const BIG = `module big is
channel WHO is (nat) end channel
process MEMBER [MEET: none, BUSY: WHO] (id: nat) is
   loop MEET; BUSY (!id) end loop
end process
process MAIN [MEET: none, BUSY: WHO] is
   par MEET # 2 in
MEMBER [MEET, BUSY] (0)
   || MEMBER [MEET, BUSY] (1)
   || MEMBER [MEET, BUSY] (2)
   || MEMBER [MEET, BUSY] (3)
   || MEMBER [MEET, BUSY] (4)
   || MEMBER [MEET, BUSY] (5)
   || MEMBER [MEET, BUSY] (6)
   || MEMBER [MEET, BUSY] (7)
   || MEMBER [MEET, BUSY] (8)
   || MEMBER [MEET, BUSY] (9)
   || MEMBER [MEET, BUSY] (10)
   || MEMBER [MEET, BUSY] (11)
   end par
end process
end module
`;

test("a large system (12 members, 66 MEET vectors) takes the incremental search: traces accepted, meetings in pairs", async () => {
  const path = join(tmp, "big.lnt");
  writeFileSync(path, BIG);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  const meet = b.generated.manifest.gates.find((g) => g.name === "MEET")!;
  assert.equal(meet.vectors.length, 66);
  const counts = new Map<string, number>();
  for (let seed = 1; seed <= 3; seed++) {
    const run = new EmbeddedModel(b.wasm).instantiate(seed);
    const labels: string[] = [];
    run.onLabel = (l) => labels.push(l);
    for (let i = 0; i < 600; i++) {
      assert.equal(run.run(1).end, "steps");
      const last = run.lastAction();
      if (last.gate === meet.id) assert.equal(last.tasks.length, 2);
    }
    const checker: TraceChecker = new TraceChecker(initialThread(b.root, []));
    for (const [i, l] of labels.entries()) if (!checker.step(l)) assert.fail(`seed ${seed}: label ${i + 1} '${l}' refused`);
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  // every member gets to work
  for (let id = 0; id < 12; id++) assert.ok((counts.get(`BUSY !${id}`) ?? 0) > 20, `member ${id} rarely busy`);
});

const SUB = `module sub is
type R is range 0 .. 5 of nat end type
type Small is n: R where nat (n) <= 3 end type
type Col is Red, Green, Blue with ==, != end type
type NotRed is c: Col where c != Red end type
channel S is (Small) end channel
channel E is (Small) end channel
channel C is (NotRed) end channel
process P [G: S, H: E, K: C] is
   var s: Small, e: Small, c: NotRed in
      loop
         s := any Small;
         G (!s);
         H (?e);
         K (?c)
      end loop
   end var
end process
process MAIN [G: S, H: E, K: C] is
   P [G, H, K]
end process
end module
`;

test("predicate subtypes of finite types are enumerated through their predicate (any, negotiation)", async () => {
  const path = join(tmp, "sub.lnt");
  writeFileSync(path, SUB);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  const seen = new Set<string>();
  for (let seed = 1; seed <= 10; seed++) {
    const run = new EmbeddedModel(b.wasm).instantiate(seed);
    const labels: string[] = [];
    run.onLabel = (l) => labels.push(l);
    assert.equal(run.run(90).end, "steps");
    const checker: TraceChecker = new TraceChecker(initialThread(b.root, []));
    for (const [i, l] of labels.entries()) if (!checker.step(l)) assert.fail(`seed ${seed}: label ${i + 1} '${l}' refused`);
    for (const l of labels) seen.add(l);
  }
  assert.deepEqual([...seen].sort(), ["G !0", "G !1", "G !2", "G !3", "H !0", "H !1", "H !2", "H !3", "K !BLUE", "K !GREEN"]);
});

const PRE = `module pre is
channel NAT is (nat) end channel
process W [G: NAT] (n: nat) is
   G (!n); W [G] (n + 1)
end process
process MAIN [G, H: NAT] is
   var a, b, d, e: nat in
      a := 3;
      b := a * 2;
      par G in
         W [G] (a)
      || var c: nat in
            c := b + 1;
            par H in H (!c); G (?d) || H (?e) end par
         end var
      end par
   end var
end process
end module
`;

test("silent code before a static composition runs in every task below it", async () => {
  const path = join(tmp, "pre.lnt");
  writeFileSync(path, PRE);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  assert.equal(b.generated.manifest.tasks.length, 3);
  const run = new EmbeddedModel(b.wasm).instantiate(1);
  const labels: string[] = [];
  run.onLabel = (l) => labels.push(l);
  assert.equal(run.run(10).end, "deadlock");
  assert.deepEqual(labels, ["H !7", "G !3"]);
});

test("inline branches, tail recursion, non-tail calls, a hide in a task, constructor patterns: traces accepted", async () => {
  const path = join(tmp, "mixed.lnt");
  writeFileSync(path, MIXED);
  const b = await compiled(path);
  if (typeof b === "string") return assert.fail(b);
  assert.deepEqual(b.generated.manifest.tasks.map((t) => t.name), ["MAIN/1", "MAIN/2", "MAIN/3"]);
  const seen = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) {
    const run = new EmbeddedModel(b.wasm).instantiate(seed);
    const labels: string[] = [];
    run.onLabel = (l) => labels.push(l);
    const r = run.run(300);
    assert.equal(r.end, "steps", JSON.stringify(r));
    const checker: TraceChecker = new TraceChecker(initialThread(b.root, []));
    for (const [i, l] of labels.entries()) if (!checker.step(l)) assert.fail(`seed ${seed}: label ${i + 1} '${l}' refused; possible: ${checker.possible().join(", ")}`);
    for (const l of labels) seen.add(l);
  }
  for (const l of ["G !5", "L !50", "H", "K !P (1, TRUE)", "K !P (2, FALSE)", "L !1", "L !7", "i"]) assert.ok(seen.has(l), `never saw ${l}`);
});
