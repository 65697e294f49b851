// Statements and behaviours: checks each against its context (function or
// process), resolves `G (...)` into a rendezvous, a process call or a
// procedure call, declares variables, gates and loop labels, and removes the
// sugar (`only if`, `X[I] := E`, `X.f := E`, `use`, `access`, `eval`, select).

import type * as A from "./ast.js";
import type * as M from "./model.js";
import type { Span } from "./source.js";
import { Msg } from "./diagnostic-messages.js";
import type { BodyContext } from "./scopes.js";
import { declaredHere, gateChannelName, lookupType, resolveGateChannel } from "./check-types.js";
import {
  type ArgInfo,
  checkCond,
  checkExceptionActuals,
  checkExpr,
  checkIndex,
  chooseCallable,
  cheapest,
  costIn,
  describePoss,
  explainEmpty,
  fieldType,
  lookupException,
  possibleTypes,
} from "./check-expressions.js";
import { checkPattern, explainPattern, patternPoss } from "./check-patterns.js";

/** False (after reporting) when `v` is an `in` parameter, which cannot be assigned. */
export function checkAssignable(cx: BodyContext, v: M.VarDecl, at: A.Ident): boolean {
  if (cx.paramModes.get(v) === "in") {
    cx.diags.add(Msg.AssignToInParam, at.span, [v.name], declaredHere(v.span));
    return false;
  }
  return true;
}

/** Stands for a statement that could not be checked (an error was reported). */
function bad(cx: BodyContext, span: Span): M.Stmt {
  cx.failures++;
  cx.firstFailure ??= span;
  return { kind: "null", span };
}

function behaviour(cx: BodyContext, what: string, span: Span): boolean {
  if (cx.inFunction) {
    cx.diags.add(Msg.BehaviourInFunction, span, [what]);
    return false;
  }
  return true;
}

function lookupVar(cx: BodyContext, id: A.Ident): M.VarDecl | undefined {
  const v = cx.vars.lookup(id.key);
  if (v) return v;
  const other = cx.gates.lookup(id.key) ? "gate" : cx.g.callables(id.key).some((c) => c.target.kind !== "fn") ? "constructor" : undefined;
  if (other) cx.diags.add(Msg.NotAVariable, id.span, [id.text, other]);
  else cx.diags.add(Msg.UndeclaredVariable, id.span, [id.text]);
  return undefined;
}

function lookupGate(cx: BodyContext, id: A.Ident): M.GateDecl | undefined {
  const gt = cx.gates.lookup(id.key);
  if (gt) return gt;
  const other = cx.vars.lookup(id.key) ? "variable" : cx.g.processes.has(id.key) ? "process" : undefined;
  if (other) cx.diags.add(Msg.NotAGate, id.span, [id.text, other]);
  else cx.diags.add(Msg.UndeclaredGate, id.span, [id.text]);
  return undefined;
}

/** Checks a statement; the result never is a `use` / `access` (they vanish into `null`). */
export function checkStmt(cx: BodyContext, s: A.Stmt): M.Stmt {
  return checkStmtOrVanish(cx, s) ?? { kind: "null", span: s.span };
}

