// The reference interpreter on small models of our own, one or two operators
// each, with state and transition counts derived by hand (in the comments),
// labels as CADP prints them, and run-time errors of the model.

import { test } from "node:test";
import assert from "node:assert/strict";
import { accepts, ltsOf, modelFromText } from "./helpers.js";
import { initialThread } from "../../src/semantics/behaviour.js";
import { explore } from "../../src/semantics/explorer.js";
import { LntRuntimeError } from "../../src/semantics/values.js";
import { positionOf } from "../../src/frontend/source.js";

function runtimeError(text: string): { code: number; line: number; trace: string[] } {
  const model = modelFromText(text);
  let res;
  try {
    res = explore(initialThread(model.root!, []));
  } catch (err) {
    if (err instanceof LntRuntimeError) return { code: err.msg.code, line: err.span ? positionOf(err.span.file, err.span.start).line : 0, trace: [] };
    throw err;
  }
  assert.ok(res.error, "a run-time error");
  const e = res.error.error;
  return { code: e.msg.code, line: e.span ? positionOf(e.span.file, e.span.start).line : 0, trace: res.traceTo(res.error.state) };
}

test("tail recursion does not grow the state: P (n) cycles through 3 states", () => {
  // s(n) -G !n-> s((n+1) mod 3): 3 states, 3 transitions.
  const l = ltsOf(`module m is
channel N is (nat) end channel
process P [G: N] (n: nat) is
  G (!n); if n < 2 then P [G] (n + 1) else P [G] (0) end if
end process
process MAIN [G: N] is P [G] (0) end process
end module`);
  assert.equal(l.states, 3);
  assert.equal(l.transitions, 3);
  assert.deepEqual(l.edges.map((e) => e.label), ["G !0", "G !1", "G !2"]);
});

test("tail recursion inside a par branch keeps the state finite", () => {
  // P cycles through 3 states, H happens once: 3 x 2 = 6 states;
  // 3 G in each of the 2 H-states + 3 H = 9 transitions.
  const l = ltsOf(`module m is
channel N is (nat) end channel
process P [G: N] (n: nat) is
  G (!n); P [G] ((n + 1) mod 3)
end process
process MAIN [G: N, H: none] is par P [G] (0) || H end par end process
end module`);
  assert.equal(l.states, 6);
  assert.equal(l.transitions, 9);
});

test("a process call in the middle of a sequence returns to its caller", () => {
  // s0 -G !1-> s1 -G !2-> s2 -H-> s3 (terminated).
  const l = ltsOf(`module m is
channel N is (nat) end channel
process P [G: N] (n: nat) is G (!n) end process
process MAIN [G: N, H: none] is P [G] (1); P [G] (2); H end process
end module`);
  assert.equal(l.states, 4);
  assert.equal(l.transitions, 3);
  assert.equal(l.terminated.length, 1);
  assert.ok(accepts(l.init, ["G !1", "G !2", "H"]));
  assert.ok(!accepts(l.init, ["G !2"]));
});

test("out parameters of a process call are copied back on its termination", () => {
  // s0 -G !0/1/2-> s1/s2/s3 (v live: H reads it) -H !v-> s4: 5 states, 6 transitions.
  const l = ltsOf(`module m is
type Small is range 0 .. 2 of nat with == end type
channel S is (Small) end channel
process Q [G: S] (out x: Small) is x := any Small; G (!x) end process
process MAIN [G, H: S] is var v: Small in Q [G] (?v); H (!v) end var end process
end module`);
  assert.equal(l.states, 5);
  assert.equal(l.transitions, 6);
  assert.ok(accepts(l.init, ["G !2", "H !2"]));
  assert.ok(!accepts(l.init, ["G !2", "H !1"]));
});

