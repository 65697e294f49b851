// Parser tests: the shared models parse cleanly, each construct gives the
// expected tree, both spellings give the same tree, errors are reported at
// the right place with recovery, and no input makes the parser throw.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseModule } from "../../src/frontend/parser.js";
import { sourceFile, positionOf } from "../../src/frontend/source.js";
import { DiagnosticBag, type Diagnostic } from "../../src/frontend/diagnostics.js";
import type { Module, Stmt } from "../../src/frontend/ast.js";
import { sharedModels, sharedErrorModels, lntFiles } from "../util/paths.js";
import { showDefinition, showExpr, showPattern, showStmt } from "./ast-print.js";

function parse(text: string, path = "test.lnt") {
  const diags = new DiagnosticBag();
  const module = parseModule(sourceFile(path, text), diags);
  return { module, diags };
}

function parseClean(text: string): Module {
  const { module, diags } = parse(text);
  assert.deepEqual(diags.items.map((d) => `${where(d)} ${d.message}`), [], text);
  assert.ok(module);
  return module;
}

function where(d: Diagnostic): string {
  if (!d.span) return "?";
  const p = positionOf(d.span.file, d.span.start);
  return `${p.line}:${p.column}`;
}

/** The body of a process, as an s-expression. */
function beh(src: string): string {
  const m = parseClean(`module m is\nprocess P [G, H: any] is\n${src}\nend process\nend module\n`);
  const d = m.definitions[0]!;
  assert.equal(d.kind, "process");
  return showStmt((d as { body: Stmt }).body);
}

/** An expression, as the value of an assignment. */
function expr(src: string): string {
  const m = parseClean(`module m is function f: T is x := ${src} end function end module`);
  const body = (m.definitions[0] as { body: Stmt }).body;
  assert.equal(body.kind, "assign");
  return showExpr((body as { value: Parameters<typeof showExpr>[0] }).value);
}

/** The definitions of a module, as s-expressions. */
function defs(src: string): string[] {
  return parseClean(`module m is\n${src}\nend module`).definitions.map(showDefinition);
}

// ---------------------------------------------------------------------------
// Shared and error models

test("every shared model parses without diagnostics", () => {
  const files = lntFiles(sharedModels);
  assert.ok(files.length > 0);
  for (const f of files) {
    const { module, diags } = parse(readFileSync(f, "utf8"), f);
    assert.deepEqual(diags.items.map((d) => `${where(d)} ${d.message}`), [], f);
    assert.ok(module && module.definitions.length > 0, f);
  }
});

test("the shared error models parse to modules (their errors are semantic), except missing_end", () => {
  for (const f of lntFiles(sharedErrorModels)) {
    const { module, diags } = parse(readFileSync(f, "utf8"), f);
    assert.ok(module, f);
    if (!f.endsWith("missing_end.lnt")) assert.equal(diags.errorCount, 0, f);
  }
});

test("missing_end.lnt: an error on line 8 naming 'if' and where it was opened", () => {
  const f = join(sharedErrorModels, "missing_end.lnt");
  const { module, diags } = parse(readFileSync(f, "utf8"), f);
  assert.ok(module);
  assert.equal(diags.items.length, 1);
  const d = diags.items[0]!;
  assert.equal(d.code, "LNT1011");
  assert.equal(where(d), "8:4");
  assert.equal(d.message, "expected 'end if' to close the 'if' opened at line 6, found 'end loop'");
});

// ---------------------------------------------------------------------------
// Definitions

test("module header: imports, with clause, pragmas", () => {
  const m = parseClean(`module M (A, b) with get, "set", == is !nat_bits 32 !int_bits 16 end module`);
  assert.equal(m.name.text, "M");
  assert.deepEqual(m.imports.map((i) => i.key), ["a", "b"]);
  assert.deepEqual(m.withItems.map((w) => [w.name, w.quoted]), [["get", false], ["set", true], ["==", false]]);
  assert.deepEqual(m.pragmas.map((p) => [p.name.text, p.value?.kind === "number" ? p.value.text : undefined]), [["nat_bits", "32"], ["int_bits", "16"]]);
  assert.equal(m.definitions.length, 0);
});

test("keywords are case-insensitive", () => {
  const m = parseClean(`MODULE m IS Process MAIN [G: None] Is LOOP G END LOOP End Process END MODULE`);
  assert.equal(showDefinition(m.definitions[0]!), "(process MAIN [(G:None)] () (loop (act G)))");
});