function checkStmtOrVanish(cx: BodyContext, s: A.Stmt): M.Stmt | null {
  const span = s.span;
  switch (s.kind) {
    case "null":
      return { kind: "null", span };
    case "stop":
      return behaviour(cx, "'stop'", span) ? { kind: "stop", span } : bad(cx, span);
    case "internal":
      return behaviour(cx, "the internal action 'i'", span) ? { kind: "internal", span } : bad(cx, span);
    case "seq": {
      const stmts: M.Stmt[] = [];
      for (const x of s.stmts) {
        const r = checkStmtOrVanish(cx, x);
        if (r) stmts.push(r);
      }
      if (stmts.length === 0) return null;
      return stmts.length === 1 ? stmts[0]! : { kind: "seq", stmts, span };
    }
    case "assign":
      return checkAssign(cx, s);
    case "assign-any": {
      if (!behaviour(cx, "'any' assignment", span)) return bad(cx, span);
      const v = lookupVar(cx, s.target);
      const t = lookupType(cx.g, s.type);
      if (!v || !t) return bad(cx, span);
      if (!checkAssignable(cx, v, s.target)) return bad(cx, span);
      if (t !== v.type) {
        cx.diags.add(Msg.TypeMismatch, s.type.span, [v.type.name, t.name]);
        return bad(cx, span);
      }
      const where = s.where ? checkCond(cx, s.where) : undefined;
      if (s.where && !where) return bad(cx, span);
      return { kind: "any", variable: v, where, span };
    }
    case "action":
      return checkAction(cx, s);
    case "return": {
      if (cx.owner.kind !== "function") {
        if (cx.owner.kind === "process") cx.diags.add(Msg.ReturnInProcess, span);
        return bad(cx, span);
      }
      const fn = cx.owner.decl;
      if (!fn.result) {
        if (s.value) {
          cx.diags.add(Msg.ReturnValueInProcedure, s.value.span, [fn.name]);
          return bad(cx, span);
        }
        return { kind: "return", value: undefined, span };
      }
      if (!s.value) {
        cx.diags.add(Msg.ReturnWithoutValue, span, [fn.name, fn.result.name]);
        return bad(cx, span);
      }
      const value = checkExpr(cx, s.value, fn.result);
      return value ? { kind: "return", value, span } : bad(cx, span);
    }
    case "raise": {
      const e = lookupException(cx, s.exception);
      return e ? { kind: "raise", exception: e, span } : bad(cx, span);
    }
    case "var": {
      cx.vars.push();
      const variables = declareVars(cx, s.decls);
      const body = checkStmt(cx, s.body);
      cx.vars.pop();
      return { kind: "var", variables, body, span };
    }
    case "if": {
      if (s.only && !behaviour(cx, "'only if'", span)) return bad(cx, span);
      const branches: { cond: M.Expr; body: M.Stmt }[] = [];
      let ok = true;
      for (const b of s.branches) {
        const cond = checkCond(cx, b.cond);
        const body = checkStmt(cx, b.body);
        if (cond) branches.push({ cond, body });
        else ok = false;
      }
      const els = s.else ? checkStmt(cx, s.else) : s.only ? ({ kind: "stop", span } as const) : undefined;
      return ok ? { kind: "if", branches, else: els, span } : bad(cx, span);
    }
    case "case":
      return checkCase(cx, s);
    case "loop": {
      const label = s.label ? cx.newLabel(s.label) : undefined;
      const body = withLabel(cx, s.label, label, () => checkStmt(cx, s.body));
      return { kind: "loop", label, body, span };
    }
    case "while": {
      const cond = checkCond(cx, s.cond);
      const label = s.label ? cx.newLabel(s.label) : undefined;
      const body = withLabel(cx, s.label, label, () => checkStmt(cx, s.body));
      return cond ? { kind: "while", cond, label, body, span } : bad(cx, span);
    }
    case "for": {
      const init = checkStmt(cx, s.init);
      const cond = checkCond(cx, s.cond);
      const step = checkStmt(cx, s.step);
      const label = s.label ? cx.newLabel(s.label) : undefined;
      const body = withLabel(cx, s.label, label, () => checkStmt(cx, s.body));
      return cond ? { kind: "for", init, cond, until: s.until, step, label, body, span } : bad(cx, span);
    }
    case "break": {
      let crossedPar = false;
      for (let i = cx.labels.length - 1; i >= 0; i--) {
        const l = cx.labels[i]!;
        if (l.kind === "par") crossedPar = true;
        else if (l.key === s.label.key) {
          if (crossedPar) {
            cx.diags.add(Msg.BreakInPar, span, [s.label.text]);
            return bad(cx, span);
          }
          return { kind: "break", label: l.label, span };
        }
      }
      cx.diags.add(Msg.BreakOutsideLoop, span, [s.label.text]);
      return bad(cx, span);
    }
    case "use": {
      for (const id of s.vars) {
        const v = lookupVar(cx, id);
        if (v) cx.silenced.add(v);
      }
      return null;
    }
    case "access": {
      for (const id of s.gates) {
        const gt = lookupGate(cx, id);
        if (gt) cx.silenced.add(gt);
      }
      return null;
    }
    case "assert": {
      const cond = checkCond(cx, s.cond);
      return cond ? { kind: "assert", cond, span } : bad(cx, span);
    }
    case "trap":
      return checkTrap(cx, s);
    case "select": {
      if (!behaviour(cx, `'${s.keyword}'`, span)) return bad(cx, span);
      return { kind: "alt", branches: s.branches.map((b) => checkStmt(cx, b)), span };
    }
    case "par":
      return checkPar(cx, s);
    case "hide": {
      if (!behaviour(cx, "'hide'", span)) return bad(cx, span);
      if (cx.owner.kind !== "process") return bad(cx, span);
      const proc = cx.owner.decl;
      cx.gates.push();
      const gates: M.GateDecl[] = [];
      for (const d of s.gates) {
        const channel = resolveGateChannel(cx.g, d.channel);
        if (!channel) continue;
        for (const n of d.names) {
          const gt: M.GateDecl = {
            name: n.text, span: n.span, channel, isException: channel === "exit", index: proc.gates.length + proc.hiddenGates.length,
          };
          proc.hiddenGates.push(gt);
          gates.push(gt);
          const old = cx.gates.declare(n.key, gt);
          if (old) cx.diags.add(Msg.Duplicate, n.span, ["gate", n.text], declaredHere(old.span));
        }
      }
      const body = checkStmt(cx, s.body);
      cx.gates.pop();
      return { kind: "hide", gates, body, span };
    }
    case "disrupt": {
      if (!behaviour(cx, "'disrupt'", span)) return bad(cx, span);
      return { kind: "disrupt", body: checkStmt(cx, s.body), by: checkStmt(cx, s.by), span };
    }
  }
}

