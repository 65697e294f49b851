// Bounds the nesting of expressions before they are checked. The parser
// bounds bracketed nesting, but a chain `1 + 1 + ... + 1` nests one level per
// operator without brackets; the checker and every later stage recurse over
// expressions, so a body nested deeper than the parser's limit is rejected
// here with the parser's diagnostic rather than overflowing a stack.

import type * as A from "./ast.js";
import { Msg } from "./diagnostic-messages.js";
import type { DiagnosticBag } from "./diagnostics.js";
import { MAX_DEPTH } from "./parser-core.js";

/** The first expression of `s` nested more than MAX_DEPTH levels, if any. */
function deepExprIn(s: A.Stmt): A.Expr | undefined {
  let found: A.Expr | undefined;
  const expr = (e: A.Expr | undefined, d: number): void => {
    if (!e || found) return;
    if (d > MAX_DEPTH) {
      found = e;
      return;
    }
    switch (e.kind) {
      case "apply":
        for (const a of e.args) if (a.kind === "in") expr(a.expr, d + 1);
        break;
      case "binary":
        expr(e.left, d + 1);
        expr(e.right, d + 1);
        break;
      case "unary":
        expr(e.operand, d + 1);
        break;
      case "field":
      case "qualified":
      case "of":
      case "paren":
        expr(e.kind === "field" || e.kind === "qualified" ? e.target : e.expr, d + 1);
        break;
      case "update":
        expr(e.target, d + 1);
        for (const u of e.updates) expr(u.value, d + 1);
        break;
      case "index":
        expr(e.target, d + 1);
        expr(e.index, d + 1);
        break;
      case "collection":
        for (const x of e.elements) expr(x, d + 1);
        break;
      default:
        break;
    }
  };
  const pat = (p: A.Pattern, d: number): void => {
    if (found) return;
    if (d > MAX_DEPTH) {
      found = { kind: "name", name: { text: "", key: "", span: p.span }, span: p.span };
      return;
    }
    if (p.kind === "constructor") for (const a of p.args) pat(a, d + 1);
    else if (p.kind === "of") pat(p.pattern, d + 1);
    else if (p.kind === "value") expr(p.expr, d + 1);
  };
  const args = (as: readonly A.Arg[] | undefined): void => {
    for (const a of as ?? []) {
      if (a.kind === "emit") expr(a.expr, 0);
      else if (a.kind === "receive") pat(a.pattern, 0);
    }
  };
  const lvalue = (l: A.LValue): void => {
    if (l.kind === "index") expr(l.index, 0);
    if (l.kind !== "var") lvalue(l.base);
  };
  const stmt = (x: A.Stmt | undefined): void => {
    if (!x || found) return;
    switch (x.kind) {
      case "seq": x.stmts.forEach(stmt); break;
      case "assign": lvalue(x.target); expr(x.value, 0); break;
      case "assign-any": expr(x.where, 0); break;
      case "action": args(x.args); expr(x.where, 0); break;
      case "return": expr(x.value, 0); break;
      case "var": stmt(x.body); break;
      case "if": x.branches.forEach((b) => (expr(b.cond, 0), stmt(b.body))); stmt(x.else); break;
      case "case":
        expr(x.scrutinee, 0);
        for (const m of x.matches) {
          m.patterns.forEach((p) => pat(p, 0));
          expr(m.where, 0);
          stmt(m.body);
        }
        break;
      case "loop": stmt(x.body); break;
      case "while": expr(x.cond, 0); stmt(x.body); break;
      case "for": stmt(x.init); expr(x.cond, 0); stmt(x.step); stmt(x.body); break;
      case "assert": expr(x.cond, 0); break;
      case "trap": x.handlers.forEach((h) => stmt(h.body)); stmt(x.body); break;
      case "select": x.branches.forEach(stmt); break;
      case "par": expr(x.count, 0); x.branches.forEach((b) => stmt(b.body)); break;
      case "hide": stmt(x.body); break;
      case "disrupt": stmt(x.body); stmt(x.by); break;
      default: break;
    }
  };
  stmt(s);
  return found;
}

/** Reports (and returns true) when a body or condition nests expressions too deeply to check. */
export function tooDeep(diags: DiagnosticBag, body: A.Stmt | undefined, conditions: readonly A.Expr[] = []): boolean {
  for (const c of conditions) {
    const deep = deepExprIn({ kind: "assert", cond: c, span: c.span });
    if (deep) {
      diags.add(Msg.TooDeep, deep.span, [MAX_DEPTH]);
      return true;
    }
  }
  const deep = body && deepExprIn(body);
  if (deep) diags.add(Msg.TooDeep, deep.span, [MAX_DEPTH]);
  return !!deep;
}
