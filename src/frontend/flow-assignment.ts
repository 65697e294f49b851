// Definite assignment over one function or process body, and the rules on
// variables shared by the parts of `par` and `disrupt`, in a single walk.
//
// The state at a point is the set of variables assigned on every path to it,
// or null when no path reaches it (then every variable counts as assigned).
// Along a path the set only grows, so the state at a loop head equals the
// state on entry to the loop: one pass suffices, no fixpoint. The walk also
// records which variables each part of the body reads and writes, for the
// `par` / `disrupt` rules and for the "never used" warnings.

import type { Actual, Expr, GateDecl, Pattern, Stmt, VarDecl } from "./model.js";
import type { Span } from "./source.js";
import type { RelatedInfo } from "./diagnostics.js";
import { formatMessage } from "./diagnostics.js";
import { Msg, type DiagnosticMessage } from "./diagnostic-messages.js";
import {
  type Bits,
  andInto,
  andNotInto,
  copyBits,
  emptyBits,
  forEachBit,
  fullBits,
  hasBit,
  isEmpty,
  meet,
  orInto,
  setBit,
  clearBit,
  wordsFor,
} from "./flow-bits.js";
import { firstAccess } from "./flow-access.js";

/** A diagnostic held back until the unit is done: an enclosing `par` may replace it. */
export interface PendingDiagnostic {
  readonly msg: DiagnosticMessage;
  readonly span: Span;
  readonly args: readonly (string | number)[];
  readonly related: readonly RelatedInfo[];
  /** The variable concerned, -1 for none. */
  readonly variable: number;
  dropped: boolean;
}

export interface UnitShape {
  readonly name: string;
  readonly variables: readonly VarDecl[];
  /** Gates of a process (formals, then hidden); the exceptions of a function. */
  readonly gates: readonly GateDecl[];
  /** `out` parameters: must be assigned at every return. */
  readonly outParams: readonly VarDecl[];
  /** The predefined `unexpected`, raised by run-time errors anywhere. */
  readonly unexpected: GateDecl;
}

interface TrapCollector {
  /** Meet of the states where the exception may be raised; null while none is known. */
  state: Bits | null;
}

export class AssignmentFlow {
  readonly words: number;
  /** Variables read (by the whole unit, once the walk is done). */
  reads: Bits;
  /** Variables written. */
  writes: Bits;
  readonly gatesUsed: Uint8Array;
  readonly pending: PendingDiagnostic[] = [];

  /** Variables whose reads conflict with the first part of an enclosing `disrupt`. */
  private poison: Bits | null = null;
  /** True while walking code no path reaches: no errors, no break or raise states. */
  private dead = false;
  private readonly breaks = new Map<number, Bits | null>();
  private readonly traps = new Map<GateDecl, TrapCollector>();

  constructor(private readonly unit: UnitShape) {
    this.words = wordsFor(unit.variables.length);
    this.reads = emptyBits(this.words);
    this.writes = emptyBits(this.words);
    this.gatesUsed = new Uint8Array(unit.gates.length);
  }

  // ---- variables and gates ------------------------------------------------

  /** The variable's index in this unit, or -1 for one the unit does not own. */
  private own(v: VarDecl): number {
    const i = v.index;
    return this.unit.variables[i] === v ? i : -1;
  }

  private read(v: VarDecl, span: Span, st: Bits): void {
    const i = this.own(v);
    if (i < 0) return;
    setBit(this.reads, i);
    if (this.dead || hasBit(st, i)) return;
    const shared = this.poison !== null && hasBit(this.poison, i);
    this.report(shared ? Msg.DisruptShared : Msg.Uninitialized, span, [v.name], i);
    // One report per path: later reads on it would only repeat the same cause.
    setBit(st, i);
  }

  private write(v: VarDecl, st: Bits): void {
    const i = this.own(v);
    if (i < 0) return;
    setBit(this.writes, i);
    setBit(st, i);
  }

  private useGate(g: GateDecl): void {
    const i = g.index;
    if (this.unit.gates[i] === g) this.gatesUsed[i] = 1;
  }

  /** `g` may be raised from here (raise, or an exception actual of a call). */
  private mayRaise(g: GateDecl, st: Bits): void {
    this.useGate(g);
    if (this.dead || this.traps.size === 0) return;
    const c = this.traps.get(g);
    if (c) c.state = meet(c.state, copyBits(st));
  }

  report(msg: DiagnosticMessage, span: Span, args: readonly (string | number)[], variable: number, related: readonly RelatedInfo[] = []): void {
    this.pending.push({ msg, span, args, related, variable, dropped: false });
  }

  // ---- expressions and patterns ---------------------------------------------

