// Checker tests: for each static rule an accepted and a rejected model (code,
// line and message words), overload resolution, the functions `with` clauses
// generate, the shape of the checked Model, root calls given on the command
// line, and the shared models (all accepted; the error models rejected).
//
// A model marks the line where an error is expected with `-- @name`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadModel, memoryHost } from "../../src/frontend/index.js";
import { DiagnosticBag, type Diagnostic } from "../../src/frontend/diagnostics.js";
import { positionOf } from "../../src/frontend/source.js";
import { checkRootCall } from "../../src/frontend/checker.js";
import type * as M from "../../src/frontend/model.js";
import { sharedModels, sharedErrorModels, lntFiles, examplesDir } from "../util/paths.js";
import { nodeHost } from "../../src/cli/host.js";

function moduleText(decls: string, head = ""): string {
  const main = /\bprocess\s+main\b/i.test(decls) ? "" : "process MAIN is null end process\n";
  return `module t is\n${head}channel C is (nat) end channel\n${decls}\n${main}end module\n`;
}

function lineOf(d: Diagnostic): number {
  return d.span ? positionOf(d.span.file, d.span.start).line : 0;
}

function load(decls: string, head = "") {
  const text = moduleText(decls, head);
  return { text, r: loadModel("t.lnt", memoryHost({ "t.lnt": text })) };
}

function errors(r: ReturnType<typeof load>["r"]): Diagnostic[] {
  return r.diagnostics.items.filter((d) => d.severity === "error");
}

/** Accepted: no error, and a model. */
function ok(decls: string, head = ""): M.Model {
  const { r } = load(decls, head);
  assert.deepEqual(errors(r).map((d) => `${d.code}:${lineOf(d)}: ${d.message}`), []);
  assert.ok(r.model);
  return r.model;
}

/** Rejected with `code` on the line marked `-- @mark` (default `@e`), the message holding every word. */
function rejects(decls: string, code: string, words: readonly string[], mark = "e"): Diagnostic {
  const { text, r } = load(decls);
  const line = text.split("\n").findIndex((l) => new RegExp(`--\\s*@${mark}\\s*$`).test(l)) + 1;
  assert.ok(line > 0, `mark @${mark}`);
  assert.equal(r.model, undefined);
  const all = errors(r);
  const d = all.find((x) => x.code === code && lineOf(x) === line);
  assert.ok(d, `expected ${code} on line ${line}, got: ${all.map((x) => `${x.code}:${lineOf(x)}: ${x.message}`).join(" | ")}`);
  for (const w of words) assert.ok(d.message.toLowerCase().includes(w.toLowerCase()), `"${d.message}" should mention "${w}"`);
  return d;
}

const fn = (m: M.Model, name: string) => m.functions.find((f) => f.name.toLowerCase() === name.toLowerCase() && f.body)!;
const proc = (m: M.Model, name: string) => m.processes.find((p) => p.name.toLowerCase() === name.toLowerCase())!;

/** Every expression in a statement tree, in order. */
function exprsOf(s: M.Stmt | undefined): M.Expr[] {
  const out: M.Expr[] = [];
  const ex = (e: M.Expr | undefined): void => {
    if (!e) return;
    out.push(e);
    switch (e.kind) {
      case "call": case "ctor": e.args.forEach(ex); break;
      case "field": case "index": ex(e.target); if (e.kind === "index") ex(e.index); break;
      case "update": ex(e.target); e.updates.forEach((u) => ex(u.value)); break;
      case "collection": e.elements.forEach(ex); break;
      case "convert": ex(e.expr); break;
      case "lazy": ex(e.left); ex(e.right); break;
      default: break;
    }
  };
  const st = (x: M.Stmt | undefined): void => {
    if (!x) return;
    switch (x.kind) {
      case "seq": x.stmts.forEach(st); break;
      case "assign": ex(x.value); break;
      case "any": ex(x.where); break;
      case "call": x.args.forEach((a) => a.kind === "in" && ex(a.expr)); break;
      case "return": ex(x.value); break;
      case "var": st(x.body); break;
      case "if": x.branches.forEach((b) => (ex(b.cond), st(b.body))); st(x.else); break;
      case "case": ex(x.scrutinee); x.matches.forEach((m) => (ex(m.where), st(m.body))); break;
      case "loop": st(x.body); break;
      case "while": ex(x.cond); st(x.body); break;
      case "for": st(x.init); ex(x.cond); st(x.step); st(x.body); break;
      case "assert": ex(x.cond); break;
      case "comm": x.offers.forEach((o) => o.kind === "emit" && ex(o.expr)); ex(x.where); break;
      case "pcall": x.args.forEach((a) => a.kind === "in" && ex(a.expr)); break;
      case "alt": x.branches.forEach(st); break;
      case "par": x.branches.forEach((b) => st(b.body)); break;
      case "hide": st(x.body); break;
      case "disrupt": st(x.body); st(x.by); break;
      case "trap": st(x.body); x.handlers.forEach((h) => st(h.body)); break;
      default: break;
    }
  };
  st(s);
  return out;
}

// ---------------------------------------------------------------------------
// Namespaces and duplicates

