// Property tests of the parser: random expression trees printed with the
// fewest parentheses that LNT's precedence table allows parse back to the same
// tree, and random token sequences lex back to the same tokens.

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseModule } from "../../src/frontend/parser.js";
import { tokenize } from "../../src/frontend/lexer.js";
import { sourceFile } from "../../src/frontend/source.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import type { Expr, Stmt } from "../../src/frontend/ast.js";
import { showExpr, showStmt } from "./ast-print.js";

/** A small expression language mirroring the parser's precedence levels. */
type E =
  | { k: "atom"; text: string }
  | { k: "bin"; op: string; l: E; r: E }
  | { k: "un"; op: string; e: E }
  | { k: "field"; e: E; f: string }
  | { k: "call"; f: string; args: E[] };

const PREC: Record<string, number> = {
  implies: 1, iff: 1, or: 2, "or else": 2, xor: 2, and: 3, "and then": 3,
  "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
  "+": 5, "-": 5, "&": 5, "*": 6, "/": 6, div: 6, mod: 6, rem: 6, "**": 7,
};
const UNARY_PREC = 8;
const POSTFIX_PREC = 9;

const prec = (e: E): number => (e.k === "bin" ? PREC[e.op]! : e.k === "un" ? UNARY_PREC : POSTFIX_PREC);

/** Prints with parentheses only where the precedence table requires them. */
function print(e: E): string {
  switch (e.k) {
    case "atom":
      return e.text;
    case "call":
      return `${e.f} (${e.args.map(print).join(", ")})`;
    case "field": {
      const inner = print(e.e);
      return `${prec(e.e) < POSTFIX_PREC ? `(${inner})` : inner}.${e.f}`;
    }
    case "un": {
      // Prefix operators apply to a postfix expression; a nested prefix or
      // binary operand needs parentheses.
      const inner = print(e.e);
      return `${e.op} ${prec(e.e) < POSTFIX_PREC ? `(${inner})` : inner}`;
    }
    case "bin": {
      const p = PREC[e.op]!;
      const rightAssoc = e.op === "**";
      const l = print(e.l);
      const r = print(e.r);
      const lp = prec(e.l) < p || (rightAssoc && prec(e.l) === p) ? `(${l})` : l;
      const rp = prec(e.r) < p || (!rightAssoc && prec(e.r) === p) ? `(${r})` : r;
      return `${lp} ${e.op} ${rp}`;
    }
  }
}

/** The same tree in the s-expression form of ast-print.ts. */
function show(e: E): string {
  switch (e.k) {
    case "atom":
      return e.text;
    case "call":
      return `(${e.f}${e.args.map((a) => " " + show(a)).join("")})`;
    case "field":
      // `.in` / `.out` parse as qualifiers, printed as such.
      return e.f === "in" || e.f === "out" ? `(.${e.f} ${show(e.e)})` : `(. ${show(e.e)} ${e.f})`;
    case "un":
      return `(${e.op} ${show(e.e)})`;
    case "bin":
      return `(${e.op} ${show(e.l)} ${show(e.r)})`;
  }
}

const names = fc.constantFrom("x", "y", "z1", "Head", "xor", "and", "mod");
const atoms: fc.Arbitrary<E> = fc.oneof(
  names.map((text): E => ({ k: "atom", text })),
  fc.nat(999).map((n): E => ({ k: "atom", text: String(n) })),
  fc.constantFrom("0.5", "'c'", '"s"').map((text): E => ({ k: "atom", text })),
);

const exprs: fc.Arbitrary<E> = fc.letrec<{ e: E }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atoms,
    fc.record({ k: fc.constant("bin" as const), op: fc.constantFrom(...Object.keys(PREC)), l: tie("e"), r: tie("e") }),
    fc.record({ k: fc.constant("un" as const), op: fc.constantFrom("-", "+", "not"), e: tie("e") }),
    fc.record({ k: fc.constant("field" as const), e: tie("e"), f: fc.constantFrom("f", "in", "out") }),
    fc.record({ k: fc.constant("call" as const), f: fc.constantFrom("g", "Nat", "succ"), args: fc.array(tie("e"), { maxLength: 3 }) }),
  ),
})).e;

/** The tree without the `paren` nodes that the printer's parentheses produce. */
function unparen(e: Expr): Expr {
  switch (e.kind) {
    case "paren":
      return unparen(e.expr);
    case "binary":
      return { ...e, left: unparen(e.left), right: unparen(e.right) };
    case "unary":
      return { ...e, operand: unparen(e.operand) };
    case "field":
    case "qualified":
      return { ...e, target: unparen(e.target) };
    case "apply":
      return { ...e, args: e.args.map((a) => (a.kind === "in" ? { ...a, expr: unparen(a.expr) } : a)) };
    default:
      return e;
  }
}

function parseExpr(text: string): { shown: string; errors: string[] } {
  const diags = new DiagnosticBag();
  const m = parseModule(sourceFile("p.lnt", `module m is function f: T is x := ${text} end function end module`), diags);
  const body = (m?.definitions[0] as { body?: Stmt } | undefined)?.body;
  const shown = body && body.kind === "assign" ? showExpr(unparen(body.value)) : "<none>";
  return { shown, errors: diags.items.map((d) => d.message) };
}