test("type definitions: every body form", () => {
  assert.deepEqual(
    defs(`
type Color is Red, Green, Blue with ==, != end type
type Op is Deposit (amount: nat), Pair (a, b: nat, c: bool), Query with get, set end type
type Q is list of nat end type
type S is set of Color end type
type SL is sorted list of nat end type
type SS is sorted set of nat end type
type A is array [0 .. 3] of bool end type
type A2 is array [1 ... N] of bool end type
type R is range 1 .. 10 of nat with ==, first end type
type R2 is range 0 ... N - 1 of int end type
type P is X: nat where X < 100 end type
type D is X: nat end type
type G is xor, and, or, i end type
`),
    [
      "(type Color Red Green Blue (with == !=))",
      "(type Op (Deposit (amount:nat)) (Pair (a b:nat) (c:bool)) Query (with get set))",
      "(type Q (list nat))",
      "(type S (set Color))",
      "(type SL (sorted list nat))",
      "(type SS (sorted set nat))",
      "(type A (array 0 3 bool))",
      "(type A2 (array 1 N bool))",
      "(type R (range 1 10 nat) (with == first))",
      "(type R2 (range 0 (- N 1) int))",
      "(type P (subtype X:nat where (< X 100)))",
      "(type D (subtype X:nat))",
      "(type G xor and or i)",
    ],
  );
});

test("type and constructor pragmas", () => {
  const m = parseClean(`module m is
type T is !card 100 !implementedby "T_IMPL"
  A !implementedby "A_IMPL", B (x: nat) !external
  with ==
  !printedby "PRINT_T"
end type
end module`);
  const t = m.definitions[0]!;
  assert.equal(t.kind, "type");
  if (t.kind !== "type") return;
  assert.deepEqual(t.pragmas.map((p) => p.name.text), ["card", "implementedby", "printedby"]);
  if (t.body.kind !== "constructors") assert.fail();
  assert.deepEqual(t.body.constructors.map((c) => c.pragmas.map((p) => p.name.text)), [["implementedby"], ["external"]]);
});

test("channels: several profiles, named and anonymous items", () => {
  assert.deepEqual(defs(`channel C is (nat, bool), (x, y: nat, z: Color), () end channel`), [
    "(channel C (nat bool) (x y:nat z:Color) ())",
  ]);
});

test("functions: operator names, modes, exceptions, contracts, pragmas, no body", () => {
  assert.deepEqual(
    defs(`
function + (x, y: T): T is return x end function
function f [E: exit, F, G: none] (in a: nat, out b: nat, in out c: nat, in var d: nat, e: bool) is null end function
function g: nat is require x > 0; ensure g.out > 0; return 1 end function
function h (x: nat): nat !implementedby "H" !external is end function
function v (x: nat): nat is !virtual end function
function "==" (x, y: T): bool is return true end function
`),
    [
      "(function + ((x y:T)):T (return x))",
      "(function f [(E:exit) (F G:none)] ((in a:nat) (out b:nat) (in out c:nat) (in var d:nat) (e:bool)) null)",
      "(function g ():nat (return 1))",
      "(function h ((x:nat)):nat)",
      "(function v ((x:nat)):nat)",
      "(function == ((x y:T)):bool (return true))",
    ],
  );
  const m = parseClean(`module m is function g: nat is require x > 0; require y; ensure g.out > 0; return 1 end function
function h (x: nat): nat !implementedby "H" !external is end function end module`);
  const g = m.definitions[0]!;
  if (g.kind !== "function") assert.fail();
  assert.deepEqual(g.requires.map(showExpr), ["(> x 0)", "y"]);
  assert.deepEqual(g.ensures.map(showExpr), ["(> (.out g) 0)"]);
  const h = m.definitions[1]!;
  if (h.kind !== "function") assert.fail();
  assert.deepEqual(h.pragmas.map((p) => [p.name.text, p.value?.kind]), [["implementedby", "string"], ["external", undefined]]);
  assert.equal(h.body, undefined);
});

test("processes: gate declarations, parameters, pragmas, virtual with no body", () => {
  assert.deepEqual(
    defs(`
process P [G1, G2: C, H: any, E: none, X: exit] (a, b: nat, out r: bool) is stop end process
process Q is !virtual end process
process MAIN is null end process
`),
    [
      "(process P [(G1 G2:C) (H:any) (E:none) (X:exit)] ((a b:nat) (out r:bool)) stop)",
      "(process Q [] ())",
      "(process MAIN [] () null)",
    ],
  );
});

// ---------------------------------------------------------------------------
// Statements and behaviours