test("duplicate definitions are errors pointing at the first one; overloads with other profiles are not", () => {
  const d = rejects(`
type T is A, B end type
type t is C end type -- @e`, "LNT2010", ["type", "t"]);
  assert.equal(d.related.length, 1);
  assert.match(d.related[0]!.message, /declared here/);
  rejects(`
function f (x: nat): nat is return x end function
function F (y: nat): nat is return y end function -- @e`, "LNT2010", ["function", "F"]);
  rejects(`channel C2 is (nat) end channel
channel c2 is (bool) end channel -- @e`, "LNT2010", ["channel"]);
  rejects(`process P is null end process
process p is null end process -- @e`, "LNT2010", ["process"]);
  rejects(`process P [G: C, G: none] is -- @e
  G end process`, "LNT2010", ["gate", "G"]);
  rejects(`process P is var x: nat, X: bool in -- @e
  null end var end process`, "LNT2010", ["variable"]);
  ok(`
function f (x: nat): nat is return x end function
function f (x: bool): nat is if x then return 1 else return 0 end if end function
function f (x: nat): bool is return x > 0 end function`);
});

test("identifiers are case-insensitive", () => {
  ok(`
type Color is Red, Green with ==, != end type
function Pick (c: COLOR): NAT is if C == RED then return 0 else return 1 end if end function
process Main [g: c] is var X: Nat in x := PICK (green); G (!x) end var end process`);
});

test("undeclared names: variable, type, function, gate, process, channel", () => {
  rejects(`process MAIN [G: C] is G (!y) -- @e
end process`, "LNT2001", ["not declared", "y"]);
  rejects(`process P is var x: Foo in -- @e
  null end var end process`, "LNT2002", ["Foo"]);
  rejects(`process P is var x: nat in x := g (1); -- @e
  use x end var end process`, "LNT2003", ["g"]);
  rejects(`process P [G: C] is par H in G (!1) -- @e
  || G (!1) end par end process`, "LNT3014", ["H"]);
  rejects(`process P [G: C] is Q [G] -- @e
  end process`, "LNT2005", ["Q"]);
  rejects(`process P [G: D] is G -- @e
  end process`, "LNT2006", ["D"]);
  rejects(`process P [G: C] is var x: nat in G (?y) -- @e
  end var end process`, "LNT3022", ["y"]);
});

// ---------------------------------------------------------------------------
// Predefined types and pragmas

test("predefined operators and functions of bool, nat, int, real, char, string", () => {
  ok(`
function f (n: nat, i: int, r: real, c: char, s: string, b: bool): bool is
  var n2: nat, i2: int, r2: real, s2: string, c2: char in
    n2 := (n + 1) * 2 div 3 mod 4 rem 5 ** 2;
    n2 := succ (pred (min (n2, max (n, 7))));
    i2 := - i + abs (i) - sign (i);
    i2 := int (n2) + -1;
    n2 := nat (i2) + ord (c);
    c2 := char (65);
    r2 := real (n2) / 2.0 + r ** 2;
    s2 := s & "x";
    n2 := length (s2);
    return (b and then (n2 > 0)) or else not (b) xor (c2 <= c) implies (r2 >= r) iff (i2 != 0)
  end var
end function`);
});

test("nat and int bounds come from the pragmas (default 32 bits)", () => {
  const m0 = ok("");
  assert.equal(m0.predefined.nat.def.kind === "nat" && m0.predefined.nat.def.max, 4294967295n);
  assert.deepEqual(m0.predefined.int.def.kind === "int" && [m0.predefined.int.def.min, m0.predefined.int.def.max], [-2147483648n, 2147483647n]);
  const m1 = ok("", "!nat_bits 8\n!int_bits 16\n");
  assert.equal(m1.predefined.nat.def.kind === "nat" && m1.predefined.nat.def.max, 255n);
  assert.equal(m1.predefined.int.def.kind === "int" && m1.predefined.int.def.min, -32768n);
  const m2 = ok("", "!nat_sup 6\n");
  assert.equal(m2.predefined.nat.def.kind === "nat" && m2.predefined.nat.def.max, 6n);
  const { r } = load(`process P is var x: nat in x := 7; use x end var end process`, "!nat_sup 6\n");
  assert.ok(errors(r).some((d) => d.code === "LNT2052" && /7/.test(d.message)));
});

// ---------------------------------------------------------------------------
// with clauses

test("with clauses generate functions; unknown items are errors", () => {
  const m = ok(`
type Color is Red, Green, Blue with ==, !=, <, ord, val, first, last, succ, pred, card end type
type Q is list of nat with ==, length, empty, member, insert, remove, head, tail, append, nth, reverse, union, inter, diff end type
type S is set of nat with "==", "!=", "card" end type
type R is R (a: nat, b: bool) with get, set end type
function f (c: Color, q: Q, s: S, r: R): nat is
  if (c < Blue) and (succ (first) == Green) and (pred (last) == Green) and (val (1) == Green) and (c != Red) then
    return ord (c) + card
  elsif member (1, q) and not (empty (q)) and (head (reverse (q)) == nth (q, 0)) then
    return length (append (2, insert (1, remove (3, tail (union (q, inter (q, diff (q, q))))))))
  elsif s == {} then return card (s)
  else return get_a (set_a (r, 3))
  end if
end function`);
  const ops = new Set(m.functions.filter((f) => f.builtin).map((f) => `${f.name}:${f.builtin!.op}:${f.builtin!.type.name}`));
  for (const want of ["ord:ord:Color", "first:first:Color", "append:append:Q", "head:head:Q", "card:length:S", "get_a:get_field:R", "==:eq:Q"]) {
    assert.ok(ops.has(want), want);
  }
  rejects(`type T is A, B with ==, head end type -- @e`, "LNT2042", ["head", "T"]);
  rejects(`type T is A, B with frobnicate end type -- @e`, "LNT2042", ["frobnicate"]);
});

