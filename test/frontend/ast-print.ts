// A compact s-expression rendering of syntax trees, so that parser tests can
// state the expected shape of a tree in one readable line.

import type { Arg, CallArg, Expr, LValue, Pattern, Stmt, Ident, GateDecl, VarDecl, Definition, TypeBody, ParamDecl } from "../../src/frontend/ast.js";

const id = (i: Ident): string => i.text;
const list = (xs: readonly string[]): string => xs.join(" ");

export function showExpr(e: Expr): string {
  switch (e.kind) {
    case "name": return id(e.name);
    case "number":
    case "real": return e.text;
    case "char": return `'${e.value}'`;
    case "string": return JSON.stringify(e.value);
    case "apply": return `(${id(e.callee)}${e.exceptions ? ` [${list(e.exceptions.map(id))}]` : ""}${e.args.map((a) => " " + showCallArg(a)).join("")})`;
    case "binary": return `(${e.op.text} ${showExpr(e.left)} ${showExpr(e.right)})`;
    case "unary": return `(${e.op.text} ${showExpr(e.operand)})`;
    case "field": return `(. ${showExpr(e.target)} ${id(e.field)})`;
    case "qualified": return `(.${id(e.qualifier)} ${showExpr(e.target)})`;
    case "update": return `(.{} ${showExpr(e.target)}${e.updates.map((u) => ` ${id(u.field)}=${showExpr(u.value)}`).join("")})`;
    case "index": return `([] ${showExpr(e.target)} ${showExpr(e.index)})`;
    case "of": return `(of ${showExpr(e.expr)} ${id(e.type)})`;
    case "collection": return `{${list(e.elements.map(showExpr))}}`;
    case "paren": return `(paren ${showExpr(e.expr)})`;
  }
}

function showCallArg(a: CallArg): string {
  const f = a.field ? `${id(a.field)}->` : "";
  switch (a.kind) {
    case "in": return f + showExpr(a.expr);
    case "out": return `${f}?${id(a.variable)}`;
    case "inout": return `${f}!?${id(a.variable)}`;
  }
}

export function showPattern(p: Pattern): string {
  switch (p.kind) {
    case "name": return id(p.name);
    case "any": return p.type ? `(any ${id(p.type)})` : "any";
    case "constructor": return `(${id(p.ctor)}${p.args.map((a) => " " + showPattern(a)).join("")})`;
    case "value": return `(val ${showExpr(p.expr)})`;
    case "of": return `(of ${showPattern(p.pattern)} ${id(p.type)})`;
  }
}

function showArg(a: Arg): string {
  const f = a.field ? `${id(a.field)}->` : "";
  switch (a.kind) {
    case "emit": return `${f}${a.bang ? "!" : ""}${showExpr(a.expr)}`;
    case "receive": return `${f}?${showPattern(a.pattern)}`;
    case "inout": return `${f}!?${id(a.variable)}`;
  }
}

function showLValue(l: LValue): string {
  switch (l.kind) {
    case "var": return id(l.name);
    case "index": return `([] ${showLValue(l.base)} ${showExpr(l.index)})`;
    case "field": return `(. ${showLValue(l.base)} ${id(l.field)})`;
  }
}

const showDecl = (d: VarDecl | GateDecl): string =>
  `(${list(d.names.map(id))}:${"type" in d ? id(d.type) : id(d.channel)})`;

