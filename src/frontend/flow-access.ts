// Finds where a statement first reads or writes a variable, in source order.
// The flow analyses detect conflicts with bit sets and only come here to put
// a span on an error, so this slower search runs on the error path alone.

import type { Actual, Expr, Pattern, Stmt, VarDecl } from "./model.js";
import type { Span } from "./source.js";

export type AccessKind = "write" | "use";

/** The span of the first write (or use, read or write) of `v` in `s`, if any. */
export function firstAccess(s: Stmt, v: VarDecl, kind: AccessKind): Span | undefined {
  return inStmt(s, v, kind === "use");
}

function inExpr(e: Expr, v: VarDecl): Span | undefined {
  switch (e.kind) {
    case "var":
      return e.variable === v ? e.span : undefined;
    case "entry":
      return e.variable === v || e.copy === v ? e.span : undefined;
    case "literal":
      return undefined;
    case "call":
    case "ctor":
    case "collection":
      return inExprs(e.kind === "collection" ? e.elements : e.args, v);
    case "field":
    case "convert":
      return inExpr(e.kind === "field" ? e.target : e.expr, v);
    case "update":
      return inExpr(e.target, v) ?? inExprs(e.updates.map((u) => u.value), v);
    case "index":
      return inExpr(e.target, v) ?? inExpr(e.index, v);
    case "lazy":
      return inExpr(e.left, v) ?? inExpr(e.right, v);
  }
}

function inExprs(es: readonly Expr[], v: VarDecl): Span | undefined {
  for (const e of es) {
    const r = inExpr(e, v);
    if (r) return r;
  }
  return undefined;
}

function inPattern(p: Pattern, v: VarDecl, reads: boolean): Span | undefined {
  switch (p.kind) {
    case "var":
      return p.variable === v ? p.span : undefined;
    case "any":
      return undefined;
    case "value":
      return reads ? inExpr(p.expr, v) : undefined;
    case "ctor":
      for (const a of p.args) {
        const r = inPattern(a, v, reads);
        if (r) return r;
      }
      return undefined;
  }
}

function inActuals(args: readonly Actual[], v: VarDecl, reads: boolean, at: Span): Span | undefined {
  for (const a of args) {
    if (a.kind === "in") {
      if (reads) {
        const r = inExpr(a.expr, v);
        if (r) return r;
      }
    } else if (a.variable === v) {
      return a.span ?? at;
    }
  }
  return undefined;
}

function inStmt(s: Stmt, v: VarDecl, reads: boolean): Span | undefined {
  const ex = (e: Expr | undefined): Span | undefined => (reads && e ? inExpr(e, v) : undefined);
  const all = (ss: readonly Stmt[]): Span | undefined => {
    for (const c of ss) {
      const r = inStmt(c, v, reads);
      if (r) return r;
    }
    return undefined;
  };
  switch (s.kind) {
    case "null":
    case "stop":
    case "internal":
    case "raise":
    case "break":
      return undefined;
    case "seq":
      return all(s.stmts);
    case "assign":
      return ex(s.value) ?? (s.variable === v ? s.span : undefined);
    case "any":
      return s.variable === v ? s.span : ex(s.where);
    case "call":
      return inActuals(s.args, v, reads, s.span) ?? (s.result === v ? s.span : undefined);
    case "pcall":
      return inActuals(s.args, v, reads, s.span);
    case "return":
      return ex(s.value);
    case "assert":
      return ex(s.cond);
    case "var":
    case "hide":
    case "loop":
      return inStmt(s.body, v, reads);
    case "if":
      for (const b of s.branches) {
        const r = ex(b.cond) ?? inStmt(b.body, v, reads);
        if (r) return r;
      }
      return s.else ? inStmt(s.else, v, reads) : undefined;
    case "case": {
      const r = ex(s.scrutinee);
      if (r) return r;
      for (const m of s.matches) {
        for (const p of m.patterns) {
          const q = inPattern(p, v, reads);
          if (q) return q;
        }
        const q = ex(m.where) ?? inStmt(m.body, v, reads);
        if (q) return q;
      }
      return undefined;
    }
    case "while":
      return ex(s.cond) ?? inStmt(s.body, v, reads);
    case "for":
      return inStmt(s.init, v, reads) ?? ex(s.cond) ?? inStmt(s.body, v, reads) ?? inStmt(s.step, v, reads);
    case "trap":
      return inStmt(s.body, v, reads) ?? all(s.handlers.map((h) => h.body));
    case "comm":
      for (const o of s.offers) {
        const r = o.kind === "emit" ? ex(o.expr) : inPattern(o.pattern, v, reads);
        if (r) return r;
      }
      return ex(s.where);
    case "alt":
      return all(s.branches);
    case "par":
      return all(s.branches.map((b) => b.body));
    case "disrupt":
      return inStmt(s.body, v, reads) ?? inStmt(s.by, v, reads);
  }
}
