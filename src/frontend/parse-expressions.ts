// Expressions, call arguments and patterns. Binary operators by precedence
// climbing over the table of LNT.md; `and`, `or`, `mod`, ... are words that
// act as operators only in operator position, so they stay usable as names.

import type { CallArg, Expr, FieldUpdate, Ident, Pattern } from "./ast.js";
import { Msg } from "./diagnostic-messages.js";
import type { Token } from "./lexer.js";
import type { Parser } from "./parser-core.js";

/** Binding strength of binary operators; higher binds tighter. */
const SYMBOL_PREC: ReadonlyMap<string, number> = new Map([
  ["==", 4], ["!=", 4], ["=", 4], ["<>", 4], ["<", 4], ["<=", 4], [">", 4], [">=", 4],
  ["+", 5], ["-", 5], ["&", 5],
  ["*", 6], ["/", 6],
  ["**", 7],
]);
const WORD_PREC: ReadonlyMap<string, number> = new Map([
  ["implies", 1], ["iff", 1],
  ["or", 2], ["xor", 2],
  ["and", 3],
  ["div", 6], ["mod", 6], ["rem", 6],
]);
const POW_PREC = 7;

/**
 * The lookup key of an operator: lower-cased, one space in `and then`, and
 * the two spellings of (in)equality merged (`=` is `==`, `<>` is `!=`).
 */
export function operatorKey(text: string): string {
  if (text === "=") return "==";
  if (text === "<>") return "!=";
  return text.toLowerCase().replace(/\s+/g, " ");
}

/** Symbols that may name a function (`function + (x, y: T): T`). */
export const OPERATOR_SYMBOLS: ReadonlySet<string> = new Set([
  "==", "!=", "=", "<>", "<", "<=", ">", ">=", "+", "-", "&", "*", "/", "**",
]);

function binaryPrec(t: Token): number {
  if (t.kind === "punct") return SYMBOL_PREC.get(t.key) ?? 0;
  if (t.kind === "ident") return WORD_PREC.get(t.key) ?? 0;
  return 0;
}

/** Tokens that can begin an expression (used to tell `not x` from a name `not`). */
export function startsExpression(p: Parser, t: Token): boolean {
  switch (t.kind) {
    case "number":
    case "real":
    case "char":
    case "string":
      return true;
    case "ident":
      return p.isName(t);
    case "punct":
      return t.key === "(" || t.key === "{" || t.key === "-" || t.key === "+";
    default:
      return false;
  }
}

export function parseExpr(p: Parser): Expr {
  p.enter();
  try {
    return parseBinary(p, 1);
  } finally {
    p.leave();
  }
}

function parseBinary(p: Parser, minPrec: number): Expr {
  let left = parseUnary(p);
  for (;;) {
    const t = p.tok;
    const prec = binaryPrec(t);
    if (prec === 0 || prec < minPrec) return left;
    p.advance();
    let opText = t.text;
    let opEnd = t.end;
    // `and then`, `or else`: the lazy forms.
    if (t.key === "and" && p.isKw("then") && t.kind === "ident") {
      opText = `${t.text} ${p.tok.text}`;
      opEnd = p.advance().end;
    } else if (t.key === "or" && p.isKw("else") && t.kind === "ident") {
      opText = `${t.text} ${p.tok.text}`;
      opEnd = p.advance().end;
    }
    const op: Ident = { text: opText, key: operatorKey(opText), span: p.span(t.start, opEnd) };
    // `**` is right-associative; the rest associate to the left.
    const right = prec === POW_PREC ? parseBinaryNested(p, prec) : parseBinaryNested(p, prec + 1);
    left = { kind: "binary", op, left, right, span: p.span(left.span.start, right.span.end) };
  }
}

/** Parses inside brackets, where `of` is always postfix again. */
export function nested<T>(p: Parser, f: (p: Parser) => T): T {
  const saved = p.allowOf;
  p.allowOf = true;
  try {
    return f(p);
  } finally {
    p.allowOf = saved;
  }
}

function parseBinaryNested(p: Parser, minPrec: number): Expr {
  p.enter();
  try {
    return parseBinary(p, minPrec);
  } finally {
    p.leave();
  }
}

