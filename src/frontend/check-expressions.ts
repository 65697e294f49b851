// Expressions: overload resolution and type checking, in two passes per
// expression. Bottom-up, `possibleTypes` gives each node the set of types it
// could have, each with a cost (how many literals had to leave their default
// type: `0` is nat at cost 0, int or a range at cost 1). Top-down,
// `checkExpr` picks, with the expected type, the cheapest unique reading and
// builds the model's Expr.

import type * as A from "./ast.js";
import type * as M from "./model.js";
import { Msg, type DiagnosticMessage } from "./diagnostic-messages.js";
import { parseBig } from "./builtins.js";
import type { BodyContext, Callable } from "./scopes.js";
import { lookupType } from "./check-types.js";

/**
 * Possible types with their costs, or "err" for a node that is wrong whatever
 * its context (an undeclared name): it fits anywhere, and checking it reports
 * the error. Patterns add "any" (a wildcard fits anywhere, without error).
 */
export type Poss = Map<M.TypeDecl, number> | "err";
export type PatPoss = Poss | "any";

export function costIn(p: PatPoss, t: M.TypeDecl): number | undefined {
  if (p === "err" || p === "any") return 0;
  return p.get(t);
}

function addPoss(m: Map<M.TypeDecl, number>, t: M.TypeDecl, cost: number): void {
  const old = m.get(t);
  if (old === undefined || cost < old) m.set(t, cost);
}

/** The cheapest types of a set, for messages. */
export function describePoss(p: PatPoss): string {
  if (p === "err") return "?";
  if (p === "any") return "any";
  if (p.size === 0) return "?";
  const min = Math.min(...p.values());
  return [...p].filter(([, c]) => c === min).map(([t]) => t.name).join(" or ");
}

/** The unique cheapest type of a set, if there is one. */
export function cheapest(p: Poss): M.TypeDecl[] {
  if (p === "err" || p.size === 0) return [];
  const min = Math.min(...p.values());
  return [...p].filter(([, c]) => c === min).map(([t]) => t);
}

// ---------------------------------------------------------------------------
// Candidates of a call

/** What overload resolution needs of an argument. */
export interface ArgInfo {
  readonly field: A.Ident | undefined;
  readonly poss: PatPoss;
}

export interface Viable {
  readonly c: Callable;
  readonly cost: number;
  /** For each parameter position, the index of the argument given for it. */
  readonly order: readonly number[];
}

/** Maps arguments to parameter positions, positional ones first, then named ones. */
function align(c: Callable, args: readonly ArgInfo[]): number[] | undefined {
  if (args.length !== c.params.length) return undefined;
  const order: number[] = new Array<number>(c.params.length).fill(-1);
  let pos = 0;
  for (let i = 0; i < args.length; i++) {
    const f = args[i]!.field;
    if (!f) {
      if (pos !== i) return undefined;
      order[pos++] = i;
      continue;
    }
    const k = c.paramNames.findIndex((n) => n.toLowerCase() === f.key);
    if (k < 0 || order[k] !== -1) return undefined;
    order[k] = i;
  }
  return order.every((o) => o >= 0) ? order : undefined;
}

export function viableCallables(cands: readonly Callable[], args: readonly ArgInfo[]): Viable[] {
  const out: Viable[] = [];
  // Many overloads (`==` on every type): keep those whose first parameter the first argument can have.
  const first = args[0];
  if (cands.length > 8 && first && first.poss instanceof Map && args.every((a) => !a.field)) {
    const p0 = first.poss;
    cands = cands.filter((c) => c.params.length > 0 && p0.has(c.params[0]!));
  }
  for (const c of cands) {
    const order = align(c, args);
    if (!order) continue;
    let cost = 0;
    let ok = true;
    for (let k = 0; k < order.length && ok; k++) {
      const ck = costIn(args[order[k]!]!.poss, c.params[k]!);
      if (ck === undefined) ok = false;
      else cost += ck;
    }
    if (ok) out.push({ c, cost, order });
  }
  return out;
}

/** The cheapest candidates; several means ambiguity. */
export function cheapestViable(vs: readonly Viable[]): Viable[] {
  if (vs.length === 0) return [];
  const min = Math.min(...vs.map((v) => v.cost));
  return vs.filter((v) => v.cost === min);
}