export function declareVars(cx: BodyContext, decls: readonly A.VarDecl[]): M.VarDecl[] {
  const out: M.VarDecl[] = [];
  const here = new Map<string, M.VarDecl>();
  for (const d of decls) {
    const t = lookupType(cx.g, d.type);
    for (const n of d.names) {
      const prev = here.get(n.key);
      if (prev) {
        cx.diags.add(Msg.Duplicate, n.span, ["variable", n.text], declaredHere(prev.span));
        continue;
      }
      if (!t) continue;
      const v = cx.newVariable(n, t);
      here.set(n.key, v);
      cx.vars.declare(n.key, v);
      out.push(v);
    }
  }
  return out;
}

function withLabel(cx: BodyContext, id: A.Ident | undefined, label: M.LoopLabel | undefined, f: () => M.Stmt): M.Stmt {
  if (!id || !label) return f();
  cx.labels.push({ kind: "loop", key: id.key, label });
  try {
    return f();
  } finally {
    cx.labels.pop();
  }
}

// ---------------------------------------------------------------------------
// Assignments

function checkAssign(cx: BodyContext, s: A.AssignStmt): M.Stmt {
  const span = s.span;
  // `X := F (..., ?Y)`: a call with out actuals assigns X from the result.
  const value = s.value.kind === "apply" && s.value.args.some((a) => a.kind !== "in") ? s.value : undefined;
  if (value && s.target.kind === "var") {
    const v = lookupVar(cx, s.target.name);
    if (!v || !checkAssignable(cx, v, s.target.name)) return bad(cx, span);
    const args: A.Arg[] = value.args.map((a) =>
      a.kind === "in"
        ? { kind: "emit", bang: false, expr: a.expr, field: a.field, span: a.span }
        : a.kind === "out"
          ? { kind: "receive", pattern: { kind: "name", name: a.variable, span: a.span }, field: a.field, span: a.span }
          : { kind: "inout", variable: a.variable, field: a.field, span: a.span },
    );
    return checkProcedureCall(cx, value.callee, value.exceptions, args, v, span, value.span);
  }
  const read = readLValue(cx, s.target);
  if (!read) {
    possibleTypes(cx, s.value) === "err" && checkExpr(cx, s.value, undefined);
    return bad(cx, span);
  }
  const rhs = checkExpr(cx, s.value, read.type);
  if (!rhs) return bad(cx, span);
  const root = rootVar(s.target);
  const v = cx.vars.lookup(root.key)!;
  if (!checkAssignable(cx, v, root)) return bad(cx, span);
  return { kind: "assign", variable: v, value: foldUpdate(cx, s.target, read, rhs), span };
}

function rootVar(lv: A.LValue): A.Ident {
  return lv.kind === "var" ? lv.name : rootVar(lv.base);
}

/** The current value of an assignment target, as an expression. */
function readLValue(cx: BodyContext, lv: A.LValue): M.Expr | undefined {
  switch (lv.kind) {
    case "var": {
      const v = lookupVar(cx, lv.name);
      return v ? { kind: "var", variable: v, type: v.type, span: lv.span } : undefined;
    }
    case "index": {
      const base = readLValue(cx, lv.base);
      if (!base) return undefined;
      if (base.type.def.kind !== "array") {
        cx.diags.add(Msg.NotAnArray, lv.base.span, [base.type.name]);
        return undefined;
      }
      const index = checkIndex(cx, lv.index);
      return index ? { kind: "index", target: base, index, type: base.type.def.element, span: lv.span } : undefined;
    }
    case "field": {
      const base = readLValue(cx, lv.base);
      if (!base) return undefined;
      const ft = fieldType(base.type, lv.field.text);
      if (!ft) {
        cx.diags.add(Msg.NotAField, lv.field.span, [base.type.name, lv.field.text]);
        return undefined;
      }
      return { kind: "field", target: base, field: lv.field.text, type: ft, span: lv.span };
    }
  }
}