const BEHAVIOURS: ReadonlyArray<readonly [string, string]> = [
  ["null", "null"],
  ["stop", "stop"],
  ["i", "i"],
  ["G; H; i", "(seq (act G) (act H) i)"],
  ["x := 1", "(:= x 1)"],
  ["X[i] := E", "(:= ([] X i) E)"],
  ["X.f := E", "(:= (. X f) E)"],
  ["X[i].f[j] := 0", "(:= ([] (. ([] X i) f) j) 0)"],
  ["x := any nat", "(:= x (any nat))"],
  ["x := any nat where x < 3", "(:= x (any nat where (< x 3)))"],
  ["var x, y: nat, b: bool in x := 1 end var", "(var (x y:nat) (b:bool) (:= x 1))"],
  ["if a then G end if", "(if (a (act G)))"],
  ["if a then G elsif b then H elsif c then i else stop end if", "(if (a (act G)) (b (act H)) (c i) (else stop))"],
  ["only if a then G end if", "(only-if (a (act G)))"],
  ["only if a then G elsif b then H else i end if", "(only-if (a (act G)) (b (act H)) (else i))"],
  ["case x in 0 -> G | any -> H end case", "(case x ((val 0) -> (act G)) (any -> (act H)))"],
  [
    "case l in var h: nat, t: L in cons (h, t) where h > 0 -> G | nil | cons (any, any L) -> H end case",
    "(case l (vars (h:nat) (t:L)) ((cons h t) where (> h 0) -> (act G)) (nil | (cons any (any L)) -> (act H)))",
  ],
  ["case e of T in C (x) -> null end case", "(case (of e T) ((C x) -> null))"],
  ["case x in -1 -> null | 'c' -> null | \"s\" -> null | {} -> null end case", "(case x ((val (- 1)) -> null) ((val 'c') -> null) ((val \"s\") -> null) ((val {}) -> null))"],
  ["loop G end loop", "(loop (act G))"],
  ["loop L in G; break L end loop", "(loop L (seq (act G) (break L)))"],
  ["while x < 3 loop x := x + 1 end loop", "(while (< x 3) (:= x (+ x 1)))"],
  ["while b loop W in break W end loop", "(while b W (break W))"],
  ["for x := 0 while x < n by x := x + 1 loop G (!x) end loop", "(for (:= x 0) while (< x n) by (:= x (+ x 1)) (act G (!x)))"],
  ["for x := 0 until x == n by x := x + 1 loop F in null end loop", "(for (:= x 0) until (== x n) by (:= x (+ x 1)) F null)"],
  ["return", "(return)"],
  ["return x + 1", "(return (+ x 1))"],
  ["raise E", "(raise E)"],
  ["raise E ()", "(raise E)"],
  ["use x, y", "(use x y)"],
  ["access G, H", "(access G H)"],
  ["assert x > 0", "(assert (> x 0))"],
  ["assert (x > 0)", "(assert (paren (> x 0)))"],
  ["trap E1: exit -> G | E2 -> H in F [E1, E2] (x) end trap", "(trap (E1:exit -> (act G)) (E2 -> (act H)) in (act F [E1 E2] (x)))"],
  ["trap exception E1 is G exception E2: T is H in null end trap", "(trap (E1 -> (act G)) (E2:T -> (act H)) in null)"],
  ["G (!x, ?y, z, ?any nat)", "(act G (!x ?y z ?(any nat)))"],
  ["G (?C (x, any T), ?x of T, !1 of T) where x > 1", "(act G (?(C x (any T)) ?(of x T) !(of 1 T)) where (> x 1))"],
  ["G where b", "(act G where b)"],
  ["P [G1, G2] (1, x)", "(act P [G1 G2] (1 x))"],
  ["P [...]", "(act P [...])"],
  ["P [...] (1)", "(act P [...] (1))"],
  ["P [G]", "(act P [G])"],
  ["P [] (1); x := F [] (2)", "(seq (act P [] (1)) (:= x (F [] 2)))"],
  ["alt P [] (Q) end alt", "(alt (act P [] (Q)))"],
  ["f (!?y, ?z, x)", "(act f (!?y ?z x))"],
  ["eval f (!?y)", "(act eval f (!?y))"],
  ["eval x := f (!?y, 1)", "(act eval x:= f (!?y 1))"],
  ["x := f (!?y, ?z)", "(:= x (f !?y ?z))"],
  ["x := f [E] (y)", "(:= x (f [E] y))"],
  ["select G [] H [] i; stop end select", "(select (act G) (act H) (seq i stop))"],
  ["alt G [] H end alt", "(alt (act G) (act H))"],
  ["par G || H end par", "(par (act G) (act H))"],
  ["par G, H in P [G, H] || Q [G, H] end par", "(par [G H] (act P [G H]) (act Q [G H]))"],
  ["par G # 2 in A || B || C end par", "(par [G #2] (act A) (act B) (act C))"],
  ["par G, H -> A || H -> B; C || D end par", "(par (G H -> (act A)) (H -> (seq (act B) (act C))) (act D))"],
  ["par G in H -> par A || B end par || C end par", "(par [G] (H -> (par (act A) (act B))) (act C))"],
  ["hide X, Y: C, Z: none in X; Z end hide", "(hide (X Y:C) (Z:none) (seq (act X) (act Z)))"],
  ["disrupt G; H by i end disrupt", "(disrupt (seq (act G) (act H)) by i)"],
  ["G; (* a trailing semicolon is tolerated *)", "(act G)"],
];

test("every statement and behaviour gives the expected tree", () => {
  for (const [src, want] of BEHAVIOURS) assert.equal(beh(src), want, src);
});

test("sequence binds tighter than [] and ||", () => {
  assert.equal(beh("alt G; H [] i end alt; stop"), "(seq (alt (seq (act G) (act H)) i) stop)");
  assert.equal(beh("par G; H || i; stop end par"), "(par (seq (act G) (act H)) (seq i stop))");
});