function isPrefixOp(p: Parser, t: Token): boolean {
  if (t.kind === "punct") return t.key === "-" || t.key === "+";
  return t.kind === "ident" && t.key === "not" && startsExpression(p, p.peek());
}

function parseUnary(p: Parser): Expr {
  if (!isPrefixOp(p, p.tok)) return parsePostfix(p);
  // A chain of prefix operators is read in a loop, not by recursion: `not not ... x`
  // must not grow the stack, and the error for the chain is given once.
  const ops: Token[] = [p.advance()];
  while (isPrefixOp(p, p.tok)) {
    if (ops.length === 1) p.error(Msg.ChainedPrefix);
    ops.push(p.advance());
  }
  let e = parsePostfix(p);
  if (e.kind === "of") {
    const inner = p.file.text.slice(e.expr.span.start, e.expr.span.end);
    p.error(Msg.MixedPrefixOf, [`${ops[ops.length - 1]!.text} ${inner}`, e.type.text], e.span);
  }
  for (let k = ops.length - 1; k >= 0; k--) {
    const t = ops[k]!;
    const op: Ident = { text: t.text, key: t.key, span: p.tokSpan(t) };
    e = { kind: "unary", op, operand: e, span: p.span(t.start, e.span.end) };
  }
  return e;
}

function parsePostfix(p: Parser): Expr {
  let e = parsePrimary(p);
  for (;;) {
    if (p.isPunct(".")) {
      p.advance();
      // Any word may follow a dot: `x.in`, `x.out` in `ensure` clauses.
      let field: Ident;
      if (p.tok.kind === "ident") field = p.ident(p.advance());
      else {
        p.expected("a field name");
        return e;
      }
      const span = p.span(e.span.start, field.span.end);
      e = field.key === "in" || field.key === "out" ? { kind: "qualified", target: e, qualifier: field, span } : { kind: "field", target: e, field, span };
    } else if (p.isPunct(".{")) {
      p.advance();
      const updates: FieldUpdate[] = [];
      do {
        const fstart = p.tok.start;
        const field = p.expectName("a field name");
        if (!p.eatPunct("->") && !p.eatPunct("=>")) p.expected("'->'");
        const value = parseExpr(p);
        updates.push({ field, value, span: p.spanFrom(fstart) });
      } while (p.eatPunct(","));
      p.expectPunct("}");
      e = { kind: "update", target: e, updates, span: p.spanFrom(e.span.start) };
    } else if (p.isPunct("[")) {
      p.advance();
      const index = parseExpr(p);
      p.expectPunct("]");
      e = { kind: "index", target: e, index, span: p.spanFrom(e.span.start) };
    } else if (p.isKw("of") && p.allowOf) {
      p.advance();
      const type = p.expectTypeName();
      e = { kind: "of", expr: e, type, span: p.spanFrom(e.span.start) };
    } else return e;
  }
}

/** `[E1, E2] (` after a name: an exception list of a call (not an array index). */
function atExceptionList(p: Parser): boolean {
  if (!p.isPunct("[")) return false;
  let k = 1;
  for (;;) {
    const t = p.peek(k);
    if (t.kind !== "ident") return false;
    const sep = p.peek(k + 1);
    if (p.isPunct("]", sep)) return p.isPunct("(", p.peek(k + 2));
    if (!p.isPunct(",", sep)) return false;
    k += 2;
  }
}