test("module-level with items apply to every type of the module, where they make sense", () => {
  const text = `module t with ==, !=, head is
type E is A, B end type
type L is list of nat end type
process MAIN is var e: E, l: L, n: nat in e := A; l := {1}; if (e == B) and (l != {}) then n := head (l); use n end if end var end process
end module
`;
  const r = loadModel("t.lnt", memoryHost({ "t.lnt": text }));
  assert.deepEqual(errors(r).map((d) => d.message), []);
});

test("equality on a user type needs with ==; field selection and update do not need get/set", () => {
  rejects(`type T is A, B end type
process P is var x: T in x := A; if x == B then -- @e
  null end if end var end process`, "LNT2021", ["==", "T"]);
  ok(`type R is R (a: nat, b: bool) end type
function f (r: R): R is return r.{a -> r.a + 1, b => not (r.b)} end function`);
  rejects(`type R is R (a: nat) end type
function f (r: R): nat is return r.c -- @e
end function`, "LNT2040", ["c"]);
});

test("lists and sets have nil and cons in expressions and patterns; {..} literals are typed by context", () => {
  const m = ok(`
type L is list of nat end type
type S is set of bool end type
function sum (l: L): nat is
  case l in var h: nat, t: L in
    nil -> return 0
  | cons (h, t) -> return h + sum (t)
  end case
end function
function g: nat is var s: S in s := {true, false}; return sum (cons (1, {2, 3})) + sum ({} of L) end var end function`);
  const e = exprsOf(fn(m, "g").body).find((x) => x.kind === "collection" && x.elements.length === 2)!;
  assert.equal(e.type.name, "S");
});

test("arrays: T (v) fills, a[i] reads, a[i] := E assigns an updated array", () => {
  const m = ok(`
type A is array [0 .. 3] of nat end type
function f: nat is var a: A in a := A (7); a[2] := a[1] + 1; return a[2] end var end function`);
  const A = m.types.find((t) => t.name === "A")!;
  assert.deepEqual(A.def.kind === "array" && [A.def.low, A.def.high], [0n, 3n]);
  const body = fn(m, "f").body!;
  const assigns = (body.kind === "var" && body.body.kind === "seq" ? body.body.stmts : []).filter((s) => s.kind === "assign");
  assert.equal(assigns.length, 2);
  const fill = assigns[0]!.kind === "assign" && assigns[0]!.value;
  assert.ok(fill && fill.kind === "call" && fill.fn.builtin?.op === "fill");
  const upd = assigns[1]!.kind === "assign" && assigns[1]!.value;
  assert.ok(upd && upd.kind === "call" && upd.fn.builtin?.op === "array_set" && upd.args.length === 3);
});

test("ranges: constant bounds are evaluated; literals fit by context; E of T converts", () => {
  const m = ok(`
type R is range 1 .. 2 * 3 - 1 of nat with ==, <, first, succ end type
function f (x: R): nat is
  if (x == 2) and (x < last_r) then return nat (x) else return nat ((nat (x) + 1) of R) end if
end function
function last_r: R is return 5 end function`);
  const R = m.types.find((t) => t.name === "R")!;
  assert.deepEqual(R.def.kind === "range" && [R.def.low, R.def.high], [1n, 5n]);
  const conv = exprsOf(fn(m, "f").body).find((e) => e.kind === "convert")!;
  assert.equal(conv.type, R);
  rejects(`type R is range 1 .. 5 of nat end type
function f: R is return 9 -- @e
end function`, "LNT2052", ["9", "R"]);
  rejects(`type R is range 1 .. x of nat end type -- @e`, "LNT2050", ["constant"]);
});

// ---------------------------------------------------------------------------
// Overload resolution

test("overload resolution by argument types, expected result type, and 'of'", () => {
  const m = ok(`
type A is a end type
type B is b end type
function mk: A is return a end function
function mk: B is return b end function
function size (x: A): nat is return 1 end function
function size (x: B): nat is return 2 end function
function f: nat is var x: A in x := mk; return size (mk of B) + size (x) end var end function`);
  const calls = exprsOf(fn(m, "f").body).filter((e): e is Extract<M.Expr, { kind: "call" }> => e.kind === "call" && e.fn.builtin === undefined);
  assert.deepEqual(calls.map((c) => `${c.fn.name}:${c.type.name}:${c.args.map((a) => a.type.name).join(",")}`), ["mk:A:", "size:nat:B", "mk:B:", "size:nat:A"]);
  rejects(`
type A is a end type
type B is b end type
function mk: A is return a end function
function mk: B is return b end function
function size (x: A): nat is return 1 end function
function size (x: B): nat is return 2 end function
function f: nat is return size (mk) -- @e
end function`, "LNT2022", ["size", "of"]);
  rejects(`function f: nat is return 1 + true -- @e
end function`, "LNT2021", ["+", "bool"]);
});

test("a number literal is nat by default, int or a range by context", () => {
  const m = ok(`function f (i: int): bool is return (i > 0) and (1 < 2) and (-1 < i) end function`);
  const lits = exprsOf(fn(m, "f").body).filter((e) => e.kind === "literal");
  assert.deepEqual(lits.map((l) => `${String(l.kind === "literal" && l.value)}:${l.type.name}`), ["0:int", "1:nat", "2:nat", "1:int"]);
});