test("'i' is a name where a name is expected", () => {
  assert.equal(beh("var i: nat in i := 0; G (!i) end var"), "(var (i:nat) (seq (:= i 0) (act G (!i))))");
  assert.equal(beh("case n in i (x) -> null | i -> null end case"), "(case n ((i x) -> null) (i -> null))");
});

// ---------------------------------------------------------------------------
// Expressions

const EXPRESSIONS: ReadonlyArray<readonly [string, string]> = [
  ["1 + 2 * 3", "(+ 1 (* 2 3))"],
  ["(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"],
  ["a - b - c", "(- (- a b) c)"],
  ["2 ** 3 ** 2", "(** 2 (** 3 2))"],
  ["-x ** 2", "(** (- x) 2)"],
  ["a * b div c mod d rem e", "(rem (mod (div (* a b) c) d) e)"],
  ["a + b & c", "(& (+ a b) c)"],
  ["(b + 1) mod N == f", "(== (mod (paren (+ b 1)) N) f)"],
  ["a < b and c >= d", "(and (< a b) (>= c d))"],
  ["a and b or c and d", "(or (and a b) (and c d))"],
  ["a or b xor c", "(xor (or a b) c)"],
  ["a implies b or c", "(implies a (or b c))"],
  ["a iff b", "(iff a b)"],
  ["a and then b or else c", "(or else (and then a b) c)"],
  ["not a and b", "(and (not a) b)"],
  ["not (a)", "(not (paren a))"],
  ["a = b", "(= a b)"],
  ["a <> b", "(<> a b)"],
  ["a != b", "(!= a b)"],
  ["x.f.g", "(. (. x f) g)"],
  ["buf.arr[i].s", "(. ([] (. buf arr) i) s)"],
  ["mem[nat (x)]", "([] mem (nat x))"],
  ["x.{f -> 1, g -> y + 1}", "(.{} x f=1 g=(+ y 1))"],
  ["x.{f => 1}", "(.{} x f=1)"],
  ["x.{f -> 1}.g", "(. (.{} x f=1) g)"],
  ["1 of T", "(of 1 T)"],
  ["(- 128) of BYTE", "(of (paren (- 128)) BYTE)"],
  ["{}", "{}"],
  ["{} of L", "(of {} L)"],
  ["{1, 2, x}", "{1 2 x}"],
  ["f ()", "(f)"],
  ["f (x, g (y))", "(f x (g y))"],
  ["F [E1, E2] (x)", "(F [E1 E2] x)"],
  ["C (x -> 1, y -> 2)", "(C x->1 y->2)"],
  ["Nat (x) + 1", "(+ (Nat x) 1)"],
  ["'a'", "'a'"],
  ["\"str\"", "\"str\""],
  ["0.5", "0.5"],
  ["1.5e3", "1.5e3"],
  ["0x1F", "0x1F"],
  ["xor", "xor"],
  ["and", "and"],
  ["not", "not"],
  ["f (and, or)", "(f and or)"],
  // `.in` / `.out` are qualifiers (for `ensure`), not fields: `in` and `out` are reserved.
  ["x.in", "(.in x)"],
  ["x.OUT", "(.OUT x)"],
  ["r.f.in > x.out", "(> (.in (. r f)) (.out x))"],
];

test("every expression form and the precedence table", () => {
  for (const [src, want] of EXPRESSIONS) assert.equal(expr(src), want, src);
});

test("operator keys merge the two spellings of (in)equality", () => {
  const m = parseClean("module m is function f: bool is return (a = b) and (c <> d) and (e AND THEN f) end function end module");
  const keys: string[] = [];
  const walk = (e: unknown): void => {
    if (!e || typeof e !== "object") return;
    const o = e as { kind?: string; op?: { key: string } };
    if ((o.kind === "binary" || o.kind === "unary") && o.op) keys.push(o.op.key);
    for (const v of Object.values(o)) if (v && typeof v === "object" && v !== (o as { span?: unknown }).span) walk(v);
  };
  walk(m.definitions);
  assert.deepEqual(keys.sort(), ["!=", "==", "and", "and", "and then"]);
});

test("patterns", () => {
  const pats = (src: string) => {
    const m = parseClean(`module m is function f: bool is case x in ${src} -> null end case end function end module`);
    const body = (m.definitions[0] as { body: Stmt }).body;
    if (body.kind !== "case") assert.fail();
    return body.matches[0]!.patterns.map(showPattern);
  };
  assert.deepEqual(pats("x"), ["x"]);
  assert.deepEqual(pats("any"), ["any"]);
  assert.deepEqual(pats("any nat"), ["(any nat)"]);
  assert.deepEqual(pats("C (x, any, any T, D (y))"), ["(C x any (any T) (D y))"]);
  assert.deepEqual(pats("C (x) of T | 0 | -1 | true"), ["(of (C x) T)", "(val 0)", "(val (- 1))", "true"]);
});

// ---------------------------------------------------------------------------
// Both spellings