/** `X[I].f := E` becomes `X := array_set (X, I, X[I].{f -> E})`. */
function foldUpdate(cx: BodyContext, lv: A.LValue, read: M.Expr, value: M.Expr): M.Expr {
  if (lv.kind === "var") return value;
  if (read.kind === "index" && lv.kind === "index") {
    const setter = cx.g.arraySetters.get(read.target.type)!;
    const updated: M.Expr = { kind: "call", fn: setter, args: [read.target, read.index, value], exceptions: [], type: read.target.type, span: lv.span };
    return foldUpdate(cx, lv.base, read.target, updated);
  }
  if (read.kind === "field" && lv.kind === "field") {
    const updated: M.Expr = { kind: "update", target: read.target, updates: [{ field: read.field, value }], type: read.target.type, span: lv.span };
    return foldUpdate(cx, lv.base, read.target, updated);
  }
  return value;
}

// ---------------------------------------------------------------------------
// `NAME [...] (...)`: rendezvous, process call or procedure call

function checkAction(cx: BodyContext, s: A.ActionStmt): M.Stmt {
  const gate = cx.gates.lookup(s.name.key);
  if (gate && s.result === undefined && !s.eval) return checkComm(cx, s, gate);
  const proc = cx.g.processes.get(s.name.key);
  if (proc && s.result === undefined && !s.eval) return checkProcessCall(cx, s, proc);
  const fns = cx.g.callables(s.name.key);
  if (fns.length) {
    if (s.gates === "...") {
      cx.diags.add(Msg.NotAProcedure, s.name.span, [s.name.text, "function"]);
      return bad(cx, s.span);
    }
    if (s.where) {
      cx.diags.add(Msg.NotAProcedure, s.where.span, [s.name.text, "function"]);
      return bad(cx, s.span);
    }
    const res = s.result ? lookupVar(cx, s.result) : undefined;
    if (s.result && (!res || !checkAssignable(cx, res, s.result))) return bad(cx, s.span);
    return checkProcedureCall(cx, s.name, s.gates, s.args ?? [], res, s.span, s.span);
  }
  if (s.args === undefined && s.gates === undefined) cx.diags.add(Msg.UndeclaredName, s.name.span, [s.name.text]);
  else if (s.gates !== undefined) cx.diags.add(Msg.UndeclaredProcess, s.name.span, [s.name.text]);
  else cx.diags.add(Msg.UndeclaredName, s.name.span, [s.name.text]);
  return bad(cx, s.span);
}

function argInfo(cx: BodyContext, a: A.Arg): ArgInfo {
  switch (a.kind) {
    case "emit":
      return { field: a.field, poss: possibleTypes(cx, a.expr) };
    case "receive": {
      if (a.pattern.kind === "name") {
        const v = cx.vars.lookup(a.pattern.name.key);
        return { field: a.field, poss: v ? new Map([[v.type, 0]]) : "err" };
      }
      return { field: a.field, poss: patternPoss(cx, a.pattern) };
    }
    case "inout": {
      const v = cx.vars.lookup(a.variable.key);
      return { field: a.field, poss: v ? new Map([[v.type, 0]]) : "err" };
    }
  }
}

function argVarName(a: A.Arg): string {
  if (a.kind === "inout") return a.variable.text;
  if (a.kind === "receive") return a.pattern.kind === "name" ? a.pattern.name.text : "X";
  return a.expr.kind === "name" ? a.expr.name.text : "X";
}

/** An actual against a formal of mode `mode` and type `t`. */
function checkActual(cx: BodyContext, a: A.Arg, mode: M.ParamMode, t: M.TypeDecl, formal: string, callee: string): M.Actual | undefined {
  const want = mode === "out" ? "'?X'" : mode === "in out" ? "'!?X'" : "an expression";
  const modeMismatch = (): undefined => {
    cx.diags.add(Msg.ActualModeMismatch, a.span, [formal, callee, `'${mode}'`, want.replace("X", argVarName(a))]);
    return undefined;
  };
  if (mode === "in" || mode === "in var") {
    if (a.kind !== "emit") return modeMismatch();
    const e = checkExpr(cx, a.expr, t);
    return e ? { kind: "in", expr: e } : undefined;
  }
  let id: A.Ident;
  if (mode === "out") {
    if (a.kind !== "receive" || a.pattern.kind !== "name") return modeMismatch();
    id = a.pattern.name;
  } else {
    if (a.kind !== "inout") return modeMismatch();
    id = a.variable;
  }
  const v = lookupVar(cx, id);
  if (!v) return undefined;
  if (v.type !== t) {
    cx.diags.add(Msg.TypeMismatch, a.span, [t.name, v.type.name]);
    return undefined;
  }
  if (!checkAssignable(cx, v, id)) return undefined;
  return mode === "out" ? { kind: "out", variable: v, span: a.span } : { kind: "in out", variable: v, span: a.span };
}