// ---------------------------------------------------------------------------
// Type checking of statements

test("assignments, conditions, guards and any-assignments are typed", () => {
  rejects(`process P is var x: nat in x := true -- @e
  end var end process`, "LNT2020", ["nat", "bool"]);
  rejects(`process P is if 1 then -- @e
  null end if end process`, "LNT2023", ["bool"]);
  rejects(`process P is while 0 loop -- @e
  null end loop end process`, "LNT2023", ["bool"]);
  rejects(`process P [G: C] is var x: nat in G (?x) where x + 1 -- @e
  end var end process`, "LNT2023", ["bool"]);
  rejects(`process P is var x: nat in x := any bool; -- @e
  use x end var end process`, "LNT2020", ["nat", "bool"]);
  ok(`process P is var x: nat in x := any nat where x < 4; use x end var end process`);
});

test("parameter modes: out ?x, in out !?x, in expression; in parameters are read-only unless 'in var'", () => {
  ok(`
function inc (in out x: nat, out y: bool, in var z: nat) is z := z + 1; x := x + z; y := true end function
function two (out a: nat): nat is a := 1; return 2 end function
process P is var n, k: nat, b: bool in
  n := 0; inc (!?n, ?b, 1); eval inc (!?n, ?b, n); k := two (?n); use b; use k
end var end process`);
  rejects(`function inc (out y: nat) is y := 1 end function
process P is var n: nat in inc (n); -- @e
  use n end var end process`, "LNT3009", ["y", "out", "?n"]);
  rejects(`function inc (in out y: nat) is y := 1 end function
process P is var n: nat in n := 0; inc (?n); -- @e
  use n end var end process`, "LNT3009", ["in out", "!?n"]);
  rejects(`function f (x: nat): nat is x := 1; -- @e
  return x end function`, "LNT3007", ["x", "in var"]);
  rejects(`process P [G: C] (x: nat) is G (?x) -- @e
  end process`, "LNT3007", ["x"]);
  ok(`function f (in var x: nat): nat is x := 1; return x end function`);
  rejects(`function two (out a: nat): nat is a := 1; return 2 end function
function g: nat is var n: nat in return two (?n) + 1 -- @e
  end var end function`, "LNT3021", ["n"]);
});

test("return: value of the result type, none in procedures, not in processes", () => {
  rejects(`function f: nat is return true -- @e
end function`, "LNT2020", ["nat", "bool"]);
  rejects(`function f is return 1 -- @e
end function`, "LNT3027", ["f"]);
  rejects(`process P is return -- @e
end process`, "LNT3010", ["return"]);
});

test("behaviours are not allowed in functions", () => {
  rejects(`function f: nat is stop; -- @e
  return 1 end function`, "LNT3012", ["stop"]);
  rejects(`function f [E: none]: nat is E; -- @e
  return 1 end function`, "LNT3012", ["E"]);
  rejects(`function f: nat is var x: nat in x := any nat; -- @e
  return x end var end function`, "LNT3012", ["any"]);
  rejects(`function f: nat is par null || null end par; -- @e
  return 1 end function`, "LNT3012", ["par"]);
  ok(`function f: nat is var n: nat in n := 0; loop L in n := n + 1; if n > 3 then break L end if end loop; return n end var end function`);
});

test("exceptions: raise needs a declared exception (or unexpected); callers pass them", () => {
  ok(`
function f [E: exit] (x: nat): nat is if x == 0 then raise E else return x end if end function
function g [F: none] (x: nat): nat is if x == 1 then raise unexpected end if; return f [F] (x) end function
process P [X: exit] is var n: nat in n := g [X] (1); use n end var end process`);
  rejects(`function f (x: nat): nat is if x == 0 then raise E -- @e
  end if; return x end function`, "LNT3024", ["E", "f"]);
  rejects(`function f [E: exit] (x: nat): nat is raise E end function
function g: nat is return f (1) -- @e
end function`, "LNT2048", ["f", "1", "0"]);
  rejects(`process P [G: C] is raise G -- @e
  end process`, "LNT2049", ["G", "C"]);
});

// ---------------------------------------------------------------------------
// Gates and offers

test("offers are checked against the channel's profiles", () => {
  const d = rejects(`channel PAIR is (nat, bool) end channel
process P [G: PAIR] is G (!1) -- @e
end process`, "LNT2030", ["PAIR", "offer", "G"]);
  assert.match(d.message, /offer/);
  rejects(`channel PAIR is (nat, bool) end channel
process P [G: PAIR] is G (!true, !1) -- @e
end process`, "LNT2031", ["PAIR", "bool, nat"]);
  rejects(`process P [G: none] is G (!1) -- @e
end process`, "LNT2032", ["G", "none"]);
  ok(`channel TWO is (nat), (bool, nat) end channel
process P [G: TWO, H: any] is var b: bool in G (!1); G (?b, !2); H (!b, !"s", ?any nat); G (?any bool, ?any nat) where b end var end process`);
});