/** The tree without positions and spelling records, for comparing spellings. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === "span" || k === "file" || k === "text" || k === "keyword" || k === "quoted" || k === "eval") continue;
    // `none` and `exit` are the old and new names of the exception channel.
    out[k] = k === "key" && x === "none" ? "exit" : normalise(x);
  }
  return out;
}

test("old and new spellings give the same tree", () => {
  const old = parseClean(`module m with "get", "==" is
type T is A (f: nat), B with "==", "!=", "<>" end type
type R is range 0 .. 3 of nat end type
type Arr is array [0 .. 3] of nat end type
function f [E: none] (x: T): T is
   if (x == A (1)) and (x != B) then raise E end if;
   return x.{f => 1}
end function
process P [G: none, H: any] is
   var x: T in
      select G [] eval p (!?x); H (!x) [] only if true then i end if end select
   end var
end process
end module`);
  const neu = parseClean(`MODULE m WITH get, == IS
type T is A (f: nat), B with ==, !=, <> end type
type R is range 0 ... 3 of nat end type
type Arr is array [0 ... 3] of nat end type
function f [E: exit] (x: T): T is
   if (x = A (1)) and (x <> B) then raise E () end if;
   return x.{f -> 1}
end function
process P [G: exit, H: any] is
   var x: T in
      alt G [] p (!?x); H (!x) [] only if true then i end if end alt
   end var
end process
end module`);
  assert.deepEqual(normalise(neu.definitions), normalise(old.definitions));
  assert.deepEqual(normalise(neu.withItems), normalise(old.withItems));
  // What was written is still recorded.
  const sel = (m: Module) => ((m.definitions[4] as { body: { body: Stmt } }).body.body as { keyword: string }).keyword;
  assert.equal(sel(old), "select");
  assert.equal(sel(neu), "alt");
});

// ---------------------------------------------------------------------------
// Errors: exact place, code and message

interface Expect {
  readonly at: string;
  readonly code: string;
  readonly message?: string;
}

function errors(src: string): Expect[] {
  const { diags } = parse(src);
  return diags.sorted().map((d) => ({ at: where(d), code: d.code, message: d.message }));
}

function assertErrors(src: string, want: readonly Expect[]): void {
  const got = errors(src);
  assert.equal(got.length, want.length, `${src}\n${JSON.stringify(got, null, 1)}`);
  want.forEach((w, k) => {
    assert.equal(got[k]!.at, w.at, src);
    assert.equal(got[k]!.code, w.code, src);
    if (w.message) assert.equal(got[k]!.message, w.message, src);
  });
}

const P = (body: string) => `module m is\nprocess P [G, H: any] is\n${body}\nend process\nend module\n`;

test("syntax errors: exact line, column, code and message", () => {
  assertErrors(P("   x := ;"), [{ at: "3:9", code: "LNT1013", message: "expected an expression, found ';'" }]);
  assertErrors(P("   G H"), [{ at: "3:6", code: "LNT1010", message: "expected ';', found 'H'" }]);
  assertErrors(P("   alt G [] H end select"), [
    { at: "3:15", code: "LNT1011", message: "expected 'end alt' to close the 'alt' opened at line 3, found 'end select'" },
  ]);
  assertErrors(P("   loop\n      G\n   end if"), [
    { at: "5:4", code: "LNT1011", message: "expected 'end loop' to close the 'loop' opened at line 3, found 'end if'" },
  ]);
  assertErrors(P("   par G || H"), [
    { at: "4:1", code: "LNT1011", message: "expected 'end par' to close the 'par' opened at line 3, found 'end process'" },
  ]);
  assertErrors(P("   G (!x"), [{ at: "4:1", code: "LNT1010", message: "expected ')', found 'end process'" }]);
  assertErrors(P("   G (?)"), [{ at: "3:8", code: "LNT1016", message: "expected a pattern, found ')'" }]);
  assertErrors(P("   x := 1 of 2"), [{ at: "3:14", code: "LNT1017", message: "expected a type name, found '2'" }]);
  assertErrors(P("   x := - -1"), [{ at: "3:11", code: "LNT1019" }]);
  assertErrors(P("   x := -1 of int"), [{ at: "3:10", code: "LNT1018", message: "a prefix operator and 'of' must be parenthesised: write '(- 1) of int'" }]);
  assertErrors(P("   then"), [{ at: "3:4", code: "LNT1014", message: "expected a statement or behaviour, found 'then'" }]);
  assertErrors(P("   f (x) := 1; G"), [{ at: "3:4", code: "LNT1024" }]);
  // The token after a lexical error gets no second error.
  assertErrors(P("   G @ H"), [{ at: "3:6", code: "LNT1001" }]);
  assertErrors(P("   var loop: nat in G end var"), [{ at: "3:8", code: "LNT1010", message: "expected a variable name, found 'loop'" }]);
  assertErrors(`module m is\nprocess P is null end process\nend module\njunk`, [
    { at: "4:1", code: "LNT1020", message: "unexpected 'junk' after the end of the module" },
  ]);
  assertErrors(`module m is\n  x := 1\nend module`, [
    { at: "2:3", code: "LNT1015", message: "expected a definition (type, function, channel or process), found 'x'" },
  ]);
  assertErrors(`module m is\ntype T is A, B\nend module`, [
    { at: "3:1", code: "LNT1011", message: "expected 'end type' to close the 'type' opened at line 2, found 'end module'" },
  ]);
  assertErrors(`  -- nothing here\n`, [{ at: "1:1", code: "LNT1023" }]);
  assertErrors(`process P is null end process`, [{ at: "1:1", code: "LNT1010", message: "expected 'module', found 'process'" }]);
  assertErrors(`module m is
process P is G end process end process
end module`, [
    { at: "2:28", code: "LNT1015", message: "expected a definition (type, function, channel or process), found 'end process'" },
  ]);
  assertErrors(`module m is
process P is G
process Q is H end process
end module`, [
    { at: "3:1", code: "LNT1011", message: "expected 'end process' to close the 'process' opened at line 2, found 'process'" },
  ]);
  assertErrors(P("   x := 'a' 'b'"), [{ at: "3:13", code: "LNT1010", message: "expected ';', found character 'b'" }]);
  assertErrors(`module m is\nchannel C is nat end channel\nend module`, [{ at: "2:14", code: "LNT1010", message: "expected '(', found 'nat'" }]);
  assertErrors(`module m is\nfunction f (x nat): nat is return x end function\nend module`, [{ at: "2:15", code: "LNT1010", message: "expected ':', found 'nat'" }]);
  assertErrors(P("   break"), [{ at: "4:1", code: "LNT1010", message: "expected a loop label, found 'end process'" }]);
  assertErrors(`module m is\nprocess P is "unterminated\nend process\nend module`, [{ at: "2:14", code: "LNT1002" }]);
});

test("recovery: independent errors are all reported, without cascades", () => {
  const src = `module m is
type T is A, B with == end type
process P [G, H: any] is
   var x: nat in
      x := ;
      G (!x);
      G H;
      if x > 0 then G else H end if
   end var
end process
function f (x: nat): nat is
   return x +
end function
channel C is (nat) end channel
process Q [G: any] is
   alt G [] H end select
end process
process R [G: any] is
   loop G end loop
end process
end module
`;
  const { module, diags } = parse(src);
  assert.deepEqual(
    diags.sorted().map((d) => `${where(d)} ${d.code}`),
    ["5:12 LNT1013", "7:9 LNT1010", "13:1 LNT1013", "16:15 LNT1011"],
  );
  assert.ok(module);
  assert.deepEqual(module.definitions.map((d) => d.name.text), ["T", "P", "f", "C", "Q", "R"]);
  // The statements after an error are still in the tree.
  assert.match(showDefinition(module.definitions[1]!), /\(if \(\(> x 0\) \(act G\)\) \(else \(act H\)\)\)/);
});

test("a missing 'end' inside nested blocks is reported once, at the right construct", () => {
  const src = P(`   loop
      alt
         if a then G
      [] H
      end alt
   end loop`);
  assert.deepEqual(errors(src).map((e) => `${e.at} ${e.message}`), [
    "6:7 expected 'end if' to close the 'if' opened at line 5, found '[]'",
  ]);
});

// ---------------------------------------------------------------------------
// Robustness: no input makes the parser throw, hang or overflow the stack

/** Parses and checks the parser kept its promises: no exception, errors as diagnostics. */
function survive(text: string, label: string): DiagnosticBag {
  const diags = new DiagnosticBag();
  assert.doesNotThrow(() => parseModule(sourceFile("fuzz.lnt", text), diags), label);
  for (const d of diags.items) assert.ok(d.span && d.span.start >= 0 && d.span.end <= text.length, label);
  return diags;
}