function callArgInfo(cx: BodyContext, a: A.CallArg): ArgInfo {
  if (a.kind === "in") return { field: a.field, poss: possibleTypes(cx, a.expr) };
  const v = cx.vars.lookup(a.variable.key);
  return { field: a.field, poss: v ? new Map([[v.type, 0]]) : "err" };
}

export function callArgInfos(cx: BodyContext, args: readonly A.CallArg[]): ArgInfo[] {
  return args.map((a) => callArgInfo(cx, a));
}

export function describeArgs(args: readonly ArgInfo[]): string {
  return args.map((a) => describePoss(a.poss)).join(", ");
}

// ---------------------------------------------------------------------------
// Bottom-up: possible types

function literalNumberPoss(cx: BodyContext, text: string): Poss {
  const { nat, int } = cx.g.predefined;
  const m = new Map<M.TypeDecl, number>([[nat, 0], [int, 1]]);
  const v = parseBig(text);
  for (const t of cx.g.rangeTypes()) {
    if (t.def.kind === "range" && (v === undefined || (v >= t.def.low && v <= t.def.high))) m.set(t, 1);
  }
  return m;
}

function typesWithField(cx: BodyContext, p: Poss, field: string): Map<M.TypeDecl, { cost: number; type: M.TypeDecl }> {
  const out = new Map<M.TypeDecl, { cost: number; type: M.TypeDecl }>();
  const consider = (t: M.TypeDecl, cost: number) => {
    const ft = fieldType(t, field);
    if (ft) out.set(t, { cost, type: ft });
  };
  if (p === "err") for (const t of cx.g.typeList) consider(t, 0);
  else for (const [t, c] of p) consider(t, c);
  return out;
}

export function fieldType(t: M.TypeDecl, field: string): M.TypeDecl | undefined {
  if (t.def.kind !== "constructors") return undefined;
  const key = field.toLowerCase();
  for (const c of t.def.constructors) for (const f of c.fields) if (f.name.toLowerCase() === key) return f.type;
  return undefined;
}

function collectionTypes(cx: BodyContext): readonly M.TypeDecl[] {
  return cx.g.collectionTypes();
}

export function elementType(t: M.TypeDecl): M.TypeDecl | undefined {
  return t.def.kind === "list" || t.def.kind === "array" ? t.def.element : undefined;
}

function lazyOp(op: A.Ident): "and then" | "or else" | undefined {
  const k = op.key.replace(/\s+/g, " ");
  return k === "and then" || k === "or else" ? k : undefined;
}

export function possibleTypes(cx: BodyContext, e: A.Expr): Poss {
  const cached = cx.possCache.get(e) as Poss | undefined;
  if (cached !== undefined) return cached;
  const p = computePoss(cx, e);
  cx.possCache.set(e, p);
  return p;
}

function callPoss(cx: BodyContext, name: A.Ident, args: readonly ArgInfo[]): Poss {
  const cands = cx.g.callables(name.key);
  if (cands.length === 0) return "err";
  const m = new Map<M.TypeDecl, number>();
  for (const v of viableCallables(cands, args)) if (v.c.result) addPoss(m, v.c.result, v.cost);
  return m;
}

function computePoss(cx: BodyContext, e: A.Expr): Poss {
  const pre = cx.g.predefined;
  switch (e.kind) {
    case "name": {
      const v = cx.vars.lookup(e.name.key);
      if (v) return new Map([[v.type, 0]]);
      return callPoss(cx, e.name, []);
    }
    case "number":
      return literalNumberPoss(cx, e.text);
    case "real":
      return new Map([[pre.real, 0]]);
    case "char":
      return new Map([[pre.char, 0]]);
    case "string":
      return new Map([[pre.string, 0]]);
    case "apply":
      return callPoss(cx, e.callee, callArgInfos(cx, e.args));
    case "binary": {
      if (lazyOp(e.op)) return new Map([[pre.bool, 0]]);
      return callPoss(cx, e.op, [
        { field: undefined, poss: possibleTypes(cx, e.left) },
        { field: undefined, poss: possibleTypes(cx, e.right) },
      ]);
    }
    case "unary":
      return callPoss(cx, e.op, [{ field: undefined, poss: possibleTypes(cx, e.operand) }]);
    case "field": {
      const m = new Map<M.TypeDecl, number>();
      for (const { cost, type } of typesWithField(cx, possibleTypes(cx, e.target), e.field.text).values()) addPoss(m, type, cost);
      return m;
    }
    case "qualified": {
      const v = qualifiedParam(cx, e, false);
      return v ? new Map([[v.type, 0]]) : "err";
    }
    case "update": {
      const p = possibleTypes(cx, e.target);
      if (p === "err") return "err";
      const m = new Map<M.TypeDecl, number>();
      for (const [t, c] of p) if (e.updates.every((u) => fieldType(t, u.field.text))) addPoss(m, t, c);
      return m;
    }
    case "index": {
      const p = possibleTypes(cx, e.target);
      if (p === "err") return "err";
      const m = new Map<M.TypeDecl, number>();
      for (const [t, c] of p) if (t.def.kind === "array") addPoss(m, t.def.element, c);
      return m;
    }
    case "of": {
      const t = cx.g.types.get(e.type.key);
      return t ? new Map([[t, 0]]) : "err";
    }
    case "collection": {
      const elems = e.elements.map((x) => possibleTypes(cx, x));
      const m = new Map<M.TypeDecl, number>();
      for (const t of collectionTypes(cx)) {
        const et = elementType(t)!;
        let cost = 0;
        let ok = true;
        for (const p of elems) {
          const c = costIn(p, et);
          if (c === undefined) ok = false;
          else cost += c;
        }
        if (ok) addPoss(m, t, cost);
      }
      return m;
    }
    case "paren":
      return possibleTypes(cx, e.expr);
  }
}