export function showStmt(s: Stmt): string {
  switch (s.kind) {
    case "null": return "null";
    case "stop": return "stop";
    case "internal": return "i";
    case "seq": return `(seq ${list(s.stmts.map(showStmt))})`;
    case "assign": return `(:= ${showLValue(s.target)} ${showExpr(s.value)})`;
    case "assign-any": return `(:= ${id(s.target)} (any ${id(s.type)}${s.where ? " where " + showExpr(s.where) : ""}))`;
    case "action": {
      const parts = ["act"];
      if (s.eval) parts.push("eval");
      if (s.result) parts.push(`${id(s.result)}:=`);
      parts.push(id(s.name));
      if (s.gates !== undefined) parts.push(s.gates === "..." ? "[...]" : `[${list(s.gates.map(id))}]`);
      if (s.args !== undefined) parts.push(`(${list(s.args.map(showArg))})`);
      if (s.where) parts.push(`where ${showExpr(s.where)}`);
      return `(${list(parts)})`;
    }
    case "return": return s.value ? `(return ${showExpr(s.value)})` : "(return)";
    case "raise": return `(raise ${id(s.exception)})`;
    case "var": return `(var ${list(s.decls.map(showDecl))} ${showStmt(s.body)})`;
    case "if": {
      const parts = [s.only ? "only-if" : "if", ...s.branches.map((b) => `(${showExpr(b.cond)} ${showStmt(b.body)})`)];
      if (s.else) parts.push(`(else ${showStmt(s.else)})`);
      return `(${list(parts)})`;
    }
    case "case": {
      const parts = ["case", showExpr(s.scrutinee)];
      if (s.vars.length) parts.push(`(vars ${list(s.vars.map(showDecl))})`);
      for (const m of s.matches) parts.push(`(${m.patterns.map(showPattern).join(" | ")}${m.where ? " where " + showExpr(m.where) : ""} -> ${showStmt(m.body)})`);
      return `(${list(parts)})`;
    }
    case "loop": return `(loop${s.label ? " " + id(s.label) : ""} ${showStmt(s.body)})`;
    case "while": return `(while ${showExpr(s.cond)}${s.label ? " " + id(s.label) : ""} ${showStmt(s.body)})`;
    case "for": return `(for ${showStmt(s.init)} ${s.until ? "until" : "while"} ${showExpr(s.cond)} by ${showStmt(s.step)}${s.label ? " " + id(s.label) : ""} ${showStmt(s.body)})`;
    case "break": return `(break ${id(s.label)})`;
    case "use": return `(use ${list(s.vars.map(id))})`;
    case "access": return `(access ${list(s.gates.map(id))})`;
    case "assert": return `(assert ${showExpr(s.cond)})`;
    case "trap": return `(trap ${list(s.handlers.map((h) => `(${id(h.exception)}${h.channel ? ":" + id(h.channel) : ""} -> ${showStmt(h.body)})`))} in ${showStmt(s.body)})`;
    case "select": return `(${s.keyword} ${list(s.branches.map(showStmt))})`;
    case "par": {
      const head = s.gates.length || s.count ? ` [${list(s.gates.map(id))}${s.count ? " #" + showExpr(s.count) : ""}]` : "";
      return `(par${head} ${list(s.branches.map((b) => (b.gates ? `(${list(b.gates.map(id))} -> ${showStmt(b.body)})` : showStmt(b.body))))})`;
    }
    case "hide": return `(hide ${list(s.gates.map(showDecl))} ${showStmt(s.body)})`;
    case "disrupt": return `(disrupt ${showStmt(s.body)} by ${showStmt(s.by)})`;
  }
}

function showParam(p: ParamDecl): string {
  return `(${p.explicitMode ? p.mode + " " : ""}${list(p.names.map(id))}:${id(p.type)})`;
}

function showBody(b: TypeBody): string {
  switch (b.kind) {
    case "constructors":
      return list(b.constructors.map((c) => (c.fields.length ? `(${id(c.name)} ${list(c.fields.map((f) => `(${list(f.names.map(id))}:${id(f.type)})`))})` : id(c.name))));
    case "list": return `(${b.sorted ? "sorted " : ""}${b.set ? "set" : "list"} ${id(b.element)})`;
    case "array": return `(array ${showExpr(b.low)} ${showExpr(b.high)} ${id(b.element)})`;
    case "range": return `(range ${showExpr(b.low)} ${showExpr(b.high)} ${id(b.base)})`;
    case "subtype": return `(subtype ${id(b.variable)}:${id(b.base)}${b.predicate ? " where " + showExpr(b.predicate) : ""})`;
  }
}

export function showDefinition(d: Definition): string {
  switch (d.kind) {
    case "type":
      return `(type ${id(d.name)} ${showBody(d.body)}${d.withItems.length ? ` (with ${list(d.withItems.map((w) => w.name))})` : ""})`;
    case "channel":
      return `(channel ${id(d.name)} ${list(d.profiles.map((p) => `(${list(p.items.map((i) => (i.names.length ? `${list(i.names.map(id))}:${id(i.type)}` : id(i.type))))})`))})`;
    case "function":
      return `(function ${id(d.name)}${d.exceptions.length ? ` [${list(d.exceptions.map(showDecl))}]` : ""} (${list(d.params.map(showParam))})${d.result ? ":" + id(d.result) : ""}${d.body ? " " + showStmt(d.body) : ""})`;
    case "process":
      return `(process ${id(d.name)} [${list(d.gates.map(showDecl))}] (${list(d.params.map(showParam))})${d.body ? " " + showStmt(d.body) : ""})`;
  }
}