test("process calls: gate count and channels, [...] wildcard, value parameters", () => {
  ok(`channel D is (bool) end channel
process Q [G: C, H: D] (x: nat) is G (!x); H (!true) end process
process P [G: C, H: D] is Q [G, H] (1); Q [...] (2) end process`);
  rejects(`process Q [G: C] is G (!1) end process
process P [G: C] is Q [G, G] -- @e
end process`, "LNT2033", ["Q", "1", "2"]);
  rejects(`channel D is (bool) end channel
process Q [G: C] is G (!1) end process
process P [H: D] is Q [H] -- @e
end process`, "LNT2034", ["H", "D", "C"]);
  rejects(`process Q (x: nat) is null end process
process P is Q (1, 2) -- @e
end process`, "LNT2035", ["Q", "1", "2"]);
  rejects(`process Q [G: C] is G (!1) end process
process P [H: C] is Q [...] -- @e
end process`, "LNT2004", ["G"]);
});

test("par: synchronization sets name visible gates, once; #n is between 2 and the branch count", () => {
  ok(`process P [G: C, H: none] is par G # 2 in G (!1) || G (!1) || G, H -> H end par end process`);
  rejects(`process P [G: C] is par G, G in -- @e
  G (!1) || G (!1) end par end process`, "LNT3016", ["G"]);
  rejects(`process P [G: C] is par G # 3 in -- @e
  G (!1) || G (!1) end par end process`, "LNT3015", ["3", "2"]);
});

test("break only leaves an enclosing loop with that label, never a par", () => {
  rejects(`process P is loop L in null end loop; break L -- @e
end process`, "LNT3006", ["L"]);
  rejects(`process P is loop L in par break L -- @e
  || null end par end loop end process`, "LNT3026", ["L"]);
  ok(`process P is loop L in loop M in break L end loop end loop end process`);
});

test("case: several patterns per match, where guards, pattern types", () => {
  ok(`type T is A, B (n: nat), C with == end type
function f (t: T): nat is
  case t in var k: nat in
    A | C -> return 0
  | B (k) where k > 2 -> return k
  | B (0) -> return 1
  | any T -> return 2
  end case
end function`);
  rejects(`type T is A, B (n: nat) end type
function f (t: T): nat is
  case t in
    A -> return 0
  | true -> return 1 -- @e
  end case
end function`, "LNT2047", ["T"]);
});

// ---------------------------------------------------------------------------
// The shape of the Model

test("the Model: resolved declarations, types on expressions, dense variable indices, hidden gates, labels, root", () => {
  const m = ok(`type T is A, B with == end type
function f (x, y: nat): nat is var z: nat in z := x + y; var w: T in w := A; if w == B then return 0 end if end var; return z end var end function
process Main [G: C] (n: nat) is
  var k: nat in
    hide H: C in
      loop L in only if n > 0 then H (?k); G (!k); break L end if end loop
    end hide
  end var
end process`);
  const F = fn(m, "f");
  assert.deepEqual(F.variables.map((v) => `${v.name}:${v.index}:${v.type.name}`), ["x:0:nat", "y:1:nat", "z:2:nat", "w:3:T"]);
  assert.deepEqual(F.params.map((p) => p.variable), F.variables.slice(0, 2));
  for (const e of exprsOf(F.body)) assert.ok(e.type, `type on ${e.kind}`);
  const plus = exprsOf(F.body).find((e) => e.kind === "call" && e.fn.name === "+")!;
  assert.ok(plus.kind === "call" && plus.fn.builtin?.op === "add" && plus.type === m.predefined.nat);
  assert.ok(plus.kind === "call" && plus.args[0]!.kind === "var" && plus.args[0]!.variable === F.variables[0]);

  const P = proc(m, "main");
  assert.equal(m.root, P);
  assert.deepEqual(P.variables.map((v) => `${v.name}:${v.index}`), ["n:0", "k:1"]);
  assert.deepEqual(P.hiddenGates.map((g) => `${g.name}:${g.index}`), ["H:1"]);
  const hide = P.body.kind === "var" ? P.body.body : undefined;
  assert.ok(hide && hide.kind === "hide" && hide.gates[0] === P.hiddenGates[0]);
  const loop = hide.body;
  assert.ok(loop.kind === "loop" && loop.label && loop.label.id === 0);
  // `only if` became an if whose else is stop.
  assert.ok(loop.body.kind === "if" && loop.body.else?.kind === "stop");
  const seq = loop.body.branches[0]!.body;
  assert.ok(seq.kind === "seq");
  const [recv, send, brk] = seq.stmts;
  assert.ok(recv!.kind === "comm" && recv!.gate === P.hiddenGates[0] && recv!.offers[0]!.kind === "receive");
  assert.ok(send!.kind === "comm" && send!.gate === P.gates[0]);
  assert.ok(brk!.kind === "break" && brk!.label === loop.label);
});

test("the Model: select becomes alt, use and access vanish, eval is gone, procedure calls are resolved", () => {
  const m = ok(`function inc (in out x: nat) is x := x + 1 end function
process MAIN [G: C] is var n: nat in n := 0; use n; access G; eval inc (!?n); select G (!n) [] G (!1) end select end var end process`);
  const body = proc(m, "MAIN").body;
  assert.ok(body.kind === "var" && body.body.kind === "seq");
  assert.deepEqual(body.body.stmts.map((s) => s.kind), ["assign", "call", "alt"]);
  const call = body.body.stmts[1]!;
  assert.ok(call.kind === "call" && call.fn.name === "inc" && call.args[0]!.kind === "in out");
});

// ---------------------------------------------------------------------------
// Root call