  expr(e: Expr, st: Bits): void {
    switch (e.kind) {
      case "var":
      case "entry":
        // `X.in` reads the parameter as the unit was called: a use of X, always assigned.
        this.read(e.variable, e.span, st);
        return;
      case "literal":
        return;
      case "call":
        for (const a of e.args) this.expr(a, st);
        for (const g of e.exceptions) this.mayRaise(g, st);
        return;
      case "ctor":
        for (const a of e.args) this.expr(a, st);
        return;
      case "collection":
        for (const a of e.elements) this.expr(a, st);
        return;
      case "field":
        this.expr(e.target, st);
        return;
      case "convert":
        this.expr(e.expr, st);
        return;
      case "update":
        this.expr(e.target, st);
        for (const u of e.updates) this.expr(u.value, st);
        return;
      case "index":
        this.expr(e.target, st);
        this.expr(e.index, st);
        return;
      case "lazy":
        this.expr(e.left, st);
        this.expr(e.right, st);
        return;
    }
  }

  /** Reads done by a pattern before it binds anything (value patterns). */
  private patternReads(p: Pattern, st: Bits): void {
    if (p.kind === "value") this.expr(p.expr, st);
    else if (p.kind === "ctor") for (const a of p.args) this.patternReads(a, st);
  }

  private patternBinds(p: Pattern, st: Bits): void {
    if (p.kind === "var") this.write(p.variable, st);
    else if (p.kind === "ctor") for (const a of p.args) this.patternBinds(a, st);
  }

  /** Actual parameters: every value is read before any out actual is written. */
  private actualReads(args: readonly Actual[], st: Bits, at: Span): void {
    for (const a of args) {
      if (a.kind === "in") this.expr(a.expr, st);
      else if (a.kind === "in out") this.read(a.variable, a.span ?? at, st);
    }
  }

  private actualWrites(args: readonly Actual[], st: Bits): void {
    for (const a of args) if (a.kind !== "in") this.write(a.variable, st);
  }

  // ---- statements -----------------------------------------------------------

  /**
   * Walks `s` from state `st` (which it may modify and return) and gives the
   * state where `s` terminates, null if it never does.
   */
  stmt(s: Stmt, st: Bits): Bits | null {
    switch (s.kind) {
      case "null":
      case "internal":
        return st;
      case "stop":
        return null;
      case "seq":
        return this.seq(s.stmts, st);
      case "assign":
        this.expr(s.value, st);
        this.write(s.variable, st);
        return st;
      case "any":
        // The `where` is evaluated on the chosen value.
        this.write(s.variable, st);
        if (s.where) this.expr(s.where, st);
        return st;
      case "call":
        this.actualReads(s.args, st, s.span);
        for (const g of s.exceptions) this.mayRaise(g, st);
        this.actualWrites(s.args, st);
        if (s.result) this.write(s.result, st);
        return st;
      case "pcall":
        for (const g of s.gates) this.mayRaise(g, st);
        this.actualReads(s.args, st, s.span);
        this.actualWrites(s.args, st);
        return st;
      case "return":
        if (s.value) this.expr(s.value, st);
        this.checkOutParams(st, s.span);
        return null;
      case "raise":
        this.mayRaise(s.exception, st);
        return null;
      case "assert":
        this.expr(s.cond, st);
        return st;
      case "var":
        // Entering the block again (in a loop) starts the variables afresh.
        for (const v of s.variables) {
          const i = this.own(v);
          if (i >= 0) clearBit(st, i);
        }
        return this.stmt(s.body, st);
      case "hide":
        return this.stmt(s.body, st);
      case "comm":
        this.useGate(s.gate);
        // Emitted values are computed before the received ones are bound; the
        // guard sees the received values.
        for (const o of s.offers) {
          if (o.kind === "emit") this.expr(o.expr, st);
          else this.patternReads(o.pattern, st);
        }
        for (const o of s.offers) if (o.kind === "receive") this.patternBinds(o.pattern, st);
        if (s.where) this.expr(s.where, st);
        return st;
      case "if":
        return this.ifStmt(s, st);
      case "case":
        return this.caseStmt(s, st);
      case "loop":
        return this.loopStmt(s, st);
      case "while": {
        this.expr(s.cond, st);
        const prev = this.openLoop(s.label?.id);
        this.stmt(s.body, copyBits(st));
        // The condition may be false at once: the exit state is the entry
        // state; `while true` is left only by break, like `loop`.
        const breaks = this.closeLoop(s.label?.id, prev);
        return s.cond.kind === "literal" && s.cond.value === true ? breaks : meet(st, breaks);
      }
      case "for":
        return this.forStmt(s, st);
      case "break":
        if (!this.dead && this.breaks.has(s.label.id)) {
          this.breaks.set(s.label.id, meet(this.breaks.get(s.label.id) ?? null, copyBits(st)));
        }
        return null;
      case "alt": {
        let out: Bits | null = null;
        const last = s.branches.length - 1;
        for (let k = 0; k <= last; k++) out = meet(out, this.stmt(s.branches[k]!, k === last ? st : copyBits(st)));
        return out;
      }
      case "trap":
        return this.trapStmt(s, st);
      case "par":
        return this.parStmt(s, st);
      case "disrupt":
        return this.disruptStmt(s, st);
    }
  }