/** A variable may receive at most one out / in out actual of a call. */
function distinctOuts(cx: BodyContext, actuals: readonly M.Actual[], args: readonly A.Arg[], span: Span): boolean {
  const seen = new Set<M.VarDecl>();
  for (const a of actuals) {
    if (a.kind === "in") continue;
    if (seen.has(a.variable)) {
      const at = args.find((x) => x.kind !== "emit" && argVarName(x).toLowerCase() === a.variable.name.toLowerCase());
      cx.diags.add(Msg.SameVarTwiceOut, at?.span ?? span, [a.variable.name]);
      return false;
    }
    seen.add(a.variable);
  }
  return true;
}

/** Maps actuals to formals by position, then by name (`x -> E`). */
function alignByName(cx: BodyContext, args: readonly A.Arg[], names: readonly string[], callee: string, span: Span): (A.Arg | undefined)[] | undefined {
  if (args.length !== names.length) {
    cx.diags.add(Msg.ArgArity, span, [callee, names.length, args.length]);
    return undefined;
  }
  const out: (A.Arg | undefined)[] = new Array<A.Arg | undefined>(names.length).fill(undefined);
  let pos = 0;
  for (const a of args) {
    if (!a.field) {
      out[pos++] = a;
      continue;
    }
    const k = names.findIndex((n) => n.toLowerCase() === a.field!.key);
    if (k < 0 || out[k]) {
      cx.diags.add(Msg.UndeclaredName, a.field.span, [a.field.text]);
      return undefined;
    }
    out[k] = a;
  }
  return out;
}

function checkProcedureCall(
  cx: BodyContext,
  name: A.Ident,
  exceptions: readonly A.Ident[] | "..." | undefined,
  args: readonly A.Arg[],
  result: M.VarDecl | undefined,
  span: Span,
  callSpan: Span,
): M.Stmt {
  const infos = args.map((a) => argInfo(cx, a));
  const cands = cx.g.callables(name.key).filter((c) => c.target.kind === "fn");
  if (cands.length === 0) {
    cx.diags.add(Msg.NotAProcedure, name.span, [name.text, "constructor"]);
    return bad(cx, span);
  }
  if (reportBadArgs(cx, args, infos)) return bad(cx, span);
  const v = chooseCallable(cx, name, infos, result ? result.type : "procedure", callSpan, cands);
  if (!v || v.c.target.kind !== "fn") return bad(cx, span);
  const fn = v.c.target.fn;
  const actuals: M.Actual[] = [];
  let ok = true;
  v.order.forEach((ai, k) => {
    const r = checkActual(cx, args[ai]!, v.c.modes[k]!, v.c.params[k]!, v.c.paramNames[k]!, fn.name);
    if (r) actuals.push(r);
    else ok = false;
  });
  const exc = checkExceptionActuals(cx, fn, exceptions === "..." ? undefined : exceptions, callSpan);
  if (ok && !distinctOuts(cx, actuals, args, callSpan)) ok = false;
  if (!ok || !exc) return bad(cx, span);
  return { kind: "call", fn, args: actuals, exceptions: exc, result, span };
}

/** Reports the arguments that are wrong whatever their context; false when there is none. */
function reportBadArgs(cx: BodyContext, args: readonly A.Arg[], infos: readonly ArgInfo[], offers = false): boolean {
  let found = false;
  args.forEach((a, i) => {
    const p = infos[i]!.poss;
    if (p !== "err" && (p === "any" || p.size > 0)) return;
    found = true;
    if (a.kind === "emit") {
      if (p === "err") checkExpr(cx, a.expr, undefined);
      else explainEmpty(cx, a.expr);
    } else if (a.kind === "inout") lookupVar(cx, a.variable);
    else if (a.pattern.kind === "name" && !cx.g.callables(a.pattern.name.key).some((c) => c.target.kind !== "fn")) {
      // In an offer `?X` is a pattern: say how to declare X.
      if (offers && !cx.gates.lookup(a.pattern.name.key)) cx.diags.add(Msg.PatternVarNotDeclared, a.pattern.name.span, [a.pattern.name.text]);
      else lookupVar(cx, a.pattern.name);
    }
    else explainPattern(cx, a.pattern);
  });
  return found;
}