// ---------------------------------------------------------------------------
// Top-down: checking with an expected type

/** Reports a mismatch between what was expected and what `e` can be. */
function mismatch(cx: BodyContext, e: A.Expr, expected: M.TypeDecl, p: Poss): undefined {
  if (p === "err") checkExpr(cx, e, undefined);
  else if (p.size === 0) explainEmpty(cx, e);
  else cx.diags.add(Msg.TypeMismatch, e.span, [expected.name, describePoss(p)]);
  return undefined;
}

/** Reports why `e` can have no type at all (its own fault, or one of its parts'). */
export function explainEmpty(cx: BodyContext, e: A.Expr): void {
  const sub = (x: A.Expr): boolean => {
    const p = possibleTypes(cx, x);
    if (p === "err" || p.size === 0) {
      if (p === "err") checkExpr(cx, x, undefined);
      else explainEmpty(cx, x);
      return true;
    }
    return false;
  };
  switch (e.kind) {
    case "paren":
      return explainEmpty(cx, e.expr);
    case "field":
      if (!sub(e.target)) cx.diags.add(Msg.NotAField, e.field.span, [describePoss(possibleTypes(cx, e.target)), e.field.text]);
      return;
    case "update": {
      if (sub(e.target)) return;
      const tp = possibleTypes(cx, e.target) as Map<M.TypeDecl, number>;
      const t0 = cheapest(tp)[0]!;
      const bad = e.updates.find((u) => !fieldType(t0, u.field.text)) ?? e.updates[0]!;
      cx.diags.add(Msg.NotAField, bad.field.span, [t0.name, bad.field.text]);
      return;
    }
    case "index":
      if (!sub(e.target)) cx.diags.add(Msg.NotAnArray, e.target.span, [describePoss(possibleTypes(cx, e.target))]);
      return;
    case "collection":
      if (!e.elements.some(sub)) cx.diags.add(Msg.CannotInferType, e.span);
      return;
    default:
      // Names and calls: checking them reports the missing overload.
      checkExpr(cx, e, undefined);
  }
}

/** A condition: an expression of type bool. */
export function checkCond(cx: BodyContext, e: A.Expr): M.Expr | undefined {
  const p = possibleTypes(cx, e);
  if (p !== "err" && p.size === 0) {
    explainEmpty(cx, e);
    return undefined;
  }
  if (p !== "err" && !p.has(cx.g.predefined.bool)) {
    cx.diags.add(Msg.ConditionNotBool, e.span, [describePoss(p)]);
    return undefined;
  }
  return checkExpr(cx, e, cx.g.predefined.bool);
}

/**
 * Checks `e` where a value of type `expected` is wanted (undefined: any
 * type, chosen by cost). Returns undefined after reporting an error.
 */
