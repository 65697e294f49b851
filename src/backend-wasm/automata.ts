// Task automata: lowers the sequential behaviour of a task (or the body of a
// function) to blocks of plain code joined by terminators. A `stable`
// terminator is a state where the task waits: it lists the offers (gate, per
// position a value to emit or a pattern to receive, the guard) and where each
// leads. Process calls become instances (the callee's variables for one
// continuation): a tail call is a jump with parameter passing, so tail
// recursion loops in place; a non-tail call is inlined with its continuation.

import type { Expr, FunctionDecl, GateDecl, Offer, Pattern, ProcessDecl, Stmt, VarDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import { Msg, type DiagnosticMessage } from "../frontend/diagnostic-messages.js";

/** A user-facing error found while lowering; the driver turns it into a diagnostic. */
export class BackendError extends Error {
  constructor(readonly msg: DiagnosticMessage, readonly span: Span | undefined, readonly args: readonly (string | number)[]) {
    super(args.join(" "));
  }
}

/** The variables of one process (or function) for one continuation. */
export interface Instance {
  readonly id: number;
  readonly owner: ProcessDecl | FunctionDecl;
}

export type Instr =
  | { readonly kind: "assign"; readonly inst: Instance; readonly variable: VarDecl; readonly value: Expr }
  /** Simultaneous assignment of `to`'s parameters from expressions over `from`'s variables. */
  | { readonly kind: "pass"; readonly from: Instance; readonly to: Instance; readonly pairs: readonly { readonly variable: VarDecl; readonly value: Expr }[] }
  | { readonly kind: "call"; readonly inst: Instance; readonly stmt: Extract<Stmt, { kind: "call" }> }
  /** A run-time check: `assert`, or (with `failure`) a process's `require` clause at a call or `ensure` clause at its end. */
  | { readonly kind: "assert"; readonly inst: Instance; readonly cond: Expr; readonly span: Span; readonly failure?: { readonly msg: DiagnosticMessage; readonly args: readonly string[] } };

export interface Cond {
  readonly inst: Instance;
  readonly expr: Expr;
  readonly negate: boolean;
}

/** The pseudo-gate of a termination alternative (`alt null [] G end alt` at a task's end). */
export const EXIT_GATE = -2;

export interface OfferIR {
  readonly inst: Instance;
  /** Run-time gate, -1 for the internal action `i`, EXIT_GATE for termination. */
  readonly gate: number;
  readonly offers: readonly Offer[];
  readonly where: Expr | undefined;
  /** Conditions (from `if`s before the action in an `alt` branch) evaluated when the state is entered. */
  readonly conds: readonly Cond[];
  readonly to: number;
  readonly span: Span;
  /** An offer of the interrupting behaviour of an enclosing `disrupt`. */
  readonly disrupt?: boolean;
}

export type Term =
  | { readonly kind: "goto"; readonly to: number }
  | { readonly kind: "if"; readonly inst: Instance; readonly cond: Expr; readonly then: number; readonly else: number }
  | { readonly kind: "case"; readonly inst: Instance; readonly scrutinee: Expr; readonly arms: readonly { readonly patterns: readonly Pattern[]; readonly where: Expr | undefined; readonly to: number }[]; readonly span: Span }
  | { readonly kind: "return"; readonly inst: Instance; readonly value: Expr | undefined }
  | { readonly kind: "stable"; readonly offers: readonly OfferIR[] }
  | { readonly kind: "any"; readonly inst: Instance; readonly variable: VarDecl; readonly where: Expr | undefined; readonly to: number; readonly span: Span }
  /**
   * An `alt` whose branches run code before their first action: each branch is run
   * speculatively from its entry on a copy of the task's variables, and each offer it
   * reaches keeps the copy (a snapshot) that its firing resumes from.
   */
  | { readonly kind: "specalt"; readonly branches: readonly number[]; readonly disrupts: readonly OfferIR[] }
  | { readonly kind: "stop" }
  | { readonly kind: "terminate" }
  /** Raises an exception no enclosing `trap` of this code handles by name: on to `dispatch`, else out. */
  | { readonly kind: "raise"; readonly exception: GateDecl; readonly span: Span }
  /** The handlers of a `trap`, selected by the raised exception's run-time id. */
  | { readonly kind: "dispatch"; readonly handlers: readonly { readonly exception: GateDecl; readonly to: number }[] }
  /** A function that ends without `return`. */
  | { readonly kind: "noreturn"; readonly owner: FunctionDecl };

export interface Block {
  readonly id: number;
  readonly instrs: Instr[];
  term: Term;
  readonly span: Span | undefined;
  /**
   * Where a raised exception goes from this block: the `dispatch` block of the innermost
   * enclosing `trap`, or undefined (out of the function, or uncaught in a task).
   */
  readonly dispatch: number | undefined;
}

export interface Automaton {
  readonly blocks: Block[];
  readonly instances: Instance[];
  readonly entry: number;
}

interface Ctx {
  readonly inst: Instance;
  readonly env: ReadonlyMap<GateDecl, number>;
  /** Where the instance goes when its body terminates. */
  readonly exit: number;
  readonly breaks: ReadonlyMap<number, number>;
  /** Processes being lowered, for the non-tail recursion check. */
  readonly stack: readonly ProcessDecl[];
  /** The innermost `trap`'s dispatch block, and the handlers known by name. */
  readonly dispatch: number | undefined;
  readonly handlers: ReadonlyMap<GateDecl, number>;
  /** The first offers of the interrupting behaviours of enclosing `disrupt`s: every stable state also makes them. */
  readonly disrupts: readonly OfferIR[];
  readonly disruptKey: string;
}

export interface LowerHooks {
  /** A `hide` inside a task: a new run-time gate that only this task uses. */
  hiddenGate(decl: GateDecl): number;
  taskName: string;
}

export class Lowerer {
  readonly blocks: Block[] = [];
  readonly instances: Instance[] = [];
  private readonly byKey = new Map<string, { inst: Instance; entry: number }>();

  constructor(private readonly hooks: LowerHooks | undefined) {}

  newInstance(owner: ProcessDecl | FunctionDecl): Instance {
    const inst = { id: this.instances.length, owner };
    this.instances.push(inst);
    return inst;
  }

  /** The dispatch of the code being lowered (set around `stmt`). */
  private dispatch: number | undefined = undefined;

  block(span: Span | undefined, term: Term = { kind: "stop" }, instrs: Instr[] = []): Block {
    const b: Block = { id: this.blocks.length, instrs, term, span, dispatch: this.dispatch };
    this.blocks.push(b);
    return b;
  }

  /**
   * Lowers a task: its body in `inst`, terminating the task at the end; when the
   * task is a whole called process, `ensured` is that process, whose `ensure`
   * clauses are checked before the task terminates.
   */
  lowerTask(body: Stmt, inst: Instance, env: ReadonlyMap<GateDecl, number>, stack: readonly ProcessDecl[], ensured?: ProcessDecl): number {
    let end = this.block(undefined, { kind: "terminate" }).id;
    if (ensured) end = this.ensureBlock(ensured, inst, end);
    return this.stmt(body, end, { inst, env, exit: end, breaks: new Map(), stack, dispatch: undefined, handlers: new Map(), disrupts: [], disruptKey: "" });
  }

  /**
   * The checks of `proc`'s `require` clauses once a call at `call` has set its
   * parameters in `inst`: a false one is LNT6013 at the call, as in the reference semantics.
   */
  requireChecks(proc: ProcessDecl, inst: Instance, call: Span): Instr[] {
    const failure = { msg: Msg.RequireFailed, args: [proc.name] };
    return proc.requires.map((r) => ({ kind: "assert", inst, cond: r, span: call, failure }));
  }

  /** Where `proc`, running in `inst`, goes when it ends: a check of its `ensure` clauses, then `k` (`k` itself if it has none). */
  private ensureBlock(proc: ProcessDecl, inst: Instance, k: number): number {
    if (proc.ensures.length === 0) return k;
    const failure = { msg: Msg.EnsureFailed, args: [proc.name] };
    return this.block(proc.span, { kind: "goto", to: k }, proc.ensures.map((e) => ({ kind: "assert", inst, cond: e, span: e.span, failure }))).id;
  }

  /** Silent code that precedes a composition, run by a task before its own behaviour. */
  lowerSilent(stmts: readonly Stmt[], k: number, inst: Instance): number {
    const seq: Stmt = { kind: "seq", stmts, span: stmts[0]!.span };
    return this.stmt(seq, k, { inst, env: new Map(), exit: k, breaks: new Map(), stack: [], dispatch: undefined, handlers: new Map(), disrupts: [], disruptKey: "" });
  }

  lowerFunction(fn: FunctionDecl, inst: Instance): number {
    const end = this.block(fn.span, fn.result ? { kind: "noreturn", owner: fn } : { kind: "return", inst, value: undefined });
    return this.stmt(fn.body!, end.id, { inst, env: new Map(), exit: end.id, breaks: new Map(), stack: [], dispatch: undefined, handlers: new Map(), disrupts: [], disruptKey: "" });
  }

  private goto(span: Span | undefined, to: number): number {
    return this.block(span, { kind: "goto", to }).id;
  }

  stmt(s: Stmt, k: number, c: Ctx): number {
    const saved = this.dispatch;
    this.dispatch = c.dispatch;
    try {
      return this.stmtIn(s, k, c);
    } finally {
      this.dispatch = saved;
    }
  }

  private stmtIn(s: Stmt, k: number, c: Ctx): number {
    switch (s.kind) {
      case "null":
        return k;
      case "seq": {
        let at = k;
        for (let i = s.stmts.length - 1; i >= 0; i--) at = this.stmt(s.stmts[i]!, at, c);
        return at;
      }
      case "assign":
        return this.block(s.span, { kind: "goto", to: k }, [{ kind: "assign", inst: c.inst, variable: s.variable, value: s.value }]).id;
      case "any":
        return this.block(s.span, { kind: "any", inst: c.inst, variable: s.variable, where: s.where, to: k, span: s.span }).id;
      case "call":
        return this.block(s.span, { kind: "goto", to: k }, [{ kind: "call", inst: c.inst, stmt: s }]).id;
      case "return":
        return this.block(s.span, { kind: "return", inst: c.inst, value: s.value }).id;
      case "raise": {
        const h = c.handlers.get(s.exception);
        if (h !== undefined) return this.goto(s.span, h);
        return this.block(s.span, { kind: "raise", exception: s.exception, span: s.span }).id;
      }
      case "var":
        return this.stmt(s.body, k, c);
      case "if": {
        let at = s.else ? this.stmt(s.else, k, c) : k;
        for (let i = s.branches.length - 1; i >= 0; i--) {
          const br = s.branches[i]!;
          const then = this.stmt(br.body, k, c);
          at = this.block(s.span, { kind: "if", inst: c.inst, cond: br.cond, then, else: at }).id;
        }
        return at;
      }
      case "case": {
        const arms = s.matches.map((m) => ({ patterns: m.patterns, where: m.where, to: this.stmt(m.body, k, c) }));
        return this.block(s.span, { kind: "case", inst: c.inst, scrutinee: s.scrutinee, arms, span: s.span }).id;
      }
      case "loop": {
        const head = this.block(s.span);
        const breaks = new Map(c.breaks);
        if (s.label) breaks.set(s.label.id, k);
        const body = this.stmt(s.body, head.id, { ...c, breaks });
        head.term = { kind: "goto", to: body };
        return head.id;
      }
      case "while": {
        const head = this.block(s.span);
        const breaks = new Map(c.breaks);
        if (s.label) breaks.set(s.label.id, k);
        const body = this.stmt(s.body, head.id, { ...c, breaks });
        head.term = { kind: "if", inst: c.inst, cond: s.cond, then: body, else: k };
        return head.id;
      }
      case "for": {
        const head = this.block(s.span);
        const breaks = new Map(c.breaks);
        if (s.label) breaks.set(s.label.id, k);
        const step = this.stmt(s.step, head.id, c);
        const body = this.stmt(s.body, step, { ...c, breaks });
        head.term = s.until ? { kind: "if", inst: c.inst, cond: s.cond, then: k, else: body } : { kind: "if", inst: c.inst, cond: s.cond, then: body, else: k };
        return this.stmt(s.init, head.id, c);
      }
      case "break":
        return this.goto(s.span, c.breaks.get(s.label.id)!);
      case "assert":
        return this.block(s.span, { kind: "goto", to: k }, [{ kind: "assert", inst: c.inst, cond: s.cond, span: s.span }]).id;
      case "trap": {
        const handlers = s.handlers.map((h) => ({ exception: h.exception, to: this.stmt(h.body, k, c) }));
        const d = this.block(s.span, { kind: "dispatch", handlers });
        const named = new Map(c.handlers);
        for (const h of handlers) named.set(h.exception, h.to);
        return this.stmt(s.body, k, { ...c, dispatch: d.id, handlers: named });
      }
      case "stop":
        return this.block(s.span, { kind: "stop" }).id;
      case "internal":
        return this.block(s.span, { kind: "stable", offers: [{ inst: c.inst, gate: -1, offers: [], where: undefined, conds: [], to: k, span: s.span }, ...c.disrupts] }).id;
      case "comm": {
        const gate = c.env.get(s.gate);
        if (gate === undefined) throw new BackendError(Msg.BackendUnsupported, s.span, [`an action on '${s.gate.name}' (not a gate of the task)`]);
        return this.block(s.span, { kind: "stable", offers: [{ inst: c.inst, gate, offers: s.offers, where: s.where, conds: [], to: k, span: s.span }, ...c.disrupts] }).id;
      }
      case "pcall":
        return this.pcall(s, k, c);
      case "alt": {
        const entries = s.branches.map((b) => this.stmt(b, k, c));
        const offers: OfferIR[] = [];
        try {
          for (let i = 0; i < entries.length; i++) offers.push(...this.collect(entries[i]!, [], new Set(), s.branches[i]!.span));
        } catch (err) {
          if (!(err instanceof BackendError) || err.msg !== Msg.AltPreActionCode || !this.hooks) throw err;
          return this.block(s.span, { kind: "specalt", branches: entries, disrupts: c.disrupts }).id;
        }
        return this.block(s.span, { kind: "stable", offers: [...offers.filter((o) => !o.disrupt), ...c.disrupts] }).id;
      }
      case "par":
        throw new BackendError(Msg.DynamicPar, s.span, ["par", this.hooks?.taskName ?? "?"]);
      case "hide": {
        if (!this.hooks) throw new BackendError(Msg.BackendUnsupported, s.span, ["'hide' here"]);
        const env = new Map(c.env);
        for (const g of s.gates) env.set(g, this.hooks.hiddenGate(g));
        return this.stmt(s.body, k, { ...c, env });
      }
      case "disrupt": {
        // B2 may start at any stable state of B1, until B1 terminates (then it is over)
        const by = this.stmt(s.by, k, c);
        let first: OfferIR[];
        try {
          first = this.collect(by, [], new Set(), s.by.span);
        } catch (err) {
          if (err instanceof BackendError && err.msg === Msg.AltPreActionCode) throw new BackendError(Msg.BackendUnsupported, s.by.span, ["a 'disrupt' whose interrupting behaviour computes before its first action"]);
          throw err;
        }
        const disrupts = [...c.disrupts, ...first.filter((o) => !o.disrupt).map((o) => ({ ...o, disrupt: true }))];
        return this.stmt(s.body, k, { ...c, disrupts, disruptKey: `${c.disruptKey}/${by}` });
      }
    }
  }

  private pcall(s: Extract<Stmt, { kind: "pcall" }>, k: number, c: Ctx): number {
    const callee = s.process;
    // `out` / `in out` actuals: the callee's parameters are copied back when it terminates
    const outs = s.args.flatMap((a, i) => (a.kind === "in" ? [] : [{ actual: a.variable, formal: callee.params[i]!.variable }]));
    const varExpr = (v: VarDecl): Expr => ({ kind: "var", variable: v, type: v.type, span: s.span });
    let copyBack: Block | undefined;
    if (outs.length > 0) {
      copyBack = this.block(s.span, { kind: "goto", to: k });
      k = copyBack.id;
    }
    const env = new Map(c.env);
    callee.gates.forEach((g, i) => env.set(g, c.env.get(s.gates[i]!)!));
    const key = `${callee.name}#${this.processId(callee)}|${callee.gates.map((g) => env.get(g)).join(",")}|${k}|${c.disruptKey}`;
    let target = this.byKey.get(key);
    if (!target) {
      if (c.stack.includes(callee) && k !== c.exit) throw new BackendError(Msg.NonTailRecursion, s.span, [callee.name]);
      // Each call of a process with `ensure` ends in its own check, so a
      // recursive call would unfold for ever.
      if (c.stack.includes(callee) && callee.ensures.length > 0) throw new BackendError(Msg.BackendUnsupported, s.span, [`a recursive call of process '${callee.name}', which has 'ensure' clauses,`]);
      const inst = this.newInstance(callee);
      const entry = this.block(callee.span);
      target = { inst, entry: entry.id };
      this.byKey.set(key, target);
      const end = this.ensureBlock(callee, inst, k);
      const body = this.stmt(callee.body, end, { inst, env, exit: end, breaks: new Map(), stack: [...c.stack, callee], dispatch: c.dispatch, handlers: new Map(), disrupts: c.disrupts, disruptKey: c.disruptKey });
      entry.term = { kind: "goto", to: body };
    }
    if (copyBack) copyBack.instrs.push({ kind: "pass", from: target.inst, to: c.inst, pairs: outs.map((o) => ({ variable: o.actual, value: varExpr(o.formal) })) });
    const pairs = callee.params.flatMap((p, i) => {
      const a = s.args[i]!;
      if (a.kind === "in") return [{ variable: p.variable, value: a.expr }];
      if (a.kind === "in out") return [{ variable: p.variable, value: varExpr(a.variable) }];
      return [];
    });
    // `X.in` in the callee's `ensure`: its entry value, passed like the parameter itself.
    for (const ec of callee.entryCopies) {
      const pair = pairs.find((x) => x.variable === ec.param);
      if (pair) pairs.push({ variable: ec.copy, value: pair.value });
    }
    // the callee's `require` clauses, over the parameters just passed, at every call
    return this.block(s.span, { kind: "goto", to: target.entry }, [{ kind: "pass", from: c.inst, to: target.inst, pairs }, ...this.requireChecks(callee, target.inst, s.span)]).id;
  }

  private readonly ids = new Map<ProcessDecl, number>();
  private processId(p: ProcessDecl): number {
    let n = this.ids.get(p);
    if (n === undefined) this.ids.set(p, (n = this.ids.size));
    return n;
  }

  /** The offers an `alt` branch starting at `loc` makes, through the silent jumps and tests before its first action. */
  private collect(loc: number, conds: readonly Cond[], seen: Set<number>, span: Span): OfferIR[] {
    if (seen.has(loc)) throw new BackendError(Msg.AltPreActionCode, span, ["a loop without action"]);
    seen.add(loc);
    const b = this.blocks[loc]!;
    if (b.instrs.length > 0) {
      const what = b.instrs[0]!.kind === "pass" ? "a process call" : "an assignment or call";
      throw new BackendError(Msg.AltPreActionCode, b.span ?? span, [what]);
    }
    const t = b.term;
    switch (t.kind) {
      case "goto":
        return this.collect(t.to, conds, seen, span);
      case "if":
        return [
          ...this.collect(t.then, [...conds, { inst: t.inst, expr: t.cond, negate: false }], new Set(seen), span),
          ...this.collect(t.else, [...conds, { inst: t.inst, expr: t.cond, negate: true }], new Set(seen), span),
        ];
      case "stable":
        return t.offers.map((o) => ({ ...o, conds: [...conds, ...o.conds] }));
      case "stop":
        return [];
      case "any":
        throw new BackendError(Msg.AltPreActionCode, t.span, ["'X := any T'"]);
      case "specalt":
        throw new BackendError(Msg.AltPreActionCode, b.span ?? span, ["an 'alt' with code before its actions"]);
      case "case":
        throw new BackendError(Msg.AltPreActionCode, t.span, ["a 'case'"]);
      case "terminate":
        // termination as one choice: an exit offer, which only the end of the whole run takes
        return [{ inst: this.instances[0]!, gate: EXIT_GATE, offers: [], where: undefined, conds, to: loc, span }];
      case "return":
        throw new BackendError(Msg.AltPreActionCode, b.span ?? span, ["termination"]);
      case "raise":
        throw new BackendError(Msg.AltPreActionCode, t.span, ["'raise'"]);
      case "dispatch":
        throw new BackendError(Msg.AltPreActionCode, b.span ?? span, ["a 'trap'"]);
      case "noreturn":
        throw new BackendError(Msg.AltPreActionCode, span, ["termination"]);
    }
  }
}
