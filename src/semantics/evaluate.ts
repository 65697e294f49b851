// The data part of the reference interpreter: expressions, function calls
// (with in / out / in out parameters and exceptions), the statements of
// function bodies, pattern matching, and the predefined and `with`
// functions. Everything here is deterministic and runs to completion;
// behaviour.ts calls it for the data steps of processes.
//
// A frame is a plain array indexed by VarDecl.index (the checked model gives
// every variable of a function or process a dense index). Exceptions travel
// as a JS exception (Raise) carrying the run-time exception they denote; every
// error of the model is an LntRuntimeError carrying a source span.

import type { Builtin, CtorDecl, Expr, FunctionDecl, GateDecl, Pattern, Stmt, TypeDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import { InternalError } from "../frontend/diagnostics.js";
import {
  LntRuntimeError, compare, equals, enumerate, intBounds, isCtor, makeCtor, normInt, printValue, toBig,
  type CtorValue, type Value,
} from "./values.js";

export type Frame = (Value | undefined)[];

/** `raise E` in flight; `gate` is the run-time exception (after mapping formals to actuals). */
export class Raise {
  constructor(readonly gate: GateDecl, readonly span: Span) {}
}

/** Maps a function's formal exceptions to the run-time exceptions its caller passed. */
export type ExcEnv = ReadonlyMap<GateDecl, GateDecl>;
export const NO_EXC: ExcEnv = new Map();

export function runtimeExc(env: ExcEnv, g: GateDecl): GateDecl {
  return env.get(g) ?? g;
}

const MAX_DEPTH = 100_000;
let depth = 0;

// Statement completion codes for function bodies.
const NORMAL = 0;
const BREAK = 1;
const RETURN = 2;

interface Ctl {
  breakLabel: number;
  ret: Value | undefined;
}

// ---------------------------------------------------------------------------
// Expressions

export function evalExpr(e: Expr, f: Frame, exc: ExcEnv): Value {
  switch (e.kind) {
    case "var": {
      const v = f[e.variable.index];
      if (v === undefined) throw new LntRuntimeError(Msg.UnassignedVariable, e.span, [e.variable.name]);
      return v;
    }
    case "entry": {
      const v = f[e.copy.index];
      if (v === undefined) throw new InternalError(`'${e.variable.name}.in' read before its entry value was kept`, e.span);
      return v;
    }
    case "literal": {
      const v = e.value;
      // Not checked against the type's bounds: the checker does, and `-8` is
      // `- (8)`, whose operand may be one past the largest int.
      if (typeof v === "bigint") return normInt(v);
      return v;
    }
    case "call":
      return callExprFunction(e.fn, e.args, e.exceptions, f, exc, e.span);
    case "ctor":
      return construct(e.ctor, e.args.map((a) => evalExpr(a, f, exc)));
    case "field": {
      const v = evalExpr(e.target, f, exc);
      return getField(v, e.field, e.target.type, e.span);
    }
    case "update": {
      const v = evalExpr(e.target, f, exc);
      let r = v;
      for (const u of e.updates) r = setField(r, u.field, evalExpr(u.value, f, exc), e.target.type, e.span);
      return r;
    }
    case "index": {
      const a = evalExpr(e.target, f, exc) as readonly Value[];
      const i = evalExpr(e.index, f, exc);
      return a[arrayOffset(e.target.type, i, e.span)]!;
    }
    case "collection":
      return makeCollection(e.type, e.elements.map((x) => evalExpr(x, f, exc)), e.span);
    case "convert": {
      const v = evalExpr(e.expr, f, exc);
      checkMember(e.type, v, e.span);
      return v;
    }
    case "lazy": {
      const l = evalExpr(e.left, f, exc);
      if (e.op === "and then") return l === true ? evalExpr(e.right, f, exc) : false;
      return l === true ? true : evalExpr(e.right, f, exc);
    }
  }
}

function construct(c: CtorDecl, args: Value[]): Value {
  const d = c.type.def;
  if (d.kind === "list") {
    if (c === d.nil) return [];
    const tail = args[1] as readonly Value[];
    if (d.set || d.sorted) return insertSorted(tail, args[0]!, d.set);
    return [args[0]!, ...tail];
  }
  return makeCtor(c, args);
}

function getField(v: Value, field: string, t: TypeDecl, span: Span): Value {
  const c = v as CtorValue;
  const i = c.c.fields.findIndex((x) => x.name.toLowerCase() === field.toLowerCase());
  if (i < 0) throw new LntRuntimeError(Msg.NoSuchField, span, [printValue(v, t), field]);
  return c.a[i]!;
}

function setField(v: Value, field: string, x: Value, t: TypeDecl, span: Span): Value {
  const c = v as CtorValue;
  const i = c.c.fields.findIndex((y) => y.name.toLowerCase() === field.toLowerCase());
  if (i < 0) throw new LntRuntimeError(Msg.NoSuchField, span, [printValue(v, t), field]);
  const a = c.a.slice();
  a[i] = x;
  return makeCtor(c.c, a);
}

function arrayOffset(t: TypeDecl, i: Value, span: Span): number {
  const d = baseDef(t);
  if (d.kind !== "array") throw new InternalError("indexing a value that is not an array", span);
  const b = toBig(i);
  if (b < d.low || b > d.high) throw new LntRuntimeError(Msg.IndexOutOfRange, span, [String(i), String(d.low), String(d.high), t.name]);
  return Number(b - d.low);
}

function baseDef(t: TypeDecl): TypeDecl["def"] {
  let d = t.def;
  while (d.kind === "subtype") d = d.base.def;
  return d;
}

function makeCollection(t: TypeDecl, xs: Value[], span: Span): Value {
  const d = baseDef(t);
  if (d.kind === "list") {
    if (d.set) return canonicalSet(xs);
    if (d.sorted) return xs.slice().sort(compare);
    return xs;
  }
  if (d.kind === "array") {
    const n = Number(d.high - d.low + 1n);
    if (xs.length !== n) throw new LntRuntimeError(Msg.ArrayLiteralSize, span, [t.name, n, xs.length]);
    return xs;
  }
  return xs;
}

function canonicalSet(xs: readonly Value[]): Value[] {
  const s = xs.slice().sort(compare);
  const out: Value[] = [];
  for (const x of s) if (out.length === 0 || !equals(out[out.length - 1]!, x)) out.push(x);
  return out;
}

function insertSorted(l: readonly Value[], x: Value, unique: boolean): Value[] {
  let i = 0;
  while (i < l.length && compare(l[i]!, x) < 0) i++;
  if (unique && i < l.length && equals(l[i]!, x)) return l as Value[];
  return [...l.slice(0, i), x, ...l.slice(i)];
}

// ---------------------------------------------------------------------------
// Bounds and membership

export function checkInt(t: TypeDecl, v: number | bigint, span: Span | undefined): void {
  const b = intBounds(t);
  if (!b) return;
  if (v < b.lo || v > b.hi) throw new LntRuntimeError(Msg.Overflow, span, [String(v), t.name, String(b.lo), String(b.hi)]);
}

export function isMember(t: TypeDecl, v: Value): boolean {
  const d = t.def;
  if (d.kind === "range" || d.kind === "nat" || d.kind === "int") {
    const b = intBounds(t)!;
    return (typeof v === "number" || typeof v === "bigint") && v >= b.lo && v <= b.hi;
  }
  if (d.kind === "subtype") {
    if (!isMember(d.base, v)) return false;
    if (!d.predicate) return true;
    const f: Frame = [];
    f[d.variable.index] = v;
    return evalExpr(d.predicate, f, NO_EXC) === true;
  }
  return true;
}

function checkMember(t: TypeDecl, v: Value, span: Span): void {
  if (!isMember(t, v)) throw new LntRuntimeError(Msg.NotInType, span, [printValue(v, t), t.name]);
}

/** The values of a finite type; undefined when it is infinite or too large. */
export function valuesOf(t: TypeDecl): readonly Value[] | undefined {
  return enumerate(t, (st, v) => isMember(st, v));
}

// ---------------------------------------------------------------------------
// Patterns

/** Matches `v` against `p`, binding pattern variables into `f`. */
export function matchPattern(p: Pattern, v: Value, f: Frame, exc: ExcEnv): boolean {
  switch (p.kind) {
    case "any":
      return true;
    case "var":
      f[p.variable.index] = v;
      return true;
    case "value":
      return equals(evalExpr(p.expr, f, exc), v);
    case "ctor": {
      const d = p.ctor.type.def;
      if (d.kind === "list") {
        const l = v as readonly Value[];
        if (p.ctor === d.nil) return l.length === 0;
        if (l.length === 0) return false;
        return matchPattern(p.args[0]!, l[0]!, f, exc) && matchPattern(p.args[1]!, l.slice(1), f, exc);
      }
      const c = v as CtorValue;
      if (c.c !== p.ctor) return false;
      for (let i = 0; i < p.args.length; i++) if (!matchPattern(p.args[i]!, c.a[i]!, f, exc)) return false;
      return true;
    }
  }
}

// ---------------------------------------------------------------------------
// Function calls

function callExprFunction(fn: FunctionDecl, argExprs: readonly Expr[], excActuals: readonly GateDecl[], f: Frame, exc: ExcEnv, span: Span): Value {
  if (fn.builtin) {
    return builtin(fn.builtin, argExprs.map((a) => evalExpr(a, f, exc)), argExprs.map((a) => a.type), span, fn.name);
  }
  const args = argExprs.map((a) => evalExpr(a, f, exc));
  const r = callFunction(fn, args, excEnvFor(fn, excActuals, exc), span);
  if (r.value === undefined) throw new LntRuntimeError(Msg.NoReturnValue, span, [fn.name]);
  return r.value;
}

export function excEnvFor(fn: FunctionDecl, actuals: readonly GateDecl[], exc: ExcEnv): ExcEnv {
  if (fn.exceptions.length === 0) return NO_EXC;
  const m = new Map<GateDecl, GateDecl>();
  fn.exceptions.forEach((formal, i) => {
    const a = actuals[i];
    m.set(formal, a ? runtimeExc(exc, a) : formal);
  });
  return m;
}

/**
 * Calls a user function with the values of its `in` / `in out` parameters in
 * order (`undefined` for `out`); returns the result and the final frame, from
 * which the caller copies `out` / `in out` parameters.
 */
export function callFunction(fn: FunctionDecl, args: readonly (Value | undefined)[], exc: ExcEnv, span: Span): { value: Value | undefined; frame: Frame } {
  if (fn.builtin) {
    const vals = args as Value[];
    return { value: builtin(fn.builtin, vals, fn.params.map((p) => p.variable.type), span, fn.name), frame: [] };
  }
  if (!fn.body) throw new LntRuntimeError(Msg.NoBody, span, [fn.name]);
  const frame: Frame = new Array(fn.variables.length);
  for (let i = 0; i < fn.params.length; i++) frame[fn.params[i]!.variable.index] = args[i];
  if (depth >= MAX_DEPTH) throw new LntRuntimeError(Msg.RecursionTooDeep, span, [fn.name]);
  depth++;
  try {
    for (const r of fn.requires) if (evalExpr(r, frame, exc) !== true) throw new LntRuntimeError(Msg.RequireFailed, r.span, [fn.name]);
    for (const c of fn.entryCopies) frame[c.copy.index] = frame[c.param.index];
    const ctl: Ctl = { breakLabel: -1, ret: undefined };
    execStmt(fn.body, frame, exc, ctl);
    // Checked on a normal return only: an exception is not a return, and a
    // function that ends without its value is the caller's error to report.
    if (!fn.result || ctl.ret !== undefined) checkEnsures(fn, frame, exc);
    return { value: ctl.ret, frame };
  } catch (err) {
    // The JS stack may run out before MAX_DEPTH on deeply nested expressions.
    if (err instanceof RangeError) throw new LntRuntimeError(Msg.RecursionTooDeep, span, [fn.name]);
    throw err;
  } finally {
    depth--;
  }
}

/**
 * The `ensure` clauses of a function or process that ends with frame `f`
 * (`X.in` reads the copies made at entry): a false one is a run-time error at the clause.
 */
export function checkEnsures(unit: { readonly name: string; readonly ensures: readonly Expr[] }, f: Frame, exc: ExcEnv): void {
  for (const e of unit.ensures) if (evalExpr(e, f, exc) !== true) throw new LntRuntimeError(Msg.EnsureFailed, e.span, [unit.name]);
}

/** Executes a procedure-call statement in frame `f` (used by processes too). */
export function execCall(s: Extract<Stmt, { kind: "call" }>, f: Frame, exc: ExcEnv): void {
  const fn = s.fn;
  const args: (Value | undefined)[] = s.args.map((a) => (a.kind === "in" ? evalExpr(a.expr, f, exc) : a.kind === "in out" ? f[a.variable.index] : undefined));
  const r = callFunction(fn, args, excEnvFor(fn, s.exceptions, exc), s.span);
  if (!fn.builtin) {
    s.args.forEach((a, i) => {
      if (a.kind !== "in") f[a.variable.index] = r.frame[fn.params[i]!.variable.index];
    });
  }
  if (s.result) {
    if (r.value === undefined) throw new LntRuntimeError(Msg.NoReturnValue, s.span, [fn.name]);
    f[s.result.index] = r.value;
  }
}

function execStmt(s: Stmt, f: Frame, exc: ExcEnv, ctl: Ctl): number {
  switch (s.kind) {
    case "null":
      return NORMAL;
    case "seq":
      for (const x of s.stmts) {
        const r = execStmt(x, f, exc, ctl);
        if (r !== NORMAL) return r;
      }
      return NORMAL;
    case "assign":
      f[s.variable.index] = evalExpr(s.value, f, exc);
      return NORMAL;
    case "call":
      execCall(s, f, exc);
      return NORMAL;
    case "return":
      ctl.ret = s.value ? evalExpr(s.value, f, exc) : undefined;
      return RETURN;
    case "raise":
      throw new Raise(runtimeExc(exc, s.exception), s.span);
    case "var":
      for (const v of s.variables) f[v.index] = undefined;
      return execStmt(s.body, f, exc, ctl);
    case "if": {
      for (const b of s.branches) if (evalExpr(b.cond, f, exc) === true) return execStmt(b.body, f, exc, ctl);
      return s.else ? execStmt(s.else, f, exc, ctl) : NORMAL;
    }
    case "case": {
      const v = evalExpr(s.scrutinee, f, exc);
      const body = selectMatch(s, v, f, exc);
      return execStmt(body, f, exc, ctl);
    }
    case "loop":
      for (;;) {
        const r = execStmt(s.body, f, exc, ctl);
        if (r === RETURN) return r;
        if (r === BREAK) return breakOut(s.label, ctl);
      }
    case "while":
      while (evalExpr(s.cond, f, exc) === true) {
        const r = execStmt(s.body, f, exc, ctl);
        if (r === RETURN) return r;
        if (r === BREAK) return breakOut(s.label, ctl);
      }
      return NORMAL;
    case "for": {
      let r = execStmt(s.init, f, exc, ctl);
      if (r !== NORMAL) return r;
      while ((evalExpr(s.cond, f, exc) === true) !== s.until) {
        r = execStmt(s.body, f, exc, ctl);
        if (r === RETURN) return r;
        if (r === BREAK) return breakOut(s.label, ctl);
        r = execStmt(s.step, f, exc, ctl);
        if (r !== NORMAL) return r;
      }
      return NORMAL;
    }
    case "break":
      ctl.breakLabel = s.label.id;
      return BREAK;
    case "assert":
      if (evalExpr(s.cond, f, exc) !== true) throw new LntRuntimeError(Msg.AssertFailed, s.span);
      return NORMAL;
    case "trap": {
      try {
        return execStmt(s.body, f, exc, ctl);
      } catch (err) {
        if (err instanceof Raise) {
          const h = s.handlers.find((x) => runtimeExc(exc, x.exception) === err.gate);
          if (h) return execStmt(h.body, f, exc, ctl);
        }
        throw err;
      }
    }
    default:
      throw new InternalError(`'${s.kind}' is a behaviour: it cannot run inside a function`, s.span);
  }
}

function breakOut(label: { id: number } | undefined, ctl: Ctl): number {
  if (label && ctl.breakLabel === label.id) {
    ctl.breakLabel = -1;
    return NORMAL;
  }
  return BREAK;
}

/** The body of the first match of a `case` whose patterns match and whose guard holds. */
export function selectMatch(s: Extract<Stmt, { kind: "case" }>, v: Value, f: Frame, exc: ExcEnv): Stmt {
  for (const m of s.matches) {
    for (const p of m.patterns) {
      if (matchPattern(p, v, f, exc) && (!m.where || evalExpr(m.where, f, exc) === true)) return m.body;
    }
  }
  throw new LntRuntimeError(Msg.CaseNoMatch, s.scrutinee.span, [printValue(v, s.scrutinee.type)]);
}

// ---------------------------------------------------------------------------
// Predefined and generated functions

function intResult(t: TypeDecl, v: bigint | number, span: Span): Value {
  const n = normInt(v);
  checkInt(t, n, span);
  return n;
}

function isIntType(t: TypeDecl): boolean {
  const k = baseDef(t).kind;
  return k === "nat" || k === "int" || k === "range";
}

function arith(op: string, a: Value, b: Value, t: TypeDecl, span: Span): Value {
  if (typeof a === "number" && typeof b === "number" && !isIntType(t)) {
    switch (op) {
      case "add": return a + b;
      case "sub": return a - b;
      case "mul": return a * b;
      case "realdiv":
      case "div":
        if (b === 0) throw new LntRuntimeError(Msg.DivisionByZero, span);
        return a / b;
      case "pow": return a ** b;
      case "min": return Math.min(a, b);
      case "max": return Math.max(a, b);
      case "mod":
      case "rem":
        if (b === 0) throw new LntRuntimeError(Msg.DivisionByZero, span);
        return a % b;
    }
  }
  if (typeof a === "number" && typeof b === "number") {
    let r: number | undefined;
    switch (op) {
      case "add": r = a + b; break;
      case "sub": r = a - b; break;
      case "mul": r = a * b; break;
      case "min": r = Math.min(a, b); break;
      case "max": r = Math.max(a, b); break;
    }
    if (r !== undefined && Number.isSafeInteger(r)) return intResult(t, r, span);
  }
  const x = toBig(a);
  const y = toBig(b);
  let r: bigint;
  switch (op) {
    case "add": r = x + y; break;
    case "sub": r = x - y; break;
    case "mul": r = x * y; break;
    case "min": r = x < y ? x : y; break;
    case "max": r = x > y ? x : y; break;
    case "div":
    case "realdiv":
      if (y === 0n) throw new LntRuntimeError(Msg.DivisionByZero, span);
      r = x / y;
      break;
    case "rem":
      if (y === 0n) throw new LntRuntimeError(Msg.DivisionByZero, span);
      r = x % y;
      break;
    case "mod": {
      if (y === 0n) throw new LntRuntimeError(Msg.DivisionByZero, span);
      r = x % y;
      if (r !== 0n && (r < 0n) !== (y < 0n)) r += y;
      break;
    }
    case "pow": {
      if (y < 0n) throw new LntRuntimeError(Msg.NegativeExponent, span, [String(y)]);
      const b = intBounds(t);
      // Stop early instead of building a huge bigint.
      r = 1n;
      for (let i = 0n; i < y; i++) {
        r *= x;
        if (b && (r > b.hi * 2n + 2n || r < b.lo * 2n - 2n)) break;
      }
      break;
    }
    default:
      throw new InternalError(`unknown operator ${op}`, span);
  }
  return intResult(t, r, span);
}

/** Orders (element, collection) arguments, whichever way the library writes them. */
function elemAndList(args: readonly Value[], types: readonly TypeDecl[], listType: TypeDecl): [Value, readonly Value[]] {
  if (types[0] === listType && types[1] !== listType) return [args[1]!, args[0] as readonly Value[]];
  return [args[0]!, args[1] as readonly Value[]];
}

function sequenceOf(v: Value): readonly Value[] | string {
  return typeof v === "string" ? v : (v as readonly Value[]);
}

export function builtin(b: Builtin, args: readonly Value[], types: readonly TypeDecl[], span: Span, name: string): Value {
  const t = b.type;
  const a0 = args[0]!;
  const a1 = args[1]!;
  switch (b.op) {
    case "eq": return equals(a0, a1);
    case "ne": return !equals(a0, a1);
    case "lt": return compare(a0, a1) < 0;
    case "le": return compare(a0, a1) <= 0;
    case "gt": return compare(a0, a1) > 0;
    case "ge": return compare(a0, a1) >= 0;
    case "not": return !a0;
    case "and": return a0 === true && a1 === true;
    case "or": return a0 === true || a1 === true;
    case "xor": return a0 !== a1;
    case "implies": return !a0 || a1 === true;
    case "iff": return a0 === a1;
    case "add": case "sub": case "mul": case "div": case "mod": case "rem": case "pow": case "min": case "max": case "realdiv":
      return arith(b.op, a0, a1, t, span);
    case "neg":
      if (typeof a0 === "number" && !isIntType(t)) return -a0;
      return intResult(t, typeof a0 === "number" ? -a0 : -toBig(a0), span);
    case "pos": return a0;
    case "abs":
      if (typeof a0 === "number") return isIntType(t) ? intResult(t, Math.abs(a0), span) : Math.abs(a0);
      return intResult(t, toBig(a0) < 0n ? -toBig(a0) : toBig(a0), span);
    case "sign": {
      const x = a0 as number | bigint;
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    }
    case "succ":
    case "pred": {
      const d = 1;
      const delta = b.op === "succ" ? d : -d;
      const bd = baseDef(t);
      if (bd.kind === "constructors") {
        const c = a0 as CtorValue;
        const j = c.c.index + delta;
        const next = bd.constructors[j];
        if (!next) throw new LntRuntimeError(Msg.ValueOutOfRange, span, [b.op, printValue(a0, t)]);
        return makeCtor(next, []);
      }
      if (bd.kind === "char") {
        const code = (a0 as string).charCodeAt(0) + delta;
        if (code < 0 || code > 255) throw new LntRuntimeError(Msg.ValueOutOfRange, span, [b.op, printValue(a0, t)]);
        return String.fromCharCode(code);
      }
      return arith("add", a0, delta, t, span);
    }
    case "first":
    case "last":
    case "card": {
      const bd = baseDef(t);
      if (bd.kind === "constructors") {
        const cs = bd.constructors;
        if (b.op === "card") return cs.length;
        return makeCtor(b.op === "first" ? cs[0]! : cs[cs.length - 1]!, []);
      }
      if (bd.kind === "char") return b.op === "card" ? 256 : b.op === "first" ? "\x00" : "\xff";
      if (bd.kind === "bool") return b.op === "card" ? 2 : b.op === "last";
      const bounds = intBounds(t);
      if (bounds) {
        if (b.op === "card") return normInt(bounds.hi - bounds.lo + 1n);
        return normInt(b.op === "first" ? bounds.lo : bounds.hi);
      }
      throw new InternalError(`'${b.op}' is not defined on type ${t.name}`, span);
    }
    case "ord": {
      if (typeof a0 === "string") return a0.charCodeAt(0);
      if (typeof a0 === "boolean") return a0 ? 1 : 0;
      if (isCtor(a0)) return a0.c.index;
      return a0;
    }
    case "val": {
      const bd = baseDef(t);
      const n = Number(toBig(a0));
      if (bd.kind === "constructors") {
        const c = bd.constructors[n];
        if (!c) throw new LntRuntimeError(Msg.ValueOutOfRange, span, ["val", String(a0)]);
        return makeCtor(c, []);
      }
      if (bd.kind === "char") {
        if (n < 0 || n > 255) throw new LntRuntimeError(Msg.ValueOutOfRange, span, ["val", String(a0)]);
        return String.fromCharCode(n);
      }
      return a0;
    }
    case "convert":
      return convert(a0, types[0], t, span);
    case "is_digit": return /^[0-9]$/.test(a0 as string);
    case "is_lower": return /^[a-z]$/.test(a0 as string);
    case "is_upper": return /^[A-Z]$/.test(a0 as string);
    case "is_alpha": return /^[A-Za-z]$/.test(a0 as string);
    case "is_alnum": return /^[A-Za-z0-9]$/.test(a0 as string);
    case "to_lower": return (a0 as string).toLowerCase();
    case "to_upper": return (a0 as string).toUpperCase();
    case "concat":
      if (typeof a0 === "string") return a0 + (a1 as string);
      return makeCollection(t, [...(a0 as readonly Value[]), ...(a1 as readonly Value[])], span);
    case "length":
      return sequenceOf(a0).length;
    case "empty":
      if (args.length === 0) return baseDef(t).kind === "string" ? "" : [];
      return sequenceOf(a0).length === 0;
    case "nth": {
      const s = sequenceOf(a0);
      const i = Number(toBig(a1));
      if (i < 1 || i > s.length) throw new LntRuntimeError(Msg.ValueOutOfRange, span, ["nth", String(a1)]);
      return s[i - 1]!;
    }
    case "prefix": {
      const s = sequenceOf(a0);
      return typeof s === "string" ? s.slice(0, Number(toBig(a1))) : s.slice(0, Number(toBig(a1)));
    }
    case "suffix": {
      const s = sequenceOf(a0);
      const n = Number(toBig(a1));
      return s.slice(Math.max(0, s.length - n));
    }
    case "substr": {
      const s = sequenceOf(a0);
      const i = Number(toBig(a1));
      const n = Number(toBig(args[2]!));
      return s.slice(i - 1, i - 1 + n);
    }
    case "index": {
      const s = a0 as string;
      return s.indexOf(a1 as string) + 1;
    }
    case "head": {
      const s = sequenceOf(a0);
      if (s.length === 0) throw new LntRuntimeError(Msg.EmptyCollection, span, [name]);
      return s[0]!;
    }
    case "tail": {
      const s = sequenceOf(a0);
      if (s.length === 0) throw new LntRuntimeError(Msg.EmptyCollection, span, [name]);
      return s.slice(1);
    }
    case "last_element": {
      const s = sequenceOf(a0);
      if (s.length === 0) throw new LntRuntimeError(Msg.EmptyCollection, span, [name]);
      return s[s.length - 1]!;
    }
    case "reverse": {
      const s = sequenceOf(a0);
      return typeof s === "string" ? [...s].reverse().join("") : s.slice().reverse();
    }
    case "append": {
      const [x, l] = elemAndList(args, types, t);
      return makeCollection(t, [...l, x], span);
    }
    case "cons": {
      const [x, l] = elemAndList(args, types, t);
      return makeCollection(t, [x, ...l], span);
    }
    case "member": {
      const [x, l] = elemAndList(args, types, t);
      return l.some((y) => equals(x, y));
    }
    case "insert": {
      const [x, l] = elemAndList(args, types, t);
      const d = baseDef(t);
      if (d.kind === "list" && (d.set || d.sorted)) return insertSorted(l, x, d.set);
      return [x, ...l];
    }
    case "remove":
    case "delete": {
      const [x, l] = elemAndList(args, types, t);
      const i = l.findIndex((y) => equals(x, y));
      return i < 0 ? l : [...l.slice(0, i), ...l.slice(i + 1)];
    }
    case "union":
      return makeCollection(t, [...(a0 as readonly Value[]), ...(a1 as readonly Value[])], span);
    case "inter": {
      const y = a1 as readonly Value[];
      return (a0 as readonly Value[]).filter((x) => y.some((z) => equals(x, z)));
    }
    case "diff": {
      const y = a1 as readonly Value[];
      return (a0 as readonly Value[]).filter((x) => !y.some((z) => equals(x, z)));
    }
    case "fill": {
      const d = baseDef(t);
      if (d.kind !== "array") return a0;
      return new Array<Value>(Number(d.high - d.low + 1n)).fill(a0);
    }
    case "array_get": {
      const arr = a0 as readonly Value[];
      return arr[arrayOffset(types[0] ?? t, a1, span)]!;
    }
    case "array_set": {
      const arr = (a0 as readonly Value[]).slice();
      arr[arrayOffset(types[0] ?? t, a1, span)] = args[2]!;
      return arr;
    }
    case "get_field":
      return getField(a0, b.field!, t, span);
    case "set_field":
      return setField(a0, b.field!, a1, t, span);
  }
}

function convert(v: Value, from: TypeDecl | undefined, to: TypeDecl, span: Span): Value {
  const td = baseDef(to);
  const fd = from ? baseDef(from) : undefined;
  if (td.kind === "real") {
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "string") return v.charCodeAt(0);
    return v as number;
  }
  if (td.kind === "char") {
    const n = Number(typeof v === "string" ? v.charCodeAt(0) : (v as number));
    if (n < 0 || n > 255) throw new LntRuntimeError(Msg.NotInType, span, [String(v), to.name]);
    return String.fromCharCode(n);
  }
  if (td.kind === "nat" || td.kind === "int" || td.kind === "range") {
    let n: number | bigint;
    if (typeof v === "string") n = v.charCodeAt(0);
    else if (typeof v === "boolean") n = v ? 1 : 0;
    else if (fd?.kind === "real" && typeof v === "number") n = Math.trunc(v);
    else if (isCtor(v)) n = v.c.index;
    else n = v as number | bigint;
    if (typeof n === "number" && !Number.isSafeInteger(n)) n = BigInt(Math.trunc(n));
    const r = normInt(n);
    const b = intBounds(to)!;
    if (r < b.lo || r > b.hi) throw new LntRuntimeError(Msg.NotInType, span, [String(r), to.name]);
    return r;
  }
  if (td.kind === "constructors" && (typeof v === "number" || typeof v === "bigint")) {
    const c = td.constructors[Number(v)];
    if (!c) throw new LntRuntimeError(Msg.NotInType, span, [String(v), to.name]);
    return makeCtor(c, []);
  }
  if (to.def.kind === "subtype") checkMember(to, v, span);
  return v;
}