export function checkExpr(cx: BodyContext, e: A.Expr, expected: M.TypeDecl | undefined): M.Expr | undefined {
  const pre = cx.g.predefined;
  const p = possibleTypes(cx, e);
  // Pick the type first, for every kind of node that has no overloads of its own.
  const pick = (): M.TypeDecl | undefined => {
    if (p === "err") return undefined;
    if (expected) {
      if (!p.has(expected)) return mismatch(cx, e, expected, p);
      return expected;
    }
    if (p.size === 0) {
      explainEmpty(cx, e);
      return undefined;
    }
    const best = cheapest(p);
    if (best.length === 1) return best[0];
    cx.diags.add(Msg.CannotInferType, e.span);
    return undefined;
  };
  switch (e.kind) {
    case "name": {
      const v = cx.vars.lookup(e.name.key);
      if (v) {
        if (expected && v.type !== expected) return mismatch(cx, e, expected, p);
        return { kind: "var", variable: v, type: v.type, span: e.span };
      }
      if (cx.g.callables(e.name.key).length === 0) {
        cx.diags.add(Msg.UndeclaredVariable, e.name.span, [e.name.text]);
        return undefined;
      }
      return checkCall(cx, e, e.name, [], undefined, expected);
    }
    case "number": {
      if (expected?.def.kind === "range" && p !== "err" && !p.has(expected)) {
        cx.diags.add(Msg.LiteralOutOfRange, e.span, [e.text, expected.name, String(expected.def.low), String(expected.def.high)]);
        return undefined;
      }
      const t = pick();
      if (!t) return undefined;
      const v = parseBig(e.text);
      if (v === undefined) {
        cx.diags.add(Msg.InvalidNumber, e.span, [e.text]);
        return undefined;
      }
      const bounds = t.def.kind === "nat" ? [0n, t.def.max] : t.def.kind === "range" ? [t.def.low, t.def.high] : t.def.kind === "int" ? [t.def.min, t.def.max] : undefined;
      // An int literal is never negative: `-2147483648` is the negation of max + 1.
      const slack = t.def.kind === "int" ? 1n : 0n;
      if (bounds && (v < bounds[0]! || v > bounds[1]! + slack)) {
        cx.diags.add(Msg.LiteralOutOfRange, e.span, [e.text, t.name, String(bounds[0]), String(bounds[1])]);
        return undefined;
      }
      return { kind: "literal", value: v, type: t, span: e.span };
    }
    case "real": {
      const t = pick();
      return t ? { kind: "literal", value: Number(e.text), type: t, span: e.span } : undefined;
    }
    case "char": {
      const t = pick();
      return t ? { kind: "literal", value: e.value, type: t, span: e.span } : undefined;
    }
    case "string": {
      const t = pick();
      return t ? { kind: "literal", value: e.value, type: t, span: e.span } : undefined;
    }
    case "apply":
      return checkCall(cx, e, e.callee, e.args, e.exceptions, expected);
    case "binary": {
      const lazy = lazyOp(e.op);
      if (lazy) {
        if (expected && expected !== pre.bool) return mismatch(cx, e, expected, p);
        const left = checkCond(cx, e.left);
        const right = checkCond(cx, e.right);
        if (!left || !right) return undefined;
        return { kind: "lazy", op: lazy, left, right, type: pre.bool, span: e.span };
      }
      return checkCall(cx, e, e.op, [
        { kind: "in", expr: e.left, field: undefined, span: e.left.span },
        { kind: "in", expr: e.right, field: undefined, span: e.right.span },
      ], undefined, expected);
    }
    case "unary":
      return checkCall(cx, e, e.op, [{ kind: "in", expr: e.operand, field: undefined, span: e.operand.span }], undefined, expected);
    case "paren": {
      const inner = checkExpr(cx, e.expr, expected);
      return inner ? { ...inner, span: e.span } : undefined;
    }
    case "of": {
      const t = lookupType(cx.g, e.type);
      if (!t) return undefined;
      if (expected && expected !== t) {
        cx.diags.add(Msg.TypeMismatch, e.span, [expected.name, t.name]);
        return undefined;
      }
      const ip = possibleTypes(cx, e.expr);
      if (costIn(ip, t) !== undefined) return checkExpr(cx, e.expr, t);
      const base = t.def.kind === "range" || t.def.kind === "subtype" ? t.def.base : undefined;
      if (base && costIn(ip, base) !== undefined) {
        const inner = checkExpr(cx, e.expr, base);
        return inner ? { kind: "convert", expr: inner, type: t, span: e.span } : undefined;
      }
      // Up from a range or subtype to its base type (`r of nat`): no check needed, but still a Convert.
      const sub = ip === "err" ? [] : cheapest(new Map([...ip].filter(([u]) => (u.def.kind === "range" || u.def.kind === "subtype") && u.def.base === t)));
      if (sub.length === 1) {
        const inner = checkExpr(cx, e.expr, sub[0]);
        return inner ? { kind: "convert", expr: inner, type: t, span: e.span } : undefined;
      }
      return mismatch(cx, e.expr, t, ip);
    }
    case "qualified": {
      const v = qualifiedParam(cx, e, true);
      if (!v) return undefined;
      if (expected && v.type !== expected) return mismatch(cx, e, expected, p);
      if (e.qualifier.key === "out") return { kind: "var", variable: v, type: v.type, span: e.span };
      return { kind: "entry", variable: v, copy: cx.entryCopy(v), type: v.type, span: e.span };
    }
    case "field": {
      const t = pick();
      if (!t) return undefined;
      const owners = [...typesWithField(cx, possibleTypes(cx, e.target), e.field.text)].filter(([, v]) => v.type === t);
      const best = owners.length ? Math.min(...owners.map(([, v]) => v.cost)) : 0;
      const top = owners.filter(([, v]) => v.cost === best);
      if (top.length !== 1) {
        if (top.length === 0) cx.diags.add(Msg.NotAField, e.field.span, [describePoss(possibleTypes(cx, e.target)), e.field.text]);
        else cx.diags.add(Msg.CannotInferType, e.target.span);
        return undefined;
      }
      const target = checkExpr(cx, e.target, top[0]![0]);
      return target ? { kind: "field", target, field: fieldName(top[0]![0], e.field.text), type: t, span: e.span } : undefined;
    }
    case "update": {
      const tp = possibleTypes(cx, e.target);
      if (tp !== "err") {
        const cands = cheapest(new Map([...tp].filter(([t]) => (!expected || t === expected))));
        const withFields = cands.filter((t) => e.updates.every((u) => fieldType(t, u.field.text)));
        if (withFields.length !== 1) {
          if (expected && !tp.has(expected)) return mismatch(cx, e.target, expected, tp);
          const t0 = cands[0];
          const bad = t0 && e.updates.find((u) => !fieldType(t0, u.field.text));
          if (t0 && bad) cx.diags.add(Msg.NotAField, bad.field.span, [t0.name, bad.field.text]);
          else cx.diags.add(Msg.CannotInferType, e.target.span);
          return undefined;
        }
        const t = withFields[0]!;
        const target = checkExpr(cx, e.target, t);
        const updates: { field: string; value: M.Expr }[] = [];
        let ok = !!target;
        for (const u of e.updates) {
          const v = checkExpr(cx, u.value, fieldType(t, u.field.text));
          if (!v) ok = false;
          else updates.push({ field: fieldName(t, u.field.text), value: v });
        }
        return ok && target ? { kind: "update", target, updates, type: t, span: e.span } : undefined;
      }
      return checkExpr(cx, e.target, undefined);
    }
    case "index": {
      const tp = possibleTypes(cx, e.target);
      if (tp === "err") {
        checkExpr(cx, e.target, undefined);
        return undefined;
      }
      if (![...tp.keys()].some((t) => t.def.kind === "array")) {
        cx.diags.add(Msg.NotAnArray, e.target.span, [describePoss(tp)]);
        return undefined;
      }
      const t = pick();
      if (!t) return undefined;
      const arrays = cheapest(new Map([...tp].filter(([a]) => a.def.kind === "array" && a.def.element === t)));
      if (arrays.length !== 1) {
        cx.diags.add(Msg.CannotInferType, e.target.span);
        return undefined;
      }
      const target = checkExpr(cx, e.target, arrays[0]);
      const index = checkIndex(cx, e.index);
      return target && index ? { kind: "index", target, index, type: t, span: e.span } : undefined;
    }
    case "collection": {
      if (expected && !elementType(expected)) {
        cx.diags.add(Msg.NotACollectionType, e.span, [expected.name]);
        return undefined;
      }
      // With an expected type, each element is checked against its element type (precise errors).
      const t = expected ?? pick();
      if (!t) return undefined;
      const et = elementType(t);
      if (!et) {
        cx.diags.add(Msg.NotACollectionType, e.span, [t.name]);
        return undefined;
      }
      const elements: M.Expr[] = [];
      let ok = true;
      for (const x of e.elements) {
        const r = checkExpr(cx, x, et);
        if (r) elements.push(r);
        else ok = false;
      }
      return ok ? { kind: "collection", elements, type: t, span: e.span } : undefined;
    }
  }
}