test("nested par under hide: synchronization sets at two depths", () => {
  // Inner par: both branches do G together, then their M's interleave. The
  // outer par synchronizes M with the right branch, which takes one M only.
  // s0 -G-> s1; s1 -i-> s2 (first M), s1 -i-> s3 (second M); s2 -X-> s4, s3 -X-> s5;
  // s4 and s5 are deadlocks (one M left without partner). 6 states, 5 transitions.
  const l = ltsOf(`module m is
process MAIN [G, X: none] is
  hide M: none in
    par M in
      par G in G; M || G; M end par
    || M; X
    end par
  end hide
end process
end module`);
  assert.equal(l.states, 6);
  assert.equal(l.transitions, 5);
  assert.equal(l.deadlocks.length, 2);
  assert.ok(accepts(l.init, ["G", "X"]));
  assert.ok(!accepts(l.init, ["X"]));
});

test("m among n: par G # 2 over three one-shot branches", () => {
  // 3 pairs from s0, each to a state where the third branch waits alone: 4 states, 3 transitions.
  const l = ltsOf(`module m is
process MAIN [G: none] is
  par G # 2 in G; stop || G; stop || G; stop end par
end process
end module`);
  assert.equal(l.states, 4);
  assert.equal(l.transitions, 3);
  assert.equal(l.deadlocks.length, 3);
});

test("disrupt: an endless loop interrupted, then the sequence goes on", () => {
  // s0 -A-> s0, s0 -B-> s1, s1 -C-> s2 (terminated): 3 states, 3 transitions.
  const l = ltsOf(`module m is
process MAIN [A, B, C: none] is
  disrupt loop A end loop by B end disrupt; C
end process
end module`);
  assert.equal(l.states, 3);
  assert.equal(l.transitions, 3);
  assert.ok(accepts(l.init, ["A", "A", "B", "C"]));
  assert.ok(!accepts(l.init, ["B", "A"]));
});

test("value negotiation: emitted fields are taken, open fields enumerated and filtered by all guards", () => {
  // The colour: nobody emits it; guards exclude Red (party 1) and Blue
  // (party 2). The bool: party 2 emits TRUE. One transition: G !GREEN !TRUE.
  const l = ltsOf(`module m is
type Col is Red, Green, Blue with ==, != end type
channel CB is (Col, bool) end channel
process MAIN [G: CB] is
  par G in
    var c: Col, b: bool in G (?c, ?b) where c != Red end var
  || var c: Col in G (?c, !true) where c != Blue end var
  || G (?any Col, ?any bool)
  end par
end process
end module`);
  assert.equal(l.states, 2);
  assert.equal(l.transitions, 1);
  assert.deepEqual(l.edges.map((e) => e.label), ["G !GREEN !TRUE"]);
});

test("value negotiation: emitters that disagree do not synchronize", () => {
  const l = ltsOf(`module m is
channel N is (nat) end channel
process MAIN [G: N] is
  par G in G (!1) || G (!2) end par
end process
end module`);
  assert.equal(l.states, 1);
  assert.equal(l.transitions, 0);
  assert.equal(l.deadlocks.length, 1);
});

test("trap catches an exception raised in a process", () => {
  // s0 -G !1-> s1 -H-> s2 -G !3-> s3 (terminated); G !2 never happens.
  const l = ltsOf(`module m is
channel N is (nat) end channel
process MAIN [G: N, H: none] is
  trap E: exit -> H in G (!1); raise E; G (!2) end trap;
  G (!3)
end process
end module`);
  assert.equal(l.states, 4);
  assert.equal(l.transitions, 3);
  assert.ok(accepts(l.init, ["G !1", "H", "G !3"]));
});