test("every truncation of every shared model is survived, with a diagnostic", () => {
  for (const f of lntFiles(sharedModels)) {
    const text = readFileSync(f, "utf8");
    const end = text.lastIndexOf("end module");
    const step = Math.max(1, Math.floor(text.length / 300));
    for (let k = 0; k < end; k += step) {
      const diags = survive(text.slice(0, k), `${f} cut at ${k}`);
      // Cutting before `end module` always leaves something unclosed.
      if (text.slice(0, k).trim() !== "") assert.ok(diags.hasErrors(), `${f} cut at ${k}`);
    }
  }
});

test("shared models with a token deleted or doubled are survived", () => {
  for (const f of lntFiles(sharedModels)) {
    const text = readFileSync(f, "utf8");
    const words = [...text.matchAll(/\S+/g)];
    for (let k = 0; k < words.length; k += 3) {
      const w = words[k]!;
      const at = w.index!;
      survive(text.slice(0, at) + text.slice(at + w[0].length), `${f} without word ${k}`);
      survive(text.slice(0, at) + w[0] + " " + text.slice(at), `${f} with word ${k} doubled`);
    }
  }
});

test("deep nesting is an error past the limit, not a stack overflow", () => {
  const N = 100_000;
  const cases: Record<string, string> = {
    parens: `module m is function f: nat is return ${"(".repeat(N)}1${")".repeat(N)} end function end module`,
    unclosed: `module m is function f: nat is return ${"(".repeat(N)}`,
    ifs: `module m is process P [G: any] is ${"if x then ".repeat(N / 10)}G${" end if".repeat(N / 10)} end process end module`,
    calls: `module m is function f: nat is return ${"f (".repeat(N)}1${")".repeat(N)} end function end module`,
    patterns: `module m is function f: nat is case x in ${"C (".repeat(N)}x${")".repeat(N)} -> null end case end function end module`,
    power: `module m is function f: nat is return ${"x ** ".repeat(N)}x end function end module`,
    pars: `module m is process P [G: any] is ${"par G -> ".repeat(N / 10)}G${" end par".repeat(N / 10)} end process end module`,
    braces: `module m is function f: nat is return ${"{".repeat(N)}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    const diags = survive(text, name);
    assert.ok(diags.items.some((d) => d.code === "LNT1025"), name);
  }
  // Below the limit, nesting is fine.
  survive(`module m is function f: nat is return ${"(".repeat(200)}1${")".repeat(200)} end function end module`, "200 parens");
  assert.equal(parse(`module m is function f: nat is return ${"(".repeat(200)}1${")".repeat(200)} end function end module`).diags.items.length, 0);
});

test("long flat inputs are linear: 100k statements, operands, prefix operators, alternatives", () => {
  const N = 100_000;
  const t0 = performance.now();
  assert.equal(survive(`module m is process P [G: any] is ${"G; ".repeat(N)}G end process end module`, "seq").items.length, 0);
  assert.equal(survive(`module m is function f: nat is return ${"x + ".repeat(N)}x end function end module`, "sum").items.length, 0);
  assert.equal(survive(`module m is process P [G: any] is alt ${"G [] ".repeat(N)}G end alt end process end module`, "alt").items.length, 0);
  const chained = survive(`module m is function f: bool is return ${"not ".repeat(N)}x end function end module`, "not");
  assert.deepEqual(chained.items.map((d) => d.code), ["LNT1019"]);
  assert.ok(performance.now() - t0 < 5000);
});

test("token soup and random bytes are survived", () => {
  let seed = 20261126;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const vocab = [
    "module", "m", "is", "end", "process", "function", "type", "channel", "var", "in", "out", "if", "then", "else",
    "elsif", "case", "of", "loop", "while", "for", "by", "until", "alt", "select", "par", "hide", "disrupt", "[]", "||",
    "|", "->", "=>", "(", ")", "[", "]", "{", "}", ";", ",", ":", ":=", "!", "?", "!?", "x", "G", "1", "0.5", "'a'",
    '"s"', "+", "-", "*", "**", "==", "<>", "and", "then", "or", "else", "not", "any", "where", "i", "null", "stop",
    ".", "..", "...", ".{", "#", "return", "raise", "trap", "exception", "only", "eval", "use", "access", "break",
    "assert", "require", "ensure", "list", "set", "sorted", "array", "range", "with", "none", "exit",
  ];
  for (let k = 0; k < 60; k++) {
    const toks: string[] = k % 2 ? ["module", "m", "is"] : [];
    const n = 50 + Math.floor(rnd() * 3000);
    for (let j = 0; j < n; j++) toks.push(vocab[Math.floor(rnd() * vocab.length)]!);
    survive(toks.join(k % 3 ? " " : "\n"), `soup ${k}`);
  }
  for (let k = 0; k < 20; k++) {
    let text = "";
    for (let j = 0; j < 5000; j++) text += String.fromCharCode(Math.floor(rnd() * (k % 2 ? 128 : 0x10000)));
    survive(text, `bytes ${k}`);
  }
});

// ---------------------------------------------------------------------------
// Performance

/** A valid model of about `lines` lines using most constructs. */
function generate(lines: number): string {
  const out = ["module big (other) with get, set is", "!nat_bits 32", "channel C is (nat), (x: nat, b: bool) end channel"];
  for (let k = 0; out.length < lines; k++) {
    out.push(
      `type T${k} is A${k} (f: nat, g: bool), B${k} with ==, != end type`,
      `type L${k} is sorted list of T${k} end type`,
      `type R${k} is range 0 ... 9 of nat end type`,
      `function f${k} [E: exit] (in x: nat, out y: nat, in out z: L${k}): nat is`,
      `   var a: T${k}, n: nat in`,
      `      a := A${k} (x * 2 + 1 mod 3, (x > 0) and then not (x == 7));`,
      `      y := a.f; z := append (a.{f -> y + 1}, z);`,
      `      for n := 0 while n < 10 by n := n + 1 loop`,
      `         if n == x then raise E elsif n > x then break L else null end if`,
      `      end loop;`,
      `      case a in var q: nat in A${k} (q, any bool) where q > 1 -> return q | any -> return 0 end case`,
      `   end var`,
      `end function`,
      `process P${k} [G, H: C, X: none] (n: nat) is`,
      `   var x: nat, b: bool in`,
      `      loop L in`,
      `         alt`,
      `            G (?x) where x < n; H (!x, true)`,
      `         [] H (?x, ?b of bool); if b then break L end if`,
      `         [] x := any nat where x < 3; X`,
      `         [] only if n > 1 then i end if`,
      `         end alt`,
      `      end loop;`,
      `      par G in`,
      `         G -> P${k} [G, H, X] (n - 1)`,
      `      || hide Y: none in Y; G (!1) end hide`,
      `      end par`,
      `   end var`,
      `end process`,
    );
  }
  out.push("end module");
  return out.join("\n");
}

test("a 20,000-line model parses well under half a second", () => {
  const text = generate(20_000);
  assert.ok(text.split("\n").length >= 20_000);
  // CPU time, not wall-clock time: the suite shares the machine with other work.
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const diags = new DiagnosticBag();
    const t0 = process.cpuUsage();
    const m = parseModule(sourceFile("big.lnt", text), diags);
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000);
    assert.deepEqual(diags.items.map((d) => `${where(d)} ${d.message}`), []);
    assert.ok(m && m.definitions.length > 2000);
  }
  assert.ok(Math.min(...times) < 500, `parse times ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
});

// ---------------------------------------------------------------------------
// Spans and idioms of real models

test("every node's span lies within its parent's, in every shared model", () => {
  for (const f of lntFiles(sharedModels)) {
    const text = readFileSync(f, "utf8");
    const m = parseClean(text);
    const walk = (node: unknown, parent: { start: number; end: number } | undefined, path: string): void => {
      if (Array.isArray(node)) return node.forEach((x, k) => walk(x, parent, `${path}[${k}]`));
      if (!node || typeof node !== "object") return;
      let here = parent;
      const s = (node as { span?: { start: number; end: number; file?: unknown } }).span;
      if (s && s.file) {
        assert.ok(s.start <= s.end && s.end <= text.length, `${f} ${path}`);
        if (parent) assert.ok(s.start >= parent.start && s.end <= parent.end, `${f} ${path}`);
        here = s;
      }
      for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "file") walk(v, here, `${path}.${k}`);
    };
    walk(m, undefined, "module");
  }
});