test("checkRootCall checks a root given on the command line", () => {
  const m = ok(`type Color is Red, Green end type
process P [G: C] (n: nat, b: bool, c: Color) is if b then G (!n) end if; use c end process`);
  const d = new DiagnosticBag();
  const r = checkRootCall(m, "p (3, true, Green)", d);
  assert.deepEqual(d.items, []);
  assert.ok(r);
  assert.equal(r.process.name, "P");
  assert.deepEqual(r.args.map((a) => a.type.name), ["nat", "bool", "Color"]);
  const d2 = new DiagnosticBag();
  assert.equal(checkRootCall(m, "P (3, 4, Red)", d2), undefined);
  assert.ok(d2.items.some((x) => x.code === "LNT2020"));
  const d3 = new DiagnosticBag();
  assert.equal(checkRootCall(m, "P (3", d3), undefined);
  assert.ok(d3.items.some((x) => x.code === "LNT4005"));
  const d4 = new DiagnosticBag();
  assert.equal(checkRootCall(m, "Nope", d4), undefined);
  assert.ok(d4.items.some((x) => x.code === "LNT2005"));
});

// ---------------------------------------------------------------------------
// Shared models

test("every shared model checks with no error", () => {
  for (const path of lntFiles(sharedModels)) {
    const r = loadModel(path, nodeHost);
    assert.deepEqual(errors(r).map((d) => `${path}:${lineOf(d)}: ${d.message}`), []);
    assert.ok(r.model, path);
    assert.ok(r.model.root, `${path} has MAIN`);
  }
});

test("the shared error models of names and types are rejected where and why they say", () => {
  for (const path of lntFiles(sharedErrorModels)) {
    const first = readFileSync(path, "utf8").split("\n")[0]!;
    const m = /expect-error:\s*(\d+)(?:-(\d+))?:\s*(.*)$/.exec(first);
    assert.ok(m, path);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    const words = m[3]!.split("|").map((w) => w.trim().toLowerCase());
    const r = loadModel(path, nodeHost);
    assert.equal(r.model, undefined, path);
    const hit = errors(r).some((d) => lineOf(d) >= lo && lineOf(d) <= hi && words.some((w) => d.message.toLowerCase().includes(w)));
    assert.ok(hit, `${path}: ${errors(r).map((d) => `${lineOf(d)}: ${d.message}`).join(" | ")}`);
  }
});

test("a case that may match no value is warned about; a variable gets at most one out actual per call", () => {
  const { r } = load(`type T is A, B (n: nat), C end type
function f (t: T): nat is
  case t in -- @w
    var k: nat in
    A -> return 0
  | B (k) where k > 0 -> return k
  | C -> return 2
  end case
end function
function g (b: bool): nat is case b in true -> return 1 | false -> return 0 end case end function
function h (t: T): nat is case t in var k: nat in A -> return 0 | B (k) -> return k | C -> return 2 end case end function`);
  assert.deepEqual(r.diagnostics.items.filter((d) => d.code === "LNT3023").map((d) => lineOf(d)), [5]);
  rejects(`function two (out a, b: nat) is a := 1; b := 2 end function
process P is var n: nat in two (?n, ?n); -- @e
  use n end var end process`, "LNT3020", ["n"]);
});

test("an undeclared array in an index expression is reported, not a crash", () => {
  rejects(`process P [G: C] is G (?any nat) where a[1] > 0 -- @e
end process`, "LNT2001", ["a"]);
});

test("models with names and literals swapped around never crash the checker", () => {
  // Substitutions keep most mutants parseable, so they reach the checker (the
  // parser's fuzz test mostly exercises syntax errors).
  const seeds = [...lntFiles(sharedModels), ...lntFiles(examplesDir)].filter((p) => !/sorting/.test(p));
  const extra = ["nat", "int", "bool", "true", "0", "-1", "x", "any", "nil", "{}", "1.5", "'c'", "\"s\"", "==", "+", "and then",
    "null", "stop", "i", "return 1", "raise unexpected", "break L", "[...]", "x.f", "a[1]", ".{a -> 1}", "eval", "where", "?any"];
  let seed = 20261126;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let iter = 0; iter < 600; iter++) {
    const path = seeds[rnd(seeds.length)]!;
    const toks = readFileSync(path, "utf8").match(/[A-Za-z_][A-Za-z0-9_]*|\d+|\s+|--[^\n]*|./g) ?? [];
    const words = toks.filter((t) => /^[A-Za-z_0-9]/.test(t));
    for (let k = 1 + rnd(3); k > 0; k--) {
      const i = rnd(toks.length);
      if (/^\s+$/.test(toks[i]!)) continue;
      const r = rnd(3);
      toks[i] = r === 0 ? words[rnd(words.length)]! : r === 1 ? extra[rnd(extra.length)]! : "";
    }
    const text = toks.join("");
    let r;
    try {
      const name = path.replace(/^.*[\\/]/, "");
      r = loadModel(name, memoryHost({ [name]: text }));
    } catch (e) {
      assert.fail(`crash on a mutant of ${path}: ${e instanceof Error ? e.stack : String(e)}\n${text}`);
    }
    for (const d of r.diagnostics.items) {
      assert.ok(d.span, `${d.code} without a span`);
      assert.notEqual(d.code, "LNT9001", `${d.message} on a mutant of ${path}:\n${text}`);
    }
  }
});