test("the data part: functions, case, out parameters, lists, sets, arrays, ranges; labels as CADP prints them", () => {
  const l = ltsOf(`module m is
type Shape is Circle (r: nat), Rect (w, h: nat) with ==, !=, get end type
type NL is list of nat with ==, length, head, tail, append, member end type
type NS is set of nat with ==, insert, member, union end type
type Arr is array [0 .. 2] of nat with ==, get, set end type
type R is range 1 .. 3 of nat with ==, <, >, first, last end type
function area (s: Shape): nat is
  case s in var r, w, h: nat in
    Circle (r) -> return 3 * r * r
  | Rect (w, h) -> return w * h
  end case
end function
function split (x: nat, out q: nat, out r: nat) is
  q := x div 2; r := x mod 2
end function
process MAIN [G: any] is
  var s: Shape, l: NL, st: NS, a: Arr, q, r: nat, i: int, x: R in
    s := Rect (2, 5);
    G (!area (s), !s);
    l := {3, 1, 2};
    G (!l, !length (l), !append (7, l));
    st := insert (2, insert (5, insert (2, {} of NS)));
    G (!st);
    a := Arr (0); a[1] := 4;
    G (!a, !a[1]);
    split (7, ?q, ?r);
    G (!q, !r);
    i := -3;
    G (!i, !"str", !'c', !0.5, !2.0, !true);
    x := any R where x > (1 of R);
    G (!x)
  end var
end process
end module`);
  // A line of 7 states, then x in {2, 3}: two transitions to one final state
  // (x is dead there): 8 states, 8 transitions.
  assert.equal(l.states, 8);
  assert.equal(l.transitions, 8);
  assert.deepEqual(
    l.edges.map((e) => e.label),
    [
      "G !10 !RECT (2, 5)",
      "G !CONS (3, CONS (1, CONS (2, NIL))) !3 !CONS (3, CONS (1, CONS (2, CONS (7, NIL))))",
      "G !CONS (2, CONS (5, NIL))",
      "G !(0, 4, 0) !4",
      "G !3 !1",
      'G !-3 !"str" !\'c\' !0.5 !2.0 !TRUE',
      "G !2",
      "G !3",
    ],
  );
});

test("run-time error: overflow beyond !nat_bits, with the trace that leads to it", () => {
  const e = runtimeError(`module m is
!nat_bits 3
channel N is (nat) end channel
process MAIN [G: N] is
  var n: nat in n := 0; loop G (!n); n := n + 1 end loop end var
end process
end module`);
  assert.equal(e.code, 6002);
  assert.equal(e.line, 5);
  assert.deepEqual(e.trace, ["G !0", "G !1", "G !2", "G !3", "G !4", "G !5", "G !6"]);
});

test("run-time error: a case that matches nothing", () => {
  const e = runtimeError(`module m is
type E is A, B, C with == end type
channel N is (nat) end channel
function f (e: E): nat is
  case e in A -> return 1 | B -> return 2 end case
end function
process MAIN [G: N] is
  var e: E in e := any E; G (!f (e)) end var
end process
end module`);
  assert.equal(e.code, 6004);
  assert.equal(e.line, 5);
});

test("run-time error: an exception raised by a function and not caught", () => {
  const e = runtimeError(`module m is
channel N is (nat) end channel
function g [X: exit] (n: nat): nat is
  if n > 0 then raise X end if;
  return n
end function
process MAIN [G: N] is
  G (!g [unexpected] (0)); G (!g [unexpected] (1))
end process
end module`);
  assert.equal(e.code, 6006);
  assert.equal(e.line, 4);
  assert.deepEqual(e.trace, ["G !0"]);
});

test("run-time errors: assert, division by zero", () => {
  const a = runtimeError(`module m is
process MAIN [G: none] is
  var n: nat in n := 0; G; n := n + 1; assert n == 0; G end var
end process
end module`);
  assert.equal(a.code, 6005);
  const d = runtimeError(`module m is
channel N is (nat) end channel
process MAIN [G: N] is
  var n: nat in n := 0; G (!(1 div n)) end var
end process
end module`);
  assert.equal(d.code, 6003);
});