test("printing with minimal parentheses and parsing back gives the same tree", () => {
  fc.assert(
    fc.property(exprs, (e) => {
      const text = print(e);
      const { shown, errors } = parseExpr(text);
      assert.deepEqual(errors, [], text);
      assert.equal(shown, show(e), text);
    }),
    { numRuns: 600, seed: 4242 },
  );
});

const tokenTexts = fc.constantFrom(
  "module", "x", "Y_2", "end", "0", "42", "1.5", "2e3", "0x1F", "'a'", '"s"', '"a\\"b"',
  "...", "..", ".{", ".", "!?", "!=", "!", "?", "[]", "[", "]", "||", "|", "->", "-", "=>", "==", "=",
  ":=", ":", "<>", "<=", "<", ">=", ">", "**", "*", "#", ";", ",", "(", ")", "{", "}", "+", "/", "&",
);

test("token sequences separated by spaces lex back to the same tokens", () => {
  fc.assert(
    fc.property(fc.array(tokenTexts, { maxLength: 40 }), (toks) => {
      const diags = new DiagnosticBag();
      const out = tokenize(sourceFile("t.lnt", toks.join(" ")), diags);
      assert.equal(diags.items.length, 0);
      assert.deepEqual(out.slice(0, -1).map((t) => t.text), toks);
    }),
    { numRuns: 300, seed: 7 },
  );
});

/** Random behaviours: a printed text and the s-expression its tree must show. */
interface B {
  readonly text: string;
  readonly tree: string;
  readonly seq: boolean;
}

const ATOMS: readonly B[] = [
  ["G", "(act G)"],
  ["H (!x, ?y)", "(act H (!x ?y))"],
  ["x := 1", "(:= x 1)"],
  ["null", "null"],
  ["stop", "stop"],
  ["i", "i"],
  ["P [G] (1)", "(act P [G] (1))"],
  ["X [i] := y", "(:= ([] X i) y)"],
].map(([text, tree]) => ({ text: text!, tree: tree!, seq: false }));

const behaviours: fc.Arbitrary<B> = fc.letrec<{ b: B; one: B }>((tie) => ({
  // A statement that is not a sequence.
  one: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...ATOMS),
    fc.array(tie("b"), { minLength: 2, maxLength: 3 }).map((bs): B => ({
      text: `alt ${bs.map((b) => b.text).join(" [] ")} end alt`,
      tree: `(alt ${bs.map((b) => b.tree).join(" ")})`,
      seq: false,
    })),
    fc.array(fc.tuple(fc.boolean(), tie("b")), { minLength: 2, maxLength: 3 }).map((bs): B => ({
      text: `par ${bs.map(([g, b]) => (g ? `G, H -> ${b.text}` : b.text)).join(" || ")} end par`,
      tree: `(par ${bs.map(([g, b]) => (g ? `(G H -> ${b.tree})` : b.tree)).join(" ")})`,
      seq: false,
    })),
    fc.tuple(tie("b"), fc.option(tie("b"), { nil: undefined })).map(([a, e]): B => ({
      text: `if c then ${a.text}${e ? ` else ${e.text}` : ""} end if`,
      tree: `(if (c ${a.tree})${e ? ` (else ${e.tree})` : ""})`,
      seq: false,
    })),
    tie("b").map((a): B => ({ text: `loop ${a.text} end loop`, tree: `(loop ${a.tree})`, seq: false })),
    tie("b").map((a): B => ({ text: `var x: nat in ${a.text} end var`, tree: `(var (x:nat) ${a.tree})`, seq: false })),
    tie("b").map((a): B => ({ text: `hide X: none in ${a.text} end hide`, tree: `(hide (X:none) ${a.tree})`, seq: false })),
    fc.tuple(tie("b"), tie("b")).map(([a, b]): B => ({
      text: `case x in A -> ${a.text} | any -> ${b.text} end case`,
      tree: `(case x (A -> ${a.tree}) (any -> ${b.tree}))`,
      seq: false,
    })),
    fc.tuple(tie("b"), tie("b")).map(([a, b]): B => ({
      text: `disrupt ${a.text} by ${b.text} end disrupt`,
      tree: `(disrupt ${a.tree} by ${b.tree})`,
      seq: false,
    })),
  ),
  b: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("one"),
    fc.array(tie("one"), { minLength: 2, maxLength: 3 }).map((bs): B => ({
      text: bs.map((b) => b.text).join("; "),
      tree: `(seq ${bs.map((b) => b.tree).join(" ")})`,
      seq: true,
    })),
  ),
})).b;

test("random behaviours parse to the tree they were printed from", () => {
  fc.assert(
    fc.property(behaviours, (b) => {
      const diags = new DiagnosticBag();
      const m = parseModule(sourceFile("b.lnt", `module m is process P [G, H: any] is ${b.text} end process end module`), diags);
      assert.deepEqual(diags.items.map((d) => d.message), [], b.text);
      const body = (m?.definitions[0] as { body?: Stmt } | undefined)?.body;
      assert.ok(body, b.text);
      assert.equal(showStmt(body), b.tree, b.text);
    }),
    { numRuns: 400, seed: 31337 },
  );
});