test("constructors may share a name with other fields; {} and constant functions are patterns; module name = file name", () => {
  const m = ok(`type Msg is Go, Halt, Halt (code: nat) end type
type R is range 1 .. 4 of nat with first, last, succ end type
type L is list of nat end type
function f (x: Msg, r: R, l: L): nat is
  case x in var c: nat in Halt (c) -> return c | Halt -> return 0 | Go -> null end case;
  case l in {} -> return 1 | any -> null end case;
  case r in last -> return 2 | any -> return 3 end case
end function`);
  const F = fn(m, "f");
  const cases = F.body!.kind === "seq" ? F.body!.stmts.filter((s): s is Extract<M.Stmt, { kind: "case" }> => s.kind === "case") : [];
  const halts = cases[0]!.matches.map((x) => x.patterns[0]!).map((p) => (p.kind === "ctor" ? `${p.ctor.name}/${p.ctor.fields.length}` : p.kind));
  assert.deepEqual(halts, ["Halt/1", "Halt/0", "Go/0"]);
  const empty = cases[1]!.matches[0]!.patterns[0]!;
  assert.ok(empty.kind === "ctor" && empty.ctor.name === "nil");
  const last = cases[2]!.matches[0]!.patterns[0]!;
  assert.ok(last.kind === "value" && last.expr.kind === "call" && last.expr.fn.builtin?.op === "last");
  rejects(`type Msg is Halt (a: nat), Halt (b: nat) -- @e
end type`, "LNT2010", ["constructor", "Halt"]);
  const r = loadModel("file.lnt", memoryHost({ "file.lnt": "module other is\nprocess MAIN is null end process\nend module\n" }));
  assert.ok(errors(r).some((d) => d.code === "LNT2058" && lineOf(d) === 1 && /other/.test(d.message) && /file\.lnt/.test(d.message)));
});

test("more rejections: arrays, collections, inference, gate lists, procedures, bounds, exceptions", () => {
  rejects(`function f (x: nat): nat is return x[1] -- @e
end function`, "LNT2041", ["nat"]);
  rejects(`function f: nat is return {1} -- @e
end function`, "LNT2046", ["nat"]);
  rejects(`type L1 is list of nat end type
type L2 is list of nat end type
process P [G: any] is G (!nil) -- @e
end process`, "LNT2022", ["nil", "of"]);
  rejects(`process P [G: any] is var x: nat in G (?any); -- @e
  use x end var end process`, "LNT2045", ["of"]);
  rejects(`process P [G: C] is G [G] (!1) -- @e
end process`, "LNT2053", ["G"]);
  rejects(`process Q is null end process
process P is Q where true -- @e
end process`, "LNT2057", ["Q"]);
  rejects(`function g is null end function
function f: nat is return g + 1 -- @e
end function`, "LNT2055", ["g"]);
  rejects(`function f: nat is return -- @e
end function`, "LNT3028", ["f", "nat"]);
  rejects(`type A is array [3 .. 1] of nat end type -- @e`, "LNT2051", ["3", "1"]);
  rejects(`process P [G: C] is par G # x in -- @e
  G (!1) || G (!1) end par end process`, "LNT2050", []);
  rejects(`process P is hide H: D in -- @e
  null end hide end process`, "LNT2006", ["D"]);
  rejects(`function f [E: C] (x: nat): nat is -- @e
  return x end function`, "LNT2049", ["E", "C"]);
  rejects(`channel B is (bool) end channel
process P [G: B] is var x: nat in G (?x) -- @e
  end var end process`, "LNT2031", ["B", "nat"]);
});

test("imports: every definition of an imported module is visible; cycles are errors", () => {
  const files = {
    "main.lnt": "module main (lib) is\nprocess MAIN [G: NAT] is G (!double (2)) end process\nend module\n",
    "lib.lnt": "module lib is\nchannel NAT is (nat) end channel\nfunction double (x: nat): nat is return 2 * x end function\nend module\n",
  };
  const r = loadModel("main.lnt", memoryHost(files));
  assert.deepEqual(errors(r).map((d) => d.message), []);
  assert.deepEqual(r.model!.modules.map((m) => m.name), ["main", "lib"]);
  const cyc = loadModel("a.lnt", memoryHost({
    "a.lnt": "module a (b) is\nprocess MAIN is null end process\nend module\n",
    "b.lnt": "module b (a) is\nend module\n",
  }));
  assert.ok(errors(cyc).some((d) => d.code === "LNT4003" && /a -> b -> a/.test(d.message)));
});

test("a name of the wrong kind is said so: a constructor is not a variable, a variable not a gate", () => {
  rejects(`type T is A, B end type
process P is A := B -- @e
end process`, "LNT2044", ["A", "constructor"]);
  rejects(`process Q [G: C] is G (!1) end process
process P is var x: nat in x := 1; Q [x] -- @e
  end var end process`, "LNT2043", ["x", "variable"]);
});

test("trap declares exceptions for its body only; in a process they join hiddenGates", () => {
  const m = ok(`process MAIN [G: C] is
  trap X: exit -> G (!0) | Y -> G (!1) in
    G (!2); raise X
  end trap
end process`);
  const P = proc(m, "MAIN");
  assert.deepEqual(P.hiddenGates.map((g) => `${g.name}:${g.index}:${String(g.channel)}`), ["X:1:exit", "Y:2:exit"]);
  const t = P.body;
  assert.ok(t.kind === "trap" && t.handlers.length === 2 && t.handlers[0]!.exception === P.hiddenGates[0]);
  assert.ok(t.body.kind === "seq" && t.body.stmts[1]!.kind === "raise" && t.body.stmts[1]!.exception === P.hiddenGates[0]);
  rejects(`process P [G: C] is trap X: exit -> raise X -- @e
  in G (!1) end trap end process`, "LNT2004", ["X"]);
});