function gatesCompatible(formal: M.GateChannel, actual: M.GateChannel): boolean {
  if (formal === actual || formal === "any" || actual === "any") return true;
  const pure = (c: M.GateChannel) => c === "none" || c === "exit";
  return pure(formal) && pure(actual);
}

function checkProcessCall(cx: BodyContext, s: A.ActionStmt, proc: M.ProcessDecl): M.Stmt {
  const span = s.span;
  if (!behaviour(cx, `the process call '${proc.name}'`, span)) return bad(cx, span);
  if (s.where) {
    cx.diags.add(Msg.OffersOnProcess, s.where.span, [proc.name]);
    return bad(cx, span);
  }
  let ok = true;
  const gates: M.GateDecl[] = [];
  if (s.gates === "...") {
    for (const f of proc.gates) {
      const gt = cx.gates.lookup(f.name.toLowerCase());
      if (!gt) {
        cx.diags.add(Msg.UndeclaredGate, s.name.span, [f.name]);
        ok = false;
      } else gates.push(gt);
    }
  } else {
    const given = s.gates ?? [];
    if (given.length !== proc.gates.length) {
      cx.diags.add(Msg.GateArity, s.name.span, [proc.name, proc.gates.length, given.length]);
      ok = false;
    } else {
      given.forEach((id, i) => {
        const gt = id.key === "unexpected" ? cx.g.predefined.unexpected : lookupGate(cx, id);
        if (!gt) {
          ok = false;
          return;
        }
        gates.push(gt);
      });
    }
  }
  if (ok) {
    gates.forEach((gt, i) => {
      const f = proc.gates[i]!;
      if (!gatesCompatible(f.channel, gt.channel)) {
        const at = s.gates !== "..." && s.gates ? s.gates[i]!.span : s.name.span;
        cx.diags.add(Msg.GateChannelMismatch, at, [gt.name, gateChannelName(gt.channel), f.name, proc.name, gateChannelName(f.channel)]);
        ok = false;
      }
    });
  }
  const aligned = alignByName(cx, s.args ?? [], proc.params.map((p) => p.variable.name), proc.name, s.name.span);
  const args: M.Actual[] = [];
  if (!aligned) ok = false;
  else {
    aligned.forEach((a, k) => {
      const p = proc.params[k]!;
      const r = a && checkActual(cx, a, p.mode, p.variable.type, p.variable.name, proc.name);
      if (r) args.push(r);
      else ok = false;
    });
  }
  if (ok && !distinctOuts(cx, args, s.args ?? [], span)) ok = false;
  return ok ? { kind: "pcall", process: proc, gates, args, span } : bad(cx, span);
}

function checkComm(cx: BodyContext, s: A.ActionStmt, gate: M.GateDecl): M.Stmt {
  const span = s.span;
  if (!behaviour(cx, `the communication on gate '${gate.name}'`, span)) return bad(cx, span);
  if (s.gates !== undefined) {
    cx.diags.add(Msg.GateListOnGate, s.name.span, [gate.name]);
    return bad(cx, span);
  }
  const args = s.args ?? [];
  for (const a of args) {
    if (a.kind === "inout") {
      cx.diags.add(Msg.OfferModeMismatch, a.span, [a.variable.text]);
      return bad(cx, span);
    }
  }
  const ch = gate.channel;
  let offers: M.Offer[] | undefined;
  if (ch === "none" || ch === "exit") {
    if (args.length) {
      cx.diags.add(Msg.NoOffersOnNone, s.name.span, [gate.name]);
      return bad(cx, span);
    }
    offers = [];
  } else if (ch === "any") {
    offers = checkOffers(cx, args, undefined);
  } else {
    const infos = args.map((a) => argInfo(cx, a));
    const sameArity = ch.profiles.filter((p) => p.length === args.length);
    if (sameArity.length === 0) {
      const arities = [...new Set(ch.profiles.map((p) => p.length))].join(" or ");
      const profiles = ch.profiles.map((p) => `(${p.map((f) => f.type.name).join(", ")})`).join(" | ");
      cx.diags.add(Msg.OfferArity, span, [gate.name, ch.name, arities || "0", profiles || "()", args.length]);
      return bad(cx, span);
    }
    let best: { p: readonly M.ProfileField[]; cost: number } | undefined;
    for (const p of sameArity) {
      let cost = 0;
      let okp = true;
      args.forEach((a, i) => {
        const k = a.field ? p.findIndex((f) => f.name?.toLowerCase() === a.field!.key) : i;
        const c = k < 0 ? undefined : costIn(infos[i]!.poss, p[k]!.type);
        if (c === undefined) okp = false;
        else cost += c;
      });
      if (okp && (!best || cost < best.cost)) best = { p, cost };
    }
    if (!best) {
      if (!reportBadArgs(cx, args, infos, true)) cx.diags.add(Msg.OfferTypes, span, [ch.name, gate.name, infos.map((x) => describePoss(x.poss)).join(", ")]);
      return bad(cx, span);
    }
    const p = best.p;
    offers = checkOffers(cx, args, args.map((a, i) => (a.field ? p.find((f) => f.name?.toLowerCase() === a.field!.key)! : p[i]!).type));
  }
  const where = s.where ? checkCond(cx, s.where) : undefined;
  if (!offers || (s.where && !where)) return bad(cx, span);
  return { kind: "comm", gate, offers, where, span };
}