/**
 * The parameter `X` of `X.in` / `X.out`, when the qualifier is allowed there:
 * in an `ensure` clause, `.in` on an `in out` or `in var` parameter, `.out` on
 * an `out`, `in out` or `in var` one (TRAIAN 3.15's rules). With `report`, says
 * why not (and warns of `.out` on `in var`).
 */
function qualifiedParam(cx: BodyContext, e: Extract<A.Expr, { kind: "qualified" }>, report: boolean): M.VarDecl | undefined {
  const q = e.qualifier.key;
  const fail = (msg: DiagnosticMessage, args: string[]): undefined => {
    if (report) cx.diags.add(msg, e.span, args);
    return undefined;
  };
  if (!cx.inEnsure || cx.owner.kind === "global") return fail(Msg.QualifierOutsideEnsure, [q]);
  const v = e.target.kind === "name" ? cx.vars.lookup(e.target.name.key) : undefined;
  const mode = v && cx.paramModes.get(v);
  if (!v || !mode) {
    const what = e.target.kind === "name" ? `'${e.target.name.text}'` : "this expression";
    return fail(Msg.QualifierNotParameter, [q, cx.owner.name, what]);
  }
  if (mode === "in") return fail(Msg.QualifierOnInParam, [v.name, q]);
  if (mode === "out" && q === "in") return fail(Msg.EntryOfOutParam, [v.name]);
  if (report && mode === "in var" && q === "out") cx.diags.add(Msg.OutOfInVarParam, e.span, [v.name]);
  return v;
}