test("expressions nested past the parser's limit are rejected, not a stack overflow", () => {
  const chain = (n: number) => Array.from({ length: n }, () => "1").join(" + ");
  ok(`function f: nat is return ${chain(400)} end function`);
  rejects(`function f: nat is return ${chain(20000)} -- @e
end function`, "LNT1025", ["500"]);
  rejects(`type A is array [0 .. ${chain(20000)}] of nat end type -- @e`, "LNT1025", ["500"]);
  const m = ok(`process P (n: nat) is null end process`);
  const d = new DiagnosticBag();
  assert.equal(checkRootCall(m, `P (${chain(20000)})`, d), undefined);
  assert.ok(d.items.some((x) => x.code === "LNT1025"));
});

test("using a definition of a module one does not import (even indirectly) is warned about", () => {
  const r = loadModel("main.lnt", memoryHost({
    "main.lnt": "module main (a, b) is\nprocess MAIN [G: NAT] is G (!f (1)) end process\nend module\n",
    "a.lnt": "module a (c) is\nfunction f (x: nat): nat is return g (x) + k (x) end function\nend module\n",
    "b.lnt": "module b is\nchannel NAT is (nat) end channel\nfunction g (x: nat): nat is return x end function\nend module\n",
    "c.lnt": "module c is\nfunction k (x: nat): nat is return x end function\nend module\n",
  }));
  assert.deepEqual(errors(r), []);
  const w = r.diagnostics.items.filter((d) => d.code === "LNT2059");
  assert.deepEqual(w.map((d) => `${d.span!.file.path}:${lineOf(d)}: ${d.message}`), [
    "a.lnt:2: 'g' is defined in module 'b', which module 'a' does not import",
  ]);
});

test("ensure: X.in is the entry value (an entry node on a hidden copy), X.out and a plain X the value at exit", () => {
  const m = ok(`
function incr (in out x: nat, in var y: nat, out z: nat) is
   ensure x.out == x.in + 1;
   ensure x == x.in + 1;
   ensure z.out == y.in;
   y := y + 1;
   x := x + 1;
   z := y - 1
end function
process step [G: C] (in out n: nat) is
   ensure n.out > n.in;
   G (!n);
   n := n + 1
end process`);
  const f = fn(m, "incr");
  const kinds = (e: M.Expr): string[] => (e.kind === "call" ? e.args.flatMap(kinds) : [`${e.kind}:${e.kind === "var" || e.kind === "entry" ? e.variable.name : ""}`]);
  assert.deepEqual(f.ensures.map(kinds), [["var:x", "entry:x", "literal:"], ["var:x", "entry:x", "literal:"], ["var:z", "entry:y"]]);
  // One copy per parameter, after the parameters, with no span (never reported unused).
  assert.deepEqual(f.entryCopies.map((c) => [c.param.name, c.copy.name, c.copy.index, c.copy.span]), [["x", "x.in", 3, undefined], ["y", "y.in", 4, undefined]]);
  const entry = f.ensures[0]!.kind === "call" ? f.ensures[0]!.args[1]! : undefined;
  assert.ok(entry?.kind === "call" && entry.args[0]!.kind === "entry" && entry.args[0]!.copy === f.entryCopies[0]!.copy);
  assert.deepEqual(proc(m, "step").entryCopies.map((c) => c.copy.name), ["n.in"]);
});

test("ensure: misplaced .in / .out qualifiers are errors with their own codes", () => {
  rejects(`
function f (in out x: nat) is
   require x.in > 0; -- @e
   x := x + 1
end function`, "LNT3032", ["'.in'", "ensure"]);
  rejects(`
function f (in out x: nat) is
   x := x.out + 1 -- @e
end function`, "LNT3032", ["'.out'", "ensure"]);
  rejects(`
process P [G: C] (in out n: nat) is
   G (!n.in); -- @e
   n := 1
end process`, "LNT3032", ["'.in'"]);
  rejects(`
function f (in out x: nat) is
   ensure x == y.in; -- @e
   x := x + 1
end function`, "LNT3033", ["'y'", "parameter of 'f'"]);
  rejects(`
function f (in out x: nat) is
   ensure (x + 1).in > 0; -- @e
   x := x + 1
end function`, "LNT3033", ["this expression"]);
  rejects(`
function f (a: nat, in out x: nat) is
   ensure x == a.in; -- @e
   x := x + a
end function`, "LNT3034", ["'a'", "'in' parameter"]);
  rejects(`
function f (in out x: nat) is
   var a: nat in
      a := 1;
      x := x + a
   end var
end function
function g (in x: nat): nat is
   ensure x.out == 1; -- @e
   return x
end function`, "LNT3034", ["'x'", "'.out'"]);
  rejects(`
function f (out z: nat) is
   ensure z.in == 0; -- @e
   z := 1
end function`, "LNT3035", ["'z'", "no value at entry"]);
});

test("ensure: '.out' on an 'in var' parameter is accepted with a warning", () => {
  const { r } = load(`
function f (in var y: nat): nat is
   ensure y.out > y.in;
   y := y + 1;
   return y
end function`);
  assert.ok(r.model);
  assert.deepEqual(r.diagnostics.items.map((d) => `${d.code}:${lineOf(d)}`), ["LNT3036:5"]);
});
