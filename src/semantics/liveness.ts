// Static liveness of process variables, for the dead-variable reduction of
// state keys: two states that differ only in variables that will be
// assigned again before any read are the same state (as CADP's compilers do).
//
// The analysis is a backward dataflow over a process body. It records, for
// each statement, the variables live before it and after it, in the static
// context where it appears (each Stmt node appears once in a body). The
// interpreter's continuation stack always corresponds to one static program
// point of the current process, so the live set of a running process is the
// `before` set of the statement on top of its stack. The sets may only
// over-approximate real liveness: a variable missing from a set is never read.

import type { Expr, Pattern, ProcessDecl, Stmt } from "../frontend/model.js";

/** Sorted, duplicate-free variable indices. */
export type VarSet = readonly number[];
const EMPTY: VarSet = [];

export function union(a: VarSet, b: VarSet): VarSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    if (x === y) { out.push(x); i++; j++; }
    else if (x < y) { out.push(x); i++; }
    else { out.push(y); j++; }
  }
  return out;
}

export function minus(a: VarSet, b: VarSet): VarSet {
  if (a.length === 0 || b.length === 0) return a;
  return a.filter((x) => !b.includes(x));
}

export function intersect(a: VarSet, b: VarSet): VarSet {
  return a.filter((x) => b.includes(x));
}

function sameSet(a: VarSet, b: VarSet): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function set(xs: Iterable<number>): VarSet {
  return [...new Set(xs)].sort((p, q) => p - q);
}

// ---------------------------------------------------------------------------
// Reads and writes

const exprReads = new WeakMap<Expr, VarSet>();

export function readsOf(e: Expr | undefined): VarSet {
  if (!e) return EMPTY;
  const hit = exprReads.get(e);
  if (hit) return hit;
  const acc = new Set<number>();
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case "var": acc.add(x.variable.index); break;
      case "entry": acc.add(x.copy.index); break;
      case "literal": break;
      case "call": x.args.forEach(walk); break;
      case "ctor": x.args.forEach(walk); break;
      case "field": walk(x.target); break;
      case "update": walk(x.target); x.updates.forEach((u) => walk(u.value)); break;
      case "index": walk(x.target); walk(x.index); break;
      case "collection": x.elements.forEach(walk); break;
      case "convert": walk(x.expr); break;
      case "lazy": walk(x.left); walk(x.right); break;
    }
  };
  walk(e);
  const r = set(acc);
  exprReads.set(e, r);
  return r;
}

/** Variables a pattern binds, and variables its constant sub-expressions read. */
export function patternVars(p: Pattern): { binds: VarSet; reads: VarSet } {
  const b = new Set<number>();
  let r: VarSet = EMPTY;
  const walk = (q: Pattern): void => {
    if (q.kind === "var") b.add(q.variable.index);
    else if (q.kind === "ctor") q.args.forEach(walk);
    else if (q.kind === "value") r = union(r, readsOf(q.expr));
  };
  walk(p);
  return { binds: set(b), reads: r };
}

const stmtWrites = new WeakMap<Stmt, VarSet>();

/** Every variable a statement may write, including nested behaviours (not callees' locals). */
export function writesOf(s: Stmt): VarSet {
  const hit = stmtWrites.get(s);
  if (hit) return hit;
  const acc = new Set<number>();
  const walk = (x: Stmt): void => {
    switch (x.kind) {
      case "assign": case "any": acc.add(x.variable.index); break;
      case "call":
        for (const a of x.args) if (a.kind !== "in") acc.add(a.variable.index);
        if (x.result) acc.add(x.result.index);
        break;
      case "pcall":
        for (const a of x.args) if (a.kind !== "in") acc.add(a.variable.index);
        break;
      case "comm":
        for (const o of x.offers) if (o.kind === "receive") patternVars(o.pattern).binds.forEach((v) => acc.add(v));
        break;
      case "case":
        for (const m of x.matches) {
          for (const p of m.patterns) patternVars(p).binds.forEach((v) => acc.add(v));
          walk(m.body);
        }
        break;
      case "seq": x.stmts.forEach(walk); break;
      case "var": walk(x.body); break;
      case "if": x.branches.forEach((b) => walk(b.body)); if (x.else) walk(x.else); break;
      case "loop": case "while": walk(x.body); break;
      case "for": walk(x.init); walk(x.step); walk(x.body); break;
      case "trap": walk(x.body); x.handlers.forEach((h) => walk(h.body)); break;
      case "alt": x.branches.forEach(walk); break;
      case "par": x.branches.forEach((b) => walk(b.body)); break;
      case "hide": walk(x.body); break;
      case "disrupt": walk(x.body); walk(x.by); break;
      default: break;
    }
  };
  walk(s);
  const r = set(acc);
  stmtWrites.set(s, r);
  return r;
}

// ---------------------------------------------------------------------------
// The analysis

export interface Liveness {
  readonly before: ReadonlyMap<Stmt, VarSet>;
  readonly after: ReadonlyMap<Stmt, VarSet>;
  /**
   * For `par`, `hide` and `disrupt`: the variables the waiting thread must
   * keep, i.e. those live after the construct that its parts may not provide.
   */
  readonly waiting: ReadonlyMap<Stmt, VarSet>;
}

const cache = new WeakMap<ProcessDecl, Liveness>();

export function livenessOf(p: ProcessDecl): Liveness {
  let l = cache.get(p);
  if (!l) {
    l = analyse(p);
    cache.set(p, l);
  }
  return l;
}