function parsePrimary(p: Parser): Expr {
  const t = p.tok;
  switch (t.kind) {
    case "number":
      p.advance();
      return { kind: "number", text: t.text, span: p.tokSpan(t) };
    case "real":
      p.advance();
      return { kind: "real", text: t.text, span: p.tokSpan(t) };
    case "char":
      p.advance();
      return { kind: "char", value: t.value ?? "", span: p.tokSpan(t) };
    case "string":
      p.advance();
      return { kind: "string", value: t.value ?? "", span: p.tokSpan(t) };
    case "ident": {
      if (!p.isName(t)) break;
      p.advance();
      const callee = p.ident(t);
      let exceptions: Ident[] | undefined;
      if (p.isPunct("[]") && p.isPunct("(", p.peek())) {
        p.advance();
        exceptions = [];
      } else if (atExceptionList(p)) {
        p.advance();
        exceptions = [];
        do exceptions.push(p.expectName("an exception name"));
        while (p.eatPunct(","));
        p.expectPunct("]");
      }
      if (p.isPunct("(")) {
        const args = parseCallArgs(p);
        return { kind: "apply", callee, exceptions, args, span: p.spanFrom(t.start) };
      }
      return { kind: "name", name: callee, span: callee.span };
    }
    case "punct":
      if (t.key === "(") {
        p.advance();
        const inner = nested(p, parseExpr);
        p.expectPunct(")");
        return { kind: "paren", expr: inner, span: p.spanFrom(t.start) };
      }
      if (t.key === "{") {
        p.advance();
        const elements: Expr[] = [];
        if (!p.isPunct("}")) {
          do elements.push(nested(p, parseExpr));
          while (p.eatPunct(","));
        }
        p.expectPunct("}");
        return { kind: "collection", elements, span: p.spanFrom(t.start) };
      }
      break;
    default:
      break;
  }
  // The token is left to the enclosing construct, which skips to its next separator.
  p.error(Msg.ExpectedExpression, [p.describe()]);
  return { kind: "name", name: p.missingIdent(), span: p.span(t.start, t.start) };
}

/** `( arg, ... )` of a function call: `E`, `?X`, `!?X`, or `f -> ...`. */
export function parseCallArgs(p: Parser): CallArg[] {
  const args: CallArg[] = [];
  p.expectPunct("(");
  if (p.eatPunct(")")) return args;
  do {
    const start = p.tok.start;
    const field = p.argName();
    if (p.eatPunct("?")) {
      const variable = p.expectName("a variable");
      args.push({ kind: "out", variable, field, span: p.spanFrom(start) });
    } else if (p.eatPunct("!?")) {
      const variable = p.expectName("a variable");
      args.push({ kind: "inout", variable, field, span: p.spanFrom(start) });
    } else {
      // `!E` is tolerated in a call: it means the same as `E`.
      p.eatPunct("!");
      const expr = nested(p, parseExpr);
      args.push({ kind: "in", expr, field, span: p.spanFrom(start) });
    }
  } while (p.eatPunct(","));
  p.expectPunct(")");
  return args;
}

// ---------------------------------------------------------------------------
// Patterns

export function parsePattern(p: Parser): Pattern {
  p.enter();
  try {
    let pat = parsePrimaryPattern(p);
    while (p.isKw("of")) {
      p.advance();
      const type = p.expectTypeName();
      pat = { kind: "of", pattern: pat, type, span: p.spanFrom(pat.span.start) };
    }
    return pat;
  } finally {
    p.leave();
  }
}

function parsePrimaryPattern(p: Parser): Pattern {
  const t = p.tok;
  if (p.isKw("any")) {
    p.advance();
    const type = p.isName() ? p.ident(p.advance()) : undefined;
    return { kind: "any", type, span: p.spanFrom(t.start) };
  }
  if (p.isName(t)) {
    p.advance();
    const name = p.ident(t);
    if (p.isPunct("(")) {
      p.advance();
      const args: Pattern[] = [];
      if (!p.isPunct(")")) {
        do args.push(parsePattern(p));
        while (p.eatPunct(","));
      }
      p.expectPunct(")");
      return { kind: "constructor", ctor: name, args, span: p.spanFrom(t.start) };
    }
    return { kind: "name", name, span: name.span };
  }
  if (p.isPunct("(")) {
    p.advance();
    const inner = parsePattern(p);
    p.expectPunct(")");
    return inner;
  }
  if (t.kind === "number" || t.kind === "real" || t.kind === "char" || t.kind === "string" || p.isPunct("-") || p.isPunct("+") || p.isPunct("{")) {
    const expr = parseUnary(p);
    return { kind: "value", expr, span: expr.span };
  }
  p.error(Msg.ExpectedPattern, [p.describe()]);
  return { kind: "name", name: p.missingIdent(), span: p.span(t.start, t.start) };
}