function fieldName(t: M.TypeDecl, field: string): string {
  if (t.def.kind === "constructors") {
    for (const c of t.def.constructors) for (const f of c.fields) if (f.name.toLowerCase() === field.toLowerCase()) return f.name;
  }
  return field;
}

/** An array index: nat, or int when the expression cannot be nat. */
export function checkIndex(cx: BodyContext, e: A.Expr): M.Expr | undefined {
  const { nat, int } = cx.g.predefined;
  const p = possibleTypes(cx, e);
  if (p !== "err" && !p.has(nat) && p.has(int)) return checkExpr(cx, e, int);
  return checkExpr(cx, e, nat);
}

// ---------------------------------------------------------------------------
// Calls in expressions

/**
 * Chooses the overload of `name` for `args`: `expected` is the wanted result
 * type (undefined: any; "procedure": a statement, where procedures are
 * preferred). Reports and returns undefined when none or several fit.
 */
export function chooseCallable(
  cx: BodyContext,
  name: A.Ident,
  args: readonly ArgInfo[],
  expected: M.TypeDecl | undefined | "procedure",
  span: A.Expr["span"],
  cands: readonly Callable[] = cx.g.callables(name.key),
): Viable | undefined {
  const what = cands.length > 0 && cands.every((c) => c.target.kind !== "fn") ? "constructor" : "function";
  if (cands.length === 0) {
    cx.diags.add(Msg.UndeclaredFunction, name.span, [name.text]);
    return undefined;
  }
  const all = viableCallables(cands, args);
  let vs: Viable[];
  if (expected === "procedure") {
    const procs = all.filter((v) => v.c.result === undefined);
    vs = procs.length ? procs : all.filter((v) => v.c.target.kind === "fn");
  } else {
    vs = all.filter((v) => v.c.result !== undefined && (!expected || v.c.result === expected));
  }
  const hasErr = args.some((a) => a.poss === "err");
  if (vs.length === 0) {
    if (hasErr) return undefined;
    if (expected && expected !== "procedure") {
      const results = all.filter((v) => v.c.result);
      if (results.length) {
        const found = [...new Set(cheapestViable(results).map((v) => v.c.result!.name))].join(" or ");
        cx.diags.add(Msg.TypeMismatch, span, [expected.name, found]);
        return undefined;
      }
      if (all.length) {
        cx.diags.add(Msg.FunctionHasNoResult, name.span, [name.text]);
        return undefined;
      }
    }
    if (expected === undefined && all.length) {
      cx.diags.add(Msg.FunctionHasNoResult, name.span, [name.text]);
      return undefined;
    }
    const ret = expected && expected !== "procedure" ? ` returning ${expected.name}` : "";
    cx.diags.add(Msg.NoOverload, span, [what, name.text, describeArgs(args), ret]);
    return undefined;
  }
  const best = cheapestViable(vs);
  if (best.length > 1) {
    if (!hasErr) cx.diags.add(Msg.AmbiguousOverload, span, [what, name.text, best.length]);
    return undefined;
  }
  return best[0];
}