function analyse(p: ProcessDecl): Liveness {
  const before = new Map<Stmt, VarSet>();
  const after = new Map<Stmt, VarSet>();
  const waiting = new Map<Stmt, VarSet>();
  const breaks = new Map<number, VarSet>();
  // Out parameters are read by the caller when the process terminates, and the
  // `ensure` clauses are evaluated then (with the entry copies `X.in` reads).
  const exitLive = p.ensures.reduce(
    (acc, e) => union(acc, readsOf(e)),
    set(p.params.filter((x) => x.mode === "out" || x.mode === "in out").map((x) => x.variable.index)),
  );

  const lb = (s: Stmt, out: VarSet, trap: VarSet): VarSet => {
    after.set(s, out);
    const r = compute(s, out, trap);
    before.set(s, r);
    return r;
  };

  const fix = (f: (x: VarSet) => VarSet): VarSet => {
    let x: VarSet = EMPTY;
    for (let n = 0; n < 1000; n++) {
      const y = f(x);
      if (sameSet(x, y)) return y;
      x = union(x, y);
    }
    return x;
  };

  const compute = (s: Stmt, out: VarSet, trap: VarSet): VarSet => {
    switch (s.kind) {
      case "null":
      case "internal":
        return out;
      case "stop":
        return EMPTY;
      case "seq": {
        let l = out;
        for (let i = s.stmts.length - 1; i >= 0; i--) l = lb(s.stmts[i]!, l, trap);
        return l;
      }
      case "assign":
        return union(readsOf(s.value), minus(out, [s.variable.index]));
      case "any":
        return union(minus(readsOf(s.where), [s.variable.index]), minus(out, [s.variable.index]));
      case "call": {
        let r = minus(out, writesOf(s));
        for (const a of s.args) {
          if (a.kind === "in") r = union(r, readsOf(a.expr));
          else if (a.kind === "in out") r = union(r, [a.variable.index]);
        }
        return union(r, trap);
      }
      case "return":
        return exitLive;
      case "raise":
        return trap;
      case "var":
        return minus(lb(s.body, out, trap), s.variables.map((v) => v.index).sort((a, b) => a - b));
      case "if": {
        let r = s.else ? lb(s.else, out, trap) : out;
        for (const b of s.branches) r = union(r, union(readsOf(b.cond), lb(b.body, out, trap)));
        return r;
      }
      case "case": {
        let r = readsOf(s.scrutinee);
        for (const m of s.matches) {
          let binds: VarSet = EMPTY;
          for (const p of m.patterns) {
            const pv = patternVars(p);
            binds = union(binds, pv.binds);
            r = union(r, pv.reads);
          }
          r = union(r, minus(union(readsOf(m.where), lb(m.body, out, trap)), binds));
        }
        return r;
      }
      case "loop": {
        if (s.label) breaks.set(s.label.id, out);
        return fix((x) => lb(s.body, x, trap));
      }
      case "while": {
        if (s.label) breaks.set(s.label.id, out);
        return fix((x) => union(readsOf(s.cond), union(out, lb(s.body, x, trap))));
      }
      case "for": {
        if (s.label) breaks.set(s.label.id, out);
        const head = fix((x) => union(readsOf(s.cond), union(out, lb(s.body, lb(s.step, x, trap), trap))));
        return lb(s.init, head, trap);
      }
      case "break":
        return breaks.get(s.label.id) ?? out;
      case "assert":
        return union(readsOf(s.cond), out);
      case "trap": {
        let h: VarSet = EMPTY;
        for (const x of s.handlers) h = union(h, lb(x.body, out, trap));
        return lb(s.body, out, union(trap, h));
      }
      case "comm": {
        let r: VarSet = EMPTY;
        let binds: VarSet = EMPTY;
        for (const o of s.offers) {
          if (o.kind === "emit") r = union(r, readsOf(o.expr));
          else {
            const pv = patternVars(o.pattern);
            binds = union(binds, pv.binds);
            r = union(r, pv.reads);
          }
        }
        return union(r, minus(union(readsOf(s.where), out), binds));
      }
      case "pcall": {
        let r = minus(out, writesOf(s));
        for (const a of s.args) {
          if (a.kind === "in") r = union(r, readsOf(a.expr));
          else if (a.kind === "in out") r = union(r, [a.variable.index]);
        }
        return union(r, trap);
      }
      case "alt": {
        let r: VarSet = EMPTY;
        for (const b of s.branches) r = union(r, lb(b, out, trap));
        return r;
      }
      // A part of a construct ends into what follows it only for the
      // variables it writes (copied back at the join); the others come from
      // the waiting thread's frame.
      case "par": {
        let all: VarSet = EMPTY;
        for (const b of s.branches) all = union(all, writesOf(b.body));
        const base = minus(out, all);
        waiting.set(s, base);
        let r = base;
        for (const b of s.branches) r = union(r, lb(b.body, intersect(out, writesOf(b.body)), trap));
        return r;
      }
      case "hide": {
        const base = minus(out, writesOf(s.body));
        waiting.set(s, base);
        return union(base, lb(s.body, intersect(out, writesOf(s.body)), trap));
      }
      case "disrupt": {
        const base = minus(out, intersect(writesOf(s.body), writesOf(s.by)));
        waiting.set(s, base);
        return union(base, union(lb(s.body, intersect(out, writesOf(s.body)), trap), lb(s.by, intersect(out, writesOf(s.by)), trap)));
      }
    }
  };

  lb(p.body, exitLive, EMPTY);
  return { before, after, waiting };
}
