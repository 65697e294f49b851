// Warns when a module uses a definition of a module it does not import,
// directly or through the modules it imports: it only sees it because another
// module of the program imported it (TRAIAN 3.16 warns likewise). Runs on the
// checked model, before flow analysis.

import type * as A from "./ast.js";
import type * as M from "./model.js";
import type { Span } from "./source.js";
import { Msg } from "./diagnostic-messages.js";
import type { Globals } from "./scopes.js";

type Global = M.TypeDecl | M.ChannelDecl | M.FunctionDecl | M.ProcessDecl;

/** For each module, the modules it imports directly or not (itself included). */
function reachable(modules: readonly A.Module[]): Map<string, Set<string>> {
  const byName = new Map(modules.map((m) => [m.name.key, m]));
  const out = new Map<string, Set<string>>();
  for (const m of modules) {
    const seen = new Set<string>([m.name.key]);
    const todo = [m];
    while (todo.length) {
      for (const imp of todo.pop()!.imports) {
        const t = byName.get(imp.key);
        if (t && !seen.has(t.name.key)) {
          seen.add(t.name.key);
          todo.push(t);
        }
      }
    }
    out.set(m.name.key, seen);
  }
  return out;
}

export function checkImportedUses(g: Globals, modules: readonly A.Module[]): void {
  if (modules.length < 2) return;
  const visible = reachable(modules);
  const names = new Map(modules.map((m) => [m.name.key, m.name.text]));
  const reported = new Set<string>();

  let current = "";
  const use = (d: Global | undefined, span: Span | undefined): void => {
    if (!d || !span) return;
    const from = g.origin.get(d);
    if (from === undefined || visible.get(current)?.has(from)) return;
    const key = `${current}\u0000${from}\u0000${d.name.toLowerCase()}`;
    if (reported.has(key)) return;
    reported.add(key);
    g.diags.add(Msg.NotImported, span, [d.name, names.get(from) ?? from, names.get(current) ?? current]);
  };
  const type = (t: M.TypeDecl, span: Span | undefined) => use(t, span);
  const channel = (c: M.GateChannel, span: Span | undefined) => {
    if (typeof c !== "string") use(c, span);
  };
  const fnUse = (f: M.FunctionDecl, span: Span) => {
    // A builtin is the type's: `==` on T, `head` of L, `T (v)` of an array type.
    if (f.builtin) use(f.builtin.type, span);
    else use(f, span);
  };

  const expr = (e: M.Expr): void => {
    switch (e.kind) {
      case "call": fnUse(e.fn, e.span); e.args.forEach(expr); break;
      case "ctor": type(e.ctor.type, e.span); e.args.forEach(expr); break;
      case "field": expr(e.target); break;
      case "update": expr(e.target); e.updates.forEach((u) => expr(u.value)); break;
      case "index": expr(e.target); expr(e.index); break;
      case "collection": type(e.type, e.span); e.elements.forEach(expr); break;
      case "convert": type(e.type, e.span); expr(e.expr); break;
      case "lazy": expr(e.left); expr(e.right); break;
      case "literal": type(e.type, e.span); break;
      default: break;
    }
  };
  const pattern = (p: M.Pattern): void => {
    if (p.kind === "ctor") {
      type(p.type, p.span);
      p.args.forEach(pattern);
    } else if (p.kind === "value") expr(p.expr);
    else if (p.kind === "any") type(p.type, p.span);
  };
  const actual = (a: M.Actual) => {
    if (a.kind === "in") expr(a.expr);
  };
  const stmt = (s: M.Stmt | undefined): void => {
    if (!s) return;
    switch (s.kind) {
      case "seq": s.stmts.forEach(stmt); break;
      case "assign": expr(s.value); break;
      case "any": if (s.where) expr(s.where); break;
      case "call": fnUse(s.fn, s.span); s.args.forEach(actual); break;
      case "return": if (s.value) expr(s.value); break;
      case "var": s.variables.forEach((v) => type(v.type, v.span)); stmt(s.body); break;
      case "if": s.branches.forEach((b) => (expr(b.cond), stmt(b.body))); stmt(s.else); break;
      case "case": expr(s.scrutinee); s.matches.forEach((m) => (m.patterns.forEach(pattern), m.where && expr(m.where), stmt(m.body))); break;
      case "loop": stmt(s.body); break;
      case "while": expr(s.cond); stmt(s.body); break;
      case "for": stmt(s.init); expr(s.cond); stmt(s.step); stmt(s.body); break;
      case "assert": expr(s.cond); break;
      case "trap": s.handlers.forEach((h) => stmt(h.body)); stmt(s.body); break;
      case "comm": s.offers.forEach((o) => (o.kind === "emit" ? expr(o.expr) : pattern(o.pattern))); if (s.where) expr(s.where); break;
      case "pcall": use(s.process, s.span); s.args.forEach(actual); break;
      case "alt": s.branches.forEach(stmt); break;
      case "par": s.branches.forEach((b) => stmt(b.body)); break;
      case "hide": s.gates.forEach((gt) => channel(gt.channel, gt.span)); stmt(s.body); break;
      case "disrupt": stmt(s.body); stmt(s.by); break;
      default: break;
    }
  };

  for (const t of g.typeList) {
    const from = g.origin.get(t);
    if (from === undefined) continue;
    current = from;
    const d = t.def;
    if (d.kind === "constructors") d.constructors.forEach((c) => c.fields.forEach((f) => type(f.type, c.span)));
    else if (d.kind === "list" || d.kind === "array") type(d.element, t.span);
    else if (d.kind === "range" || d.kind === "subtype") type(d.base, t.span);
  }
  for (const c of g.channelList) {
    const from = g.origin.get(c);
    if (from === undefined) continue;
    current = from;
    c.profiles.forEach((p) => p.forEach((f) => type(f.type, c.span)));
  }
  for (const f of g.functionList) {
    const from = g.origin.get(f);
    if (from === undefined) continue;
    current = from;
    f.variables.forEach((v) => type(v.type, v.span));
    if (f.result) type(f.result, f.span);
    f.exceptions.forEach((gt) => channel(gt.channel, gt.span));
    [...f.requires, ...f.ensures].forEach(expr);
    stmt(f.body);
  }
  for (const p of g.processList) {
    const from = g.origin.get(p);
    if (from === undefined) continue;
    current = from;
    p.variables.forEach((v) => type(v.type, v.span));
    p.gates.forEach((gt) => channel(gt.channel, gt.span));
    [...p.requires, ...p.ensures].forEach(expr);
    stmt(p.body);
  }
}