/** Offers against the chosen profile's types (undefined: an `any` gate, typed by the offers themselves). */
function checkOffers(cx: BodyContext, args: readonly A.Arg[], types: readonly M.TypeDecl[] | undefined): M.Offer[] | undefined {
  const out: M.Offer[] = [];
  let ok = true;
  args.forEach((a, i) => {
    let t = types?.[i];
    if (a.kind === "emit") {
      const e = checkExpr(cx, a.expr, t);
      if (e) out.push({ kind: "emit", expr: e });
      else ok = false;
    } else if (a.kind === "receive") {
      if (!t) {
        const p = patternPoss(cx, a.pattern);
        const best = p === "any" || p === "err" ? [] : cheapest(p);
        if (best.length !== 1) {
          if (p === "err" || (p !== "any" && p.size === 0)) explainPattern(cx, a.pattern);
          else cx.diags.add(Msg.CannotInferType, a.span);
          ok = false;
          return;
        }
        t = best[0]!;
      }
      const pat = checkPattern(cx, a.pattern, t);
      if (pat) out.push({ kind: "receive", pattern: pat });
      else ok = false;
    }
  });
  return ok ? out : undefined;
}

// ---------------------------------------------------------------------------
// case, par, trap

function checkCase(cx: BodyContext, s: A.CaseStmt): M.Stmt {
  const span = s.span;
  cx.vars.push();
  try {
    declareVars(cx, s.vars);
    const sp = possibleTypes(cx, s.scrutinee);
    let t: M.TypeDecl | undefined;
    if (sp === "err") {
      checkExpr(cx, s.scrutinee, undefined);
      return bad(cx, span);
    }
    const pats = s.matches.flatMap((m) => m.patterns.map((p) => patternPoss(cx, p)));
    const fitting = new Map([...sp].filter(([ty]) => pats.every((pp) => costIn(pp, ty) !== undefined)));
    const best = cheapest(fitting.size ? fitting : sp);
    if (best.length !== 1) {
      cx.diags.add(Msg.CannotInferType, s.scrutinee.span);
      return bad(cx, span);
    }
    t = best[0]!;
    const scrutinee = checkExpr(cx, s.scrutinee, t);
    const matches: M.Match[] = [];
    let ok = !!scrutinee;
    for (const m of s.matches) {
      const patterns: M.Pattern[] = [];
      for (const p of m.patterns) {
        const r = checkPattern(cx, p, t);
        if (r) patterns.push(r);
        else ok = false;
      }
      const where = m.where ? checkCond(cx, m.where) : undefined;
      if (m.where && !where) ok = false;
      const body = checkStmt(cx, m.body);
      matches.push({ patterns, where, body });
    }
    if (ok && !exhaustive(t, matches)) cx.diags.add(Msg.CaseNotExhaustive, s.scrutinee.span, [t.name]);
    return ok && scrutinee ? { kind: "case", scrutinee, matches, span } : bad(cx, span);
  } finally {
    cx.vars.pop();
  }
}

function syncSet(cx: BodyContext, ids: readonly A.Ident[]): M.GateDecl[] | undefined {
  const out: M.GateDecl[] = [];
  const seen = new Set<string>();
  let ok = true;
  for (const id of ids) {
    if (seen.has(id.key)) {
      cx.diags.add(Msg.DuplicateSyncGate, id.span, [id.text]);
      ok = false;
      continue;
    }
    seen.add(id.key);
    const gt = cx.gates.lookup(id.key);
    if (!gt) {
      cx.diags.add(Msg.SyncGateNotVisible, id.span, [id.text]);
      ok = false;
      continue;
    }
    out.push(gt);
  }
  return ok ? out : undefined;
}