test("statement spans cover their text exactly", () => {
  const src = "module m is process P [G: any] is G (!1) where x > 0; x := f (y) end process end module";
  const m = parseClean(src);
  const body = (m.definitions[0] as { body: Stmt }).body;
  if (body.kind !== "seq") assert.fail();
  assert.deepEqual(body.stmts.map((s) => src.slice(s.span.start, s.span.end)), ["G (!1) where x > 0", "x := f (y)"]);
  assert.equal(src.slice(body.span.start, body.span.end), "G (!1) where x > 0; x := f (y)");
});

test("idioms seen in published models", () => {
  // Ranges and arrays written without spaces around the dots.
  assert.deepEqual(defs("type S is range 1..1 of nat with == end type\ntype M is array [1..2] of D end type"), [
    "(type S (range 1 1 nat) (with ==))",
    "(type M (array 1 2 D))",
  ]);
  // Constructors named like keywords-that-are-not: `i`, `and`, `xor`.
  assert.deepEqual(defs("type N is i (x: nat), f (y: nat), xor, and end type"), ["(type N (i (x:nat)) (f (y:nat)) xor and)"]);
  // Receiving a constructor pattern annotated with its type; old field update.
  assert.equal(beh("RECV (?task, ?COMMIT (p) of message); l := l.{p => insert (t, l.p)}"),
    "(seq (act RECV (?task ?(of (COMMIT p) message))) (:= l (.{} l p=(insert t (. l p)))))");
  // Guards spread over lines, `[...]` calls with converted literals, `access` first.
  assert.equal(beh("access G;\nCORE [...] (1 of SId);\nG (?d, ?a)\n   where ((d != N) and (a != M))"),
    "(seq (access G) (act CORE [...] ((of 1 SId))) (act G (?d ?a) where (paren (and (paren (!= d N)) (paren (!= a M))))))");
  // `require` before the body of a procedure, array element update through a field.
  assert.deepEqual(defs("function deq (in out b: B) is\n   require (b.front != -1);\n   b.arr[Nat (b.front)] := b.arr[Nat (b.front)].{s -> Free}\nend function"), [
    "(function deq ((in out b:B)) (:= ([] (. b arr) (Nat (. b front))) (.{} ([] (. b arr) (Nat (. b front))) s=Free)))",
  ]);
  // Comparisons bind tighter than `or`: `il=1 or il=n`.
  assert.equal(expr("(il=1 or il=n)"), "(paren (or (= il 1) (= il n)))");
  // Keywords in upper case and empty parameter lists.
  assert.deepEqual(defs("function p1 (): T is RETURN NIL end function"), ["(function p1 ():T (return NIL))"]);
});