  /** Walks code no path reaches: only to record what it uses. */
  deadWalk(s: Stmt): void {
    const saved = this.dead;
    this.dead = true;
    this.stmt(s, fullBits(this.words));
    this.dead = saved;
  }

  private seq(stmts: readonly Stmt[], st: Bits): Bits | null {
    let cur: Bits | null = st;
    for (let k = 0; k < stmts.length; k++) {
      const c = stmts[k]!;
      if (cur === null) {
        if (!this.dead) this.report(Msg.UnreachableAfter, c.span, [], -1);
        for (let m = k; m < stmts.length; m++) this.deadWalk(stmts[m]!);
        return null;
      }
      cur = this.stmt(c, cur);
    }
    return cur;
  }

  private ifStmt(s: Extract<Stmt, { kind: "if" }>, st: Bits): Bits | null {
    for (const b of s.branches) this.expr(b.cond, st);
    let out: Bits | null = null;
    for (const b of s.branches) out = meet(out, this.stmt(b.body, copyBits(st)));
    return meet(out, s.else ? this.stmt(s.else, st) : st);
  }

  private caseStmt(s: Extract<Stmt, { kind: "case" }>, st: Bits): Bits | null {
    this.expr(s.scrutinee, st);
    // A value no pattern matches is a run-time error: the case ends only
    // through one of its matches.
    let out: Bits | null = null;
    for (const m of s.matches) {
      let ms: Bits | null = null;
      for (const p of m.patterns) {
        const ps = copyBits(st);
        this.patternReads(p, ps);
        this.patternBinds(p, ps);
        ms = meet(ms, ps);
      }
      const entry = ms ?? copyBits(st);
      if (m.where) this.expr(m.where, entry);
      out = meet(out, this.stmt(m.body, entry));
    }
    return out;
  }

  private openLoop(id: number | undefined): Bits | null | undefined {
    if (id === undefined) return undefined;
    const prev = this.breaks.get(id);
    this.breaks.set(id, null);
    return prev;
  }

  /** The meet of the states at the loop's breaks (null: no break), restoring the outer entry. */
  private closeLoop(id: number | undefined, prev: Bits | null | undefined): Bits | null {
    if (id === undefined) return null;
    const out = this.breaks.get(id) ?? null;
    if (prev === undefined) this.breaks.delete(id);
    else this.breaks.set(id, prev);
    return out;
  }

  private loopStmt(s: Extract<Stmt, { kind: "loop" }>, st: Bits): Bits | null {
    const id = s.label?.id;
    const prev = this.openLoop(id);
    // The body's end state only flows back to the head, whose state it
    // contains: it adds nothing. Only `break` leaves.
    this.stmt(s.body, st);
    return this.closeLoop(id, prev);
  }

  private forStmt(s: Extract<Stmt, { kind: "for" }>, st: Bits): Bits | null {
    const head = this.stmt(s.init, st);
    if (head === null) {
      this.deadWalk({ kind: "assert", cond: s.cond, span: s.span });
      this.deadWalk(s.body);
      this.deadWalk(s.step);
      return null;
    }
    this.expr(s.cond, head);
    const id = s.label?.id;
    const prev = this.openLoop(id);
    const end = this.stmt(s.body, copyBits(head));
    if (end !== null) this.stmt(s.step, end);
    else this.deadWalk(s.step);
    return meet(head, this.closeLoop(id, prev));
  }

  private trapStmt(s: Extract<Stmt, { kind: "trap" }>, st: Bits): Bits | null {
    const entry = copyBits(st);
    const saved: [GateDecl, TrapCollector | undefined][] = [];
    const collectors: TrapCollector[] = [];
    for (const h of s.handlers) {
      this.useGate(h.exception);
      saved.push([h.exception, this.traps.get(h.exception)]);
      const c: TrapCollector = { state: null };
      this.traps.set(h.exception, c);
      collectors.push(c);
    }
    let out = this.stmt(s.body, st);
    for (let k = saved.length - 1; k >= 0; k--) {
      const [g, c] = saved[k]!;
      if (c) this.traps.set(g, c);
      else this.traps.delete(g);
    }
    for (let k = 0; k < s.handlers.length; k++) {
      const h = s.handlers[k]!;
      // `unexpected` comes from any run-time error, and a handler whose
      // exception is never raised is better checked than skipped: both start
      // from the trap's entry state.
      const raised = collectors[k]!.state;
      const hs = raised !== null && h.exception !== this.unit.unexpected ? raised : copyBits(entry);
      out = meet(out, this.stmt(h.body, hs));
    }
    return out;
  }