/** Resolves the exception actuals of a call against the callee's exception formals. */
export function checkExceptionActuals(
  cx: BodyContext,
  fn: M.FunctionDecl,
  actuals: readonly A.Ident[] | undefined,
  span: A.Expr["span"],
): M.GateDecl[] | undefined {
  const given = actuals ?? [];
  if (given.length !== fn.exceptions.length) {
    cx.diags.add(Msg.ExceptionArity, span, [fn.name, fn.exceptions.length, given.length]);
    return undefined;
  }
  const out: M.GateDecl[] = [];
  for (const id of given) {
    const gte = lookupException(cx, id);
    if (!gte) return undefined;
    out.push(gte);
  }
  return out;
}

/** An exception name: a visible gate whose channel is exit or none, or `unexpected`. */
export function lookupException(cx: BodyContext, id: A.Ident): M.GateDecl | undefined {
  const gte = cx.gates.lookup(id.key) ?? (id.key === "unexpected" ? cx.g.predefined.unexpected : undefined);
  if (!gte) {
    if (cx.owner.kind === "function") cx.diags.add(Msg.UncaughtException, id.span, [id.text, cx.owner.name]);
    else cx.diags.add(Msg.UndeclaredGate, id.span, [id.text]);
    return undefined;
  }
  if (gte.channel !== "exit" && gte.channel !== "none") {
    cx.diags.add(Msg.WrongExceptionChannel, id.span, [id.text, typeof gte.channel === "string" ? gte.channel : gte.channel.name]);
    return undefined;
  }
  return gte;
}

function checkCall(
  cx: BodyContext,
  e: A.Expr,
  name: A.Ident,
  args: readonly A.CallArg[],
  exceptions: readonly A.Ident[] | undefined,
  expected: M.TypeDecl | undefined,
): M.Expr | undefined {
  const infos = callArgInfos(cx, args);
  const empty = args.filter((a, i) => a.kind === "in" && infos[i]!.poss !== "err" && (infos[i]!.poss as Map<M.TypeDecl, number>).size === 0);
  if (empty.length) {
    for (const a of empty) if (a.kind === "in") explainEmpty(cx, a.expr);
    return undefined;
  }
  const v = chooseCallable(cx, name, infos, expected, e.span);
  if (!v) {
    // Still report what is wrong inside the arguments.
    args.forEach((a, i) => {
      if (infos[i]!.poss === "err") {
        if (a.kind === "in") checkExpr(cx, a.expr, undefined);
        else cx.diags.add(Msg.UndeclaredVariable, a.variable.span, [a.variable.text]);
      }
    });
    return undefined;
  }
  const argExprs: M.Expr[] = [];
  let ok = true;
  v.order.forEach((ai, k) => {
    const a = args[ai]!;
    if (a.kind !== "in") {
      cx.diags.add(Msg.OutActualInExpression, a.span, [a.variable.text]);
      ok = false;
      return;
    }
    if (v.c.modes[k] !== "in" && v.c.modes[k] !== "in var") {
      cx.diags.add(Msg.ActualModeMismatch, a.span, [v.c.paramNames[k]!, v.c.name, `'${v.c.modes[k]}'`, v.c.modes[k] === "out" ? "'?X'" : "'!?X'"]);
      ok = false;
      return;
    }
    const r = checkExpr(cx, a.expr, v.c.params[k]);
    if (r) argExprs.push(r);
    else ok = false;
  });
  if (!ok) return undefined;
  const type = v.c.result!;
  const t = v.c.target;
  switch (t.kind) {
    case "literal":
      return { kind: "literal", value: t.value, type, span: e.span };
    case "ctor":
      if (exceptions && exceptions.length) {
        cx.diags.add(Msg.ExceptionArity, e.span, [t.ctor.name, 0, exceptions.length]);
        return undefined;
      }
      return { kind: "ctor", ctor: t.ctor, args: argExprs, type, span: e.span };
    case "fn": {
      const exc = checkExceptionActuals(cx, t.fn, exceptions, e.span);
      if (!exc) return undefined;
      return { kind: "call", fn: t.fn, args: argExprs, exceptions: exc, type, span: e.span };
    }
  }
}