test("run-time errors: 'any' over an infinite type, a silent endless loop, unguarded recursion", () => {
  assert.equal(runtimeError(`module m is
channel N is (nat) end channel
process MAIN [G: N] is var x: nat in x := any nat; G (!x) end var end process
end module`).code, 6012);
  assert.equal(runtimeError(`module m is
process MAIN [G: none] is W [G] end process
process W [G: none] is W [G] end process
end module`).code, 6017);
  assert.equal(runtimeError(`module m is
process MAIN [G: none] is U [G] end process
process U [G: none] is alt U [G] [] G end alt end process
end module`).code, 6018);
});

test("a root process with parameters needs --root; checkRootCall arguments are evaluated", () => {
  const model = modelFromText(`module m is
channel N is (nat) end channel
process P [G: N] (n: nat) is G (!n); G (!n + 1) end process
end module`);
  const p = model.processes.find((x) => x.name.toUpperCase() === "P")!;
  const res = explore(initialThread(p, [5]));
  assert.equal(res.states, 3);
  assert.deepEqual(res.traceTo(2), ["G !5", "G !6"]);
});

test("variables written in par branches are visible after the par, and dead again at the loop head", () => {
  // The 3 branches interleave in a cube of 2^3 = 8 states (12 transitions);
  // when all ended, G !(1 + 2 + 5) leads back to the loop head, which is the
  // initial state since x, y, z are dead there: 8 states, 13 transitions.
  const l = ltsOf(`module m is
channel N is (nat) end channel
process W [A: none] (out v: nat) is A; v := 5 end process
process MAIN [A, B, C: none, G: N] is
  var x, y, z: nat in
    loop
      par x := 1; A || y := 2; B || W [C] (?z) end par;
      G (!x + y + z)
    end loop
  end var
end process
end module`);
  assert.equal(l.states, 8);
  assert.equal(l.transitions, 13);
  assert.deepEqual(l.edges.filter((e) => e.label.startsWith("G")), [{ src: 7, label: "G !8", dst: 0 }]);
});

test("an exception raised in a par branch abandons the par and reaches the enclosing trap", () => {
  // s0 -K-> s0 (the other branch loops), s0 -G-> s1 (E raised: the par is
  // abandoned, the handler runs), s1 -H-> s2 -X-> s3 (terminated): 4 states, 4 transitions.
  const l = ltsOf(`module m is
process MAIN [G, H, K, X: none] is
  trap E: exit -> H in
    par G; raise E || loop K end loop end par
  end trap;
  X
end process
end module`);
  assert.equal(l.states, 4);
  assert.equal(l.transitions, 4);
  assert.ok(accepts(l.init, ["K", "G", "H", "X"]));
  assert.ok(!accepts(l.init, ["G", "K"]));
});

test("int arithmetic within !int_bits: div truncates, mod takes the divisor's sign, rem the dividend's", () => {
  const model = modelFromText(`module m is
!int_bits 4
channel I is (int) end channel
process MAIN [G: I] is
  var i: int in i := -8; G (!i); G (!i div 3); G (!i mod 3); G (!i rem 3); G (!abs (i + 1)); i := i - 1; G (!i) end var
end process
end module`);
  const res = explore(initialThread(model.root!, []));
  assert.equal(res.error?.error.msg.code, 6002);
  assert.deepEqual(res.traceTo(res.error!.state), ["G !-8", "G !-2", "G !1", "G !-2"]);
});

test("termination is a choice: a par ends when every branch can end, resolving their alts", () => {
  // s0 -A-> s1, s0 -B-> s2; s1 -B-> s3; s2 -A-> s3, s2 -C-> s4 (branch 1 ends
  // by its null branch); s3 -C-> s4 (terminated): 5 states, 6 transitions.
  const l = ltsOf(`module m is
process MAIN [A, B, C: none] is
  par
    alt null [] A end alt
  || B
  end par;
  C
end process
end module`);
  assert.equal(l.states, 5);
  assert.equal(l.transitions, 6);
  assert.ok(accepts(l.init, ["B", "C"]));
  assert.ok(!accepts(l.init, ["A", "C"]));
  assert.ok(!accepts(l.init, ["B", "C", "A"]));
});