function checkPar(cx: BodyContext, s: A.ParStmt): M.Stmt {
  const span = s.span;
  if (!behaviour(cx, "'par'", span)) return bad(cx, span);
  let ok = true;
  const gates = syncSet(cx, s.gates);
  if (!gates) ok = false;
  let count: number | undefined;
  if (s.count) {
    const c = s.count.kind === "number" ? Number(s.count.text) : undefined;
    if (c === undefined) {
      cx.diags.add(Msg.NotConstant, s.count.span);
      ok = false;
    } else if (c < 2 || c > s.branches.length) {
      cx.diags.add(Msg.SyncCountRange, s.count.span, [c, s.branches.length]);
      ok = false;
    } else count = c;
  }
  cx.labels.push({ kind: "par" });
  const branches: M.ParBranch[] = [];
  for (const b of s.branches) {
    const bg = b.gates ? syncSet(cx, b.gates) : undefined;
    if (b.gates && !bg) ok = false;
    branches.push({ gates: bg, body: checkStmt(cx, b.body) });
  }
  cx.labels.pop();
  return ok && gates ? { kind: "par", gates, count, branches, span } : bad(cx, span);
}

function checkTrap(cx: BodyContext, s: A.TrapStmt): M.Stmt {
  const span = s.span;
  // Aligned with s.handlers; undefined where the exception is wrong (an error was reported).
  const exceptions: (M.GateDecl | undefined)[] = [];
  let ok = true;
  cx.gates.push();
  for (const h of s.handlers) {
    exceptions.push(undefined);
    const channel = h.channel ? resolveGateChannel(cx.g, h.channel) : "exit";
    if (!channel) {
      ok = false;
      continue;
    }
    if (channel !== "exit" && channel !== "none") {
      cx.diags.add(Msg.WrongExceptionChannel, h.exception.span, [h.exception.text, gateChannelName(channel)]);
      ok = false;
      continue;
    }
    let index: number;
    if (cx.owner.kind === "process") index = cx.owner.decl.gates.length + cx.owner.decl.hiddenGates.length;
    else if (cx.owner.kind === "function") index = cx.owner.decl.exceptions.length + cx.trapGates++;
    else index = -1;
    const gt: M.GateDecl = { name: h.exception.text, span: h.exception.span, channel, isException: true, index };
    if (cx.owner.kind === "process") cx.owner.decl.hiddenGates.push(gt);
    const old = cx.gates.declare(h.exception.key, gt);
    if (old) cx.diags.add(Msg.Duplicate, h.exception.span, ["exception", h.exception.text], declaredHere(old.span));
    exceptions[exceptions.length - 1] = gt;
  }
  const body = checkStmt(cx, s.body);
  cx.gates.pop();
  // Handlers run outside the trap: they do not see its exceptions.
  const handlers: { exception: M.GateDecl; body: M.Stmt }[] = [];
  s.handlers.forEach((h, i) => {
    const hb = checkStmt(cx, h.body);
    const exception = exceptions[i];
    if (exception) handlers.push({ exception, body: hb });
  });
  return ok ? { kind: "trap", handlers, body, span } : bad(cx, span);
}

/** Whether a pattern matches every value of its type. */
function irrefutable(p: M.Pattern): boolean {
  return p.kind === "any" || p.kind === "var";
}

/**
 * Whether the unguarded matches cover every value: a wildcard or variable, or
 * every constructor (with irrefutable arguments), or both booleans.
 */
function exhaustive(t: M.TypeDecl, matches: readonly M.Match[]): boolean {
  const pats = matches.filter((m) => !m.where).flatMap((m) => m.patterns);
  if (pats.some(irrefutable)) return true;
  const def = t.def;
  const coveredCtors = new Set(pats.filter((p) => p.kind === "ctor" && p.args.every(irrefutable)).map((p) => (p.kind === "ctor" ? p.ctor : undefined)));
  if (def.kind === "constructors") return def.constructors.every((c) => coveredCtors.has(c));
  if (def.kind === "list") return coveredCtors.has(def.nil) && coveredCtors.has(def.cons);
  if (def.kind === "bool") {
    const vals = new Set(pats.map((p) => (p.kind === "value" && p.expr.kind === "literal" ? p.expr.value : undefined)));
    return vals.has(true) && vals.has(false);
  }
  return false;
}