  private parStmt(s: Extract<Stmt, { kind: "par" }>, st: Bits): Bits | null {
    for (const g of s.gates) this.useGate(g);
    const savedR = this.reads;
    const savedW = this.writes;
    const reads: Bits[] = [];
    const writes: Bits[] = [];
    const ranges: [number, number][] = [];
    let out: Bits | null = null;
    let terminates = true;
    for (const b of s.branches) {
      if (b.gates) for (const g of b.gates) this.useGate(g);
      this.reads = emptyBits(this.words);
      this.writes = emptyBits(this.words);
      const from = this.pending.length;
      const o = this.stmt(b.body, copyBits(st));
      ranges.push([from, this.pending.length]);
      reads.push(this.reads);
      writes.push(this.writes);
      // `par` ends when every branch has; each variable is written by at most
      // one branch, so the end state is the union of the branches'.
      if (o === null) terminates = false;
      else if (out === null) out = o;
      else orInto(out, o);
    }
    this.reads = savedR;
    this.writes = savedW;
    for (let k = 0; k < reads.length; k++) {
      orInto(this.reads, reads[k]!);
      orInto(this.writes, writes[k]!);
    }
    this.checkShared(s, reads, writes, ranges);
    if (s.branches.length === 0) return st;
    return terminates ? out : null;
  }

  /** A variable written in one branch may be neither read nor written in another. */
  private checkShared(s: Extract<Stmt, { kind: "par" }>, reads: Bits[], writes: Bits[], ranges: [number, number][]): void {
    const anyWrite = emptyBits(this.words);
    const usedOnce = emptyBits(this.words);
    const usedTwice = emptyBits(this.words);
    for (let k = 0; k < reads.length; k++) {
      const used = copyBits(reads[k]!);
      orInto(used, writes[k]!);
      orInto(anyWrite, writes[k]!);
      const again = copyBits(usedOnce);
      andInto(again, used);
      orInto(usedTwice, again);
      orInto(usedOnce, used);
    }
    andInto(usedTwice, anyWrite);
    if (isEmpty(usedTwice)) return;
    forEachBit(usedTwice, (i) => {
      const v = this.unit.variables[i]!;
      const writer = writes.findIndex((w) => hasBit(w, i));
      const writeSpan = firstAccess(s.branches[writer]!.body, v, "write") ?? s.branches[writer]!.body.span;
      for (let j = 0; j < reads.length; j++) {
        if (j === writer || !(hasBit(reads[j]!, i) || hasBit(writes[j]!, i))) continue;
        const [from, to] = ranges[j]!;
        for (let k = from; k < to; k++) {
          const p = this.pending[k]!;
          if (p.variable === i && p.msg === Msg.Uninitialized) p.dropped = true;
        }
        const useSpan = firstAccess(s.branches[j]!.body, v, "use") ?? s.branches[j]!.body.span;
        this.report(Msg.SharedVariable, useSpan, [v.name], i, [
          { message: formatMessage(Msg.WrittenHere.text, [v.name]), span: writeSpan },
        ]);
      }
    });
  }

  private disruptStmt(s: Extract<Stmt, { kind: "disrupt" }>, st: Bits): Bits | null {
    const savedR = this.reads;
    const savedW = this.writes;
    this.reads = emptyBits(this.words);
    this.writes = emptyBits(this.words);
    const o1 = this.stmt(s.body, copyBits(st));
    const w1 = this.writes;
    orInto(savedR, this.reads);
    orInto(savedW, w1);
    this.reads = savedR;
    this.writes = savedW;
    // The interrupting part may start at any point of the first, so what the
    // first writes has no definite value there: reading it before assigning
    // it is an error (reported as DisruptShared through `poison`).
    const st2 = copyBits(st);
    andNotInto(st2, w1);
    const savedPoison = this.poison;
    if (savedPoison) {
      const p = copyBits(savedPoison);
      orInto(p, w1);
      this.poison = p;
    } else {
      this.poison = w1;
    }
    const o2 = this.stmt(s.by, st2);
    this.poison = savedPoison;
    if (o2 !== null) {
      // Variables assigned before the disrupt still hold a value at its end.
      const kept = copyBits(st);
      andInto(kept, w1);
      orInto(o2, kept);
    }
    return meet(o1, o2);
  }

  /** At a return (or the end of a procedure): every `out` parameter must be assigned. */
  checkOutParams(st: Bits, at: Span): void {
    if (this.dead) return;
    for (const p of this.unit.outParams) {
      const i = this.own(p);
      if (i >= 0 && !hasBit(st, i)) this.report(Msg.OutParamUnassigned, at, [p.name, this.unit.name], i);
    }
  }
}
