// The LTS semantics of LNT behaviours: the state of a running process, the
// transitions LNT's semantics allows from it, and the canonical key of a
// state. This is lntc's oracle: it works on the checked model directly and
// knows nothing of any compiler lowering.
//
// A state is a tree of threads. A thread is a sequential process: the
// process it runs, its variable frame, its gate environment (formal gate ->
// run-time gate) and a continuation stack. A thread that reached a `par`,
// `hide` or `disrupt` waits on a sub-construct whose parts are threads.
// Deterministic silent steps (assignments, `if`, `case`, loops, calls, the
// start of `par`...) are run eagerly by `normalise`, so a stored state always
// stands at an action, a choice (`alt`, `any`), `stop`, or termination.
//
// Transitions come from `moves`: a move is a gate with one slot per offer
// (the value if some party emits it, else the type to enumerate) and a
// `commit` that binds the received values, checks every guard and returns
// the successor. `par` combines its branches' moves into multi-party moves;
// values are only chosen (negotiated) where no more parties can join: at a
// `hide` of the gate and at the root. Termination (LOTOS's delta) is a move
// too, but an invisible one: it lets `par` end when all branches end and a
// sequence continue after a construct; at the root it yields no transition.

import type { GateDecl, LoopLabel, ProcessDecl, Stmt, TypeDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import { InternalError } from "../frontend/diagnostics.js";
import { LntRuntimeError, equals, formatLabel, keyOf, type Value } from "./values.js";
import { Raise, checkEnsures, evalExpr, execCall, matchPattern, selectMatch, valuesOf, type ExcEnv, type Frame } from "./evaluate.js";
import { intersect, livenessOf, minus, writesOf, type VarSet } from "./liveness.js";

type S<K extends Stmt["kind"]> = Extract<Stmt, { kind: K }>;

/** Stands for the target of a `break` where an exception's gate would be. */
const BREAK_TARGET: GateDecl = { name: "break", span: undefined, channel: "exit", isException: false, index: -2 };

/**
 * A `break` that leaves a part of a `hide` or `disrupt` (the checker forbids
 * leaving a `par` branch): the waiting thread abandons the construct, as it
 * does for an exception, then leaves its loop. The part runs on a copy of the
 * waiting thread's frame, so its frame, carried here, replaces the waiter's.
 */
class BreakOut extends Raise {
  constructor(readonly label: LoopLabel, span: Span, readonly frame: Frame) {
    super(BREAK_TARGET, span);
  }
}

// ---------------------------------------------------------------------------
// Continuations

const EXEC = 0; // run the statement
const SEQ = 1; // run stmts[i..] of a sequence
const LOOP = 2; // a loop's body just ended: go round again
const COND = 3; // test a while / for condition
const TRAP = 4; // a trap's body is running: its handlers are active
const RET = 5; // a called process is running: return into the caller

// `code` is the item's part of a state key (items other than RET are shared singletons).
interface ExecItem { readonly op: 0; readonly s: Stmt; readonly code: string }
interface SeqItem { readonly op: 1; readonly s: S<"seq">; readonly i: number; readonly code: string }
interface LoopItem { readonly op: 2; readonly s: S<"loop"> | S<"while"> | S<"for">; readonly code: string }
interface CondItem { readonly op: 3; readonly s: S<"while"> | S<"for">; readonly code: string }
interface TrapItem { readonly op: 4; readonly s: S<"trap">; readonly code: string }
interface RetItem {
  readonly op: 5;
  readonly proc: ProcessDecl;
  readonly frame: Frame;
  readonly genv: readonly GateDecl[];
  /** [callee variable, caller variable] of `out` / `in out` parameters. */
  readonly outs: readonly (readonly [number, number])[];
  readonly call: S<"pcall">;
}
type Item = ExecItem | SeqItem | LoopItem | CondItem | TrapItem | RetItem;

const execItems = new WeakMap<Stmt, ExecItem>();
function exec(s: Stmt): ExecItem {
  let it = execItems.get(s);
  if (!it) {
    it = { op: EXEC, s, code: `e${idOf(s)}` };
    execItems.set(s, it);
  }
  return it;
}
const seqItems = new WeakMap<Stmt, SeqItem[]>();
function seqItem(s: S<"seq">, i: number): SeqItem {
  let a = seqItems.get(s);
  if (!a) {
    a = s.stmts.map((_x, j) => ({ op: SEQ, s, i: j, code: `s${idOf(s)}.${j}` }) as SeqItem);
    seqItems.set(s, a);
  }
  return a[i]!;
}
const loopItems = new WeakMap<Stmt, LoopItem>();
function loopItem(s: S<"loop"> | S<"while"> | S<"for">): LoopItem {
  let it = loopItems.get(s);
  if (!it) {
    it = { op: LOOP, s, code: `l${idOf(s)}` };
    loopItems.set(s, it);
  }
  return it;
}
const condItems = new WeakMap<Stmt, CondItem>();
function condItem(s: S<"while"> | S<"for">): CondItem {
  let it = condItems.get(s);
  if (!it) {
    it = { op: COND, s, code: `c${idOf(s)}` };
    condItems.set(s, it);
  }
  return it;
}
const trapItems = new WeakMap<Stmt, TrapItem>();
function trapItem(s: S<"trap">): TrapItem {
  let it = trapItems.get(s);
  if (!it) {
    it = { op: TRAP, s, code: `t${idOf(s)}` };
    trapItems.set(s, it);
  }
  return it;
}

// ---------------------------------------------------------------------------
// Threads and sub-constructs

export interface Thread {
  readonly proc: ProcessDecl;
  /** Never mutated once in a Thread: copy on write. */
  readonly frame: Frame;
  /** Run-time gate for each of proc's gates ++ hiddenGates, by GateDecl.index. */
  readonly genv: readonly GateDecl[];
  /** Top at the end. */
  readonly k: readonly Item[];
  readonly sub: Sub | undefined;
  /**
   * For a part of a `par`, `hide` or `disrupt`: the variables it writes that
   * are read after the construct, copied into the waiting thread when it
   * ends. Null when none (then the part's frame may be dropped by a tail call).
   */
  readonly keep: VarSet | null;
  /** A part of a sub-construct (not the root): an exception it does not catch aborts the construct and goes on in the waiting thread. */
  readonly part: boolean;
  /** Caches, filled on demand: a thread is immutable, so its key and moves never change. */
  key: string | undefined;
  /** The key generation `key` belongs to (see resetKeys). */
  keyGen: number;
  mv: Move[] | undefined;
}

function mk(proc: ProcessDecl, frame: Frame, genv: readonly GateDecl[], k: readonly Item[], sub: Sub | undefined, keep: VarSet | null, part: boolean): Thread {
  return { proc, frame, genv, k, sub, keep, part, key: undefined, keyGen: 0, mv: undefined };
}

function derive(t: Thread, c: { frame?: Frame; k?: readonly Item[]; sub?: Sub | undefined }): Thread {
  return mk(t.proc, c.frame ?? t.frame, t.genv, c.k ?? t.k, "sub" in c ? c.sub : t.sub, t.keep, t.part);
}

export type Sub =
  | { readonly kind: "par"; readonly stmt: S<"par">; readonly branches: readonly Thread[] }
  | { readonly kind: "hide"; readonly stmt: S<"hide">; readonly body: Thread }
  | { readonly kind: "disrupt"; readonly stmt: S<"disrupt">; readonly body: Thread; readonly by: Thread }
  /** The `by` part of a disrupt after it took over. */
  | { readonly kind: "took"; readonly stmt: S<"disrupt">; readonly body: Thread };

/** A transition offered by part of a state, before values are chosen. */
export interface Move {
  /** The run-time gate; null for `i` (or a hidden gate's action); "exit" for termination. */
  readonly gate: GateDecl | null | "exit";
  readonly slots: readonly Slot[];
  /** Binds received values and checks every guard: the successor, or null when a guard or a pattern refuses. */
  commit(values: readonly Value[]): Thread | null;
}

export interface Slot {
  /** The value when a party emits it (all emitting parties agree). */
  readonly v: Value | undefined;
  readonly type: TypeDecl;
  readonly span: Span;
}

const allGatesCache = new WeakMap<ProcessDecl, readonly GateDecl[]>();
function allGates(p: ProcessDecl): readonly GateDecl[] {
  let a = allGatesCache.get(p);
  if (!a) {
    a = [...p.gates, ...p.hiddenGates];
    allGatesCache.set(p, a);
  }
  return a;
}

function rgate(proc: ProcessDecl, genv: readonly GateDecl[], g: GateDecl): GateDecl {
  const all = allGates(proc);
  return all[g.index] === g ? (genv[g.index] ?? g) : g;
}

const excCache = new WeakMap<readonly GateDecl[], Map<GateDecl, GateDecl>>();
function excEnv(proc: ProcessDecl, genv: readonly GateDecl[]): ExcEnv {
  let m = excCache.get(genv);
  if (!m) {
    m = new Map();
    allGates(proc).forEach((g, i) => m!.set(g, genv[i] ?? g));
    excCache.set(genv, m);
  }
  return m;
}

function keepOf(proc: ProcessDecl, construct: Stmt, part: Stmt): VarSet | null {
  const after = livenessOf(proc).after.get(construct) ?? [];
  const k = intersect(writesOf(part), after);
  return k.length === 0 ? null : k;
}

export function isTerminated(t: Thread): boolean {
  return t.k.length === 0 && t.sub === undefined;
}

// ---------------------------------------------------------------------------
// The initial state

export function initialThread(root: ProcessDecl, args: readonly Value[]): Thread {
  const frame: Frame = new Array(root.variables.length);
  root.params.forEach((p, i) => {
    frame[p.variable.index] = args[i];
  });
  try {
    return normalise(mk(root, frame, allGates(root), [exec(root.body)], undefined, null, false));
  } catch (err) {
    if (err instanceof Raise) throw new LntRuntimeError(Msg.ExceptionNotCaught, err.span, [err.gate.name]);
    throw err;
  }
}

// ---------------------------------------------------------------------------
// Silent deterministic steps

const SILENT_BUDGET = 5_000_000;

/** Runs deterministic silent steps until the thread stands at an action, a choice, `stop`, termination or a pending sub-construct. */
export function normalise(t: Thread, raised?: Raise): Thread {
  let proc = t.proc;
  let frame = t.frame;
  let genv = t.genv;
  let k = t.k as Item[];
  let sub = t.sub;
  let owned = false;
  const own = (): void => {
    if (!owned) {
      frame = frame.slice();
      k = k.slice();
      owned = true;
    }
  };
  let budget = SILENT_BUDGET;
  let lastSpan: Span | undefined;
  const exc = (): ExcEnv => excEnv(proc, genv);

  const unwind = (r: Raise): void => {
    own();
    if (r instanceof BreakOut) {
      frame = r.frame.slice();
      leave(r.label, r.span);
      return;
    }
    while (k.length > 0) {
      const it = k.pop()!;
      if (it.op === TRAP) {
        const h = it.s.handlers.find((x) => rgate(proc, genv, x.exception) === r.gate);
        if (h) {
          k.push(exec(h.body));
          return;
        }
      } else if (it.op === RET) {
        proc = it.proc;
        frame = it.frame.slice();
        genv = it.genv;
      }
    }
    // Out of a part of a construct: the waiting thread takes it over.
    if (t.part) throw r;
    throw new LntRuntimeError(Msg.ExceptionNotCaught, r.span, [r.gate.name]);
  };

  /** Pops the continuation up to and including the loop labelled `label`. */
  function leave(label: LoopLabel, at: Span): void {
    for (;;) {
      const top = k.pop();
      if (!top) {
        if (t.part) throw new BreakOut(label, at, frame);
        throw new InternalError(`'break ${label.name}' outside its loop`, at);
      }
      if ((top.op === LOOP || top.op === COND) && top.s.label?.id === label.id) return;
      if (top.op === RET) {
        proc = top.proc;
        frame = top.frame.slice();
        genv = top.genv;
      }
    }
  }

  // An exception raised while the offers of an action were evaluated.
  if (raised) unwind(raised);
  for (;;) {
    if (--budget < 0) throw new LntRuntimeError(Msg.SilentLoop, lastSpan);
    if (sub) {
      const done = joinable(sub);
      if (!done) break;
      own();
      for (const part of done) mergeKeep(frame, part);
      sub = undefined;
      continue;
    }
    if (k.length === 0) break;
    const it = k[k.length - 1]!;
    try {
      switch (it.op) {
        case SEQ: {
          own();
          k.pop();
          if (it.i + 1 < it.s.stmts.length) k.push(seqItem(it.s, it.i + 1));
          k.push(exec(it.s.stmts[it.i]!));
          continue;
        }
        case LOOP: {
          own();
          const s = it.s;
          if (s.kind === "loop") k.push(exec(s.body));
          else if (s.kind === "while") k[k.length - 1] = condItem(s);
          else {
            k[k.length - 1] = condItem(s);
            k.push(exec(s.step));
          }
          continue;
        }
        case COND: {
          own();
          const s = it.s;
          const c = evalExpr(s.cond, frame, exc()) === true;
          const go = s.kind === "for" && s.until ? !c : c;
          if (go) {
            k[k.length - 1] = loopItem(s);
            k.push(exec(s.body));
          } else k.pop();
          continue;
        }
        case TRAP:
          own();
          k.pop();
          continue;
        case RET: {
          checkEnsures(proc, frame, exc());
          own();
          k.pop();
          const callee = frame;
          frame = it.frame.slice();
          for (const [from, to] of it.outs) frame[to] = callee[from];
          proc = it.proc;
          genv = it.genv;
          continue;
        }
        default:
          break;
      }
      const s = it.s;
      lastSpan = s.span;
      switch (s.kind) {
        case "null":
          own();
          k.pop();
          continue;
        case "seq":
          own();
          k.pop();
          if (s.stmts.length > 1) k.push(seqItem(s, 1));
          if (s.stmts.length > 0) k.push(exec(s.stmts[0]!));
          continue;
        case "assign": {
          const v = evalExpr(s.value, frame, exc());
          own();
          frame[s.variable.index] = v;
          k.pop();
          continue;
        }
        case "call":
          own();
          execCall(s, frame, exc());
          k.pop();
          continue;
        case "return":
          throw new InternalError("'return' in a process", s.span);
        case "raise":
          throw new Raise(rgate(proc, genv, s.exception), s.span);
        case "var":
          own();
          k.pop();
          for (const v of s.variables) frame[v.index] = undefined;
          k.push(exec(s.body));
          continue;
        case "if": {
          let body: Stmt | undefined = s.else;
          for (const b of s.branches) {
            if (evalExpr(b.cond, frame, exc()) === true) {
              body = b.body;
              break;
            }
          }
          own();
          k.pop();
          if (body) k.push(exec(body));
          continue;
        }
        case "case": {
          const v = evalExpr(s.scrutinee, frame, exc());
          own();
          const body = selectMatch(s, v, frame, exc());
          k.pop();
          k.push(exec(body));
          continue;
        }
        case "loop":
          own();
          k[k.length - 1] = loopItem(s);
          k.push(exec(s.body));
          continue;
        case "while":
          own();
          k[k.length - 1] = condItem(s);
          continue;
        case "for":
          own();
          k[k.length - 1] = condItem(s);
          k.push(exec(s.init));
          continue;
        case "break":
          own();
          leave(s.label, s.span);
          continue;
        case "assert":
          if (evalExpr(s.cond, frame, exc()) !== true) throw new LntRuntimeError(Msg.AssertFailed, s.span);
          own();
          k.pop();
          continue;
        case "trap":
          own();
          k[k.length - 1] = trapItem(s);
          k.push(exec(s.body));
          continue;
        case "pcall": {
          const callee = s.process;
          const nf: Frame = new Array(callee.variables.length);
          const outs: [number, number][] = [];
          const e = exc();
          s.args.forEach((a, i) => {
            const formal = callee.params[i]!.variable.index;
            if (a.kind === "in") nf[formal] = evalExpr(a.expr, frame, e);
            else {
              if (a.kind === "in out") nf[formal] = frame[a.variable.index];
              outs.push([formal, a.variable.index]);
            }
          });
          const ngenv: GateDecl[] = allGates(callee).slice();
          s.gates.forEach((g, i) => {
            ngenv[i] = rgate(proc, genv, g);
          });
          const calleeExc = excEnv(callee, ngenv);
          for (const r of callee.requires) if (evalExpr(r, nf, calleeExc) !== true) throw new LntRuntimeError(Msg.RequireFailed, s.span, [callee.name]);
          for (const c of callee.entryCopies) nf[c.copy.index] = nf[c.param.index];
          own();
          k.pop();
          const top = k[k.length - 1];
          // A call that ends its caller reuses the caller's return, unless one of
          // the two has `ensure` clauses, checked on its own frame when it ends.
          const tail = callee.ensures.length === 0 && proc.ensures.length === 0 &&
            (top === undefined ? t.keep === null : top.op === RET && top.outs.length === 0);
          if (!tail) k.push({ op: RET, proc, frame, genv, outs, call: s });
          proc = callee;
          frame = nf;
          genv = ngenv;
          k.push(exec(callee.body));
          continue;
        }
        case "par": {
          own();
          k.pop();
          const branches = s.branches.map((b) =>
            normalise(mk(proc, frame, genv, [exec(b.body)], undefined, keepOf(proc, s, b.body), true)),
          );
          owned = false;
          sub = { kind: "par", stmt: s, branches };
          continue;
        }
        case "hide": {
          own();
          k.pop();
          const body = normalise(mk(proc, frame, genv, [exec(s.body)], undefined, keepOf(proc, s, s.body), true));
          owned = false;
          sub = { kind: "hide", stmt: s, body };
          continue;
        }
        case "disrupt": {
          own();
          k.pop();
          const body = normalise(mk(proc, frame, genv, [exec(s.body)], undefined, keepOf(proc, s, s.body), true));
          const by = normalise(mk(proc, frame, genv, [exec(s.by)], undefined, keepOf(proc, s, s.by), true));
          owned = false;
          sub = { kind: "disrupt", stmt: s, body, by };
          continue;
        }
        default:
          // alt, any, comm, internal, stop: a point of choice or action.
          break;
      }
      break;
    } catch (err) {
      if (err instanceof Raise) {
        unwind(err);
        continue;
      }
      throw err;
    }
  }
  if (!owned && sub === t.sub && proc === t.proc && genv === t.genv && k === t.k) return t;
  return mk(proc, frame, genv, k, sub, t.keep, t.part);
}

/** The finished parts of a sub-construct that ends silently now, or undefined. */
function joinable(sub: Sub): readonly Thread[] | undefined {
  switch (sub.kind) {
    case "par":
      return sub.branches.every(isTerminated) ? sub.branches : undefined;
    case "hide":
    case "took":
      return isTerminated(sub.body) ? [sub.body] : undefined;
    case "disrupt":
      // Termination is silent and immediate: once the body has ended, `by`
      // can no longer start (see docs/semantics.md).
      return isTerminated(sub.body) ? [sub.body] : undefined;
  }
}

function mergeKeep(frame: Frame, part: Thread): void {
  if (!part.keep) return;
  for (const v of part.keep) frame[v] = part.frame[v];
}

function withTop(t: Thread, it: Item | undefined): Thread {
  const k = t.k.slice(0, -1);
  if (it) k.push(it);
  return derive(t, { k });
}

/** The waiting thread after its sub-construct ended with these parts. */
function joined(t: Thread, parts: readonly Thread[]): Thread {
  const frame = t.frame.slice();
  for (const p of parts) mergeKeep(frame, p);
  return normalise(derive(t, { frame, sub: undefined }));
}

// ---------------------------------------------------------------------------
// Moves

const MAX_CHOICE_DEPTH = 400;

export function moves(t: Thread, depth = 0): Move[] {
  if (t.mv) return t.mv;
  try {
    return (t.mv = movesOf(t, depth));
  } catch (err) {
    // Offers, `any ... where` and guards are evaluated before the action: an
    // exception they raise is raised by the statement, which is replaced.
    if (err instanceof Raise && t.k.length > 0 && !t.sub) return moves(normalise(withTop(t, undefined), err), depth + 1);
    // Raised by a part of the sub-construct while its moves were computed: the construct is abandoned.
    if (err instanceof Raise && t.sub) return moves(normalise(derive(t, { sub: undefined }), err), depth + 1);
    throw err;
  }
}

function movesOf(t: Thread, depth: number): Move[] {
  if (depth > MAX_CHOICE_DEPTH) throw new LntRuntimeError(Msg.UnguardedRecursion, t.proc.span, [t.proc.name]);
  if (t.sub) return subMoves(t, t.sub, depth);
  if (t.k.length === 0) return [{ gate: "exit", slots: [], commit: () => t }];
  const it = t.k[t.k.length - 1]!;
  if (it.op !== EXEC) return moves(normalise(t), depth + 1);
  const s = it.s;
  const exc = excEnv(t.proc, t.genv);
  switch (s.kind) {
    case "stop":
      return [];
    case "internal": {
      const next = withTop(t, undefined);
      return [{ gate: null, slots: [], commit: () => normalise(next) }];
    }
    case "alt": {
      const out: Move[] = [];
      for (const b of s.branches) out.push(...moves(normalise(withTop(t, exec(b))), depth + 1));
      return out;
    }
    case "any": {
      const vals = valuesOf(s.variable.type);
      if (!vals) throw new LntRuntimeError(Msg.InfiniteAny, s.span, [s.variable.name, s.variable.type.name]);
      const out: Move[] = [];
      for (const v of vals) {
        const frame = t.frame.slice();
        frame[s.variable.index] = v;
        if (s.where && evalExpr(s.where, frame, exc) !== true) continue;
        out.push(...moves(normalise(derive(withTop(t, undefined), { frame })), depth + 1));
      }
      return out;
    }
    case "comm": {
      const slots: Slot[] = s.offers.map((o) => {
        if (o.kind === "emit") return { v: evalExpr(o.expr, t.frame, exc), type: o.expr.type, span: o.expr.span };
        const p = o.pattern;
        if (p.kind === "value") return { v: evalExpr(p.expr, t.frame, exc), type: p.type, span: p.span };
        return { v: undefined, type: p.type, span: p.span };
      });
      const after = withTop(t, undefined);
      return [
        {
          gate: rgate(t.proc, t.genv, s.gate),
          slots,
          commit(values) {
            let frame = t.frame;
            let copied = false;
            for (let j = 0; j < s.offers.length; j++) {
              const o = s.offers[j]!;
              if (o.kind !== "receive") continue;
              if (o.pattern.kind === "any") continue;
              if (!copied) {
                frame = frame.slice();
                copied = true;
              }
              if (!matchPattern(o.pattern, values[j]!, frame, exc)) return null;
            }
            try {
              if (s.where && evalExpr(s.where, frame, exc) !== true) return null;
            } catch (err) {
              if (err instanceof Raise) throw new LntRuntimeError(Msg.ExceptionNotCaught, err.span, [err.gate.name]);
              throw err;
            }
            return normalise(derive(after, { frame }));
          },
        },
      ];
    }
    default:
      return moves(normalise(t), depth + 1);
  }
}

function wrapMove(owner: Thread, m: Move, rebuild: (part: Thread) => Thread): Move {
  return {
    gate: m.gate,
    slots: m.slots,
    commit(values) {
      let r: Thread | null;
      try {
        r = m.commit(values);
      } catch (err) {
        if (err instanceof Raise) return abandon(owner, err);
        throw err;
      }
      return r ? normalise(rebuild(r)) : null;
    },
  };
}

/** An exception left a part of the owner's sub-construct: the construct ends and the owner unwinds. */
function abandon(owner: Thread, r: Raise): Thread {
  return normalise(derive(owner, { sub: undefined }), r);
}

/** Merges the slots of synchronising moves; undefined when they cannot agree. */
function mergeSlots(a: readonly Slot[], b: readonly Slot[]): readonly Slot[] | undefined {
  if (a.length !== b.length) return undefined;
  let out: Slot[] | undefined;
  for (let j = 0; j < a.length; j++) {
    const x = a[j]!;
    const y = b[j]!;
    if (x.type !== y.type) return undefined;
    if (y.v === undefined) continue;
    if (x.v !== undefined) {
      if (!equals(x.v, y.v)) return undefined;
      continue;
    }
    out ??= a.slice();
    out[j] = y;
  }
  return out ?? a;
}

function subsets(xs: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === n) {
      out.push(acc.slice());
      return;
    }
    for (let i = start; i < xs.length; i++) {
      acc.push(xs[i]!);
      rec(i + 1, acc);
      acc.pop();
    }
  };
  rec(0, []);
  return out;
}

function subMoves(t: Thread, sub: Sub, depth: number): Move[] {
  const out: Move[] = [];
  switch (sub.kind) {
    case "par": {
      const s = sub.stmt;
      const iface = interfaces(s, t.proc, t.genv);
      const n = sub.branches.length;
      const exits: Move[][] = [];
      const byGate = new Map<GateDecl, Move[][]>();
      for (let i = 0; i < n; i++) {
        exits.push([]);
        for (const m of moves(sub.branches[i]!, depth + 1)) {
          if (m.gate === "exit") exits[i]!.push(m);
          else if (m.gate === null || !iface[i]!.has(m.gate)) {
            const idx = i;
            out.push(wrapMove(t, m, (b) => derive(t, { sub: { ...sub, branches: replaceAt(sub.branches, idx, b) } })));
          } else {
            let per = byGate.get(m.gate);
            if (!per) {
              per = Array.from({ length: n }, () => []);
              byGate.set(m.gate, per);
            }
            per[i]!.push(m);
          }
        }
      }
      for (const [g, per] of byGate) {
        const participants: number[] = [];
        for (let i = 0; i < n; i++) if (iface[i]!.has(g)) participants.push(i);
        const groups = s.count !== undefined ? subsets(participants, s.count) : [participants];
        for (const group of groups) {
          if (group.some((j) => per[j]!.length === 0)) continue;
          combine(group, per, 0, [], undefined, (chosen, slots) => {
            out.push({
              gate: g,
              slots,
              commit(values) {
                const branches = sub.branches.slice();
                try {
                  for (let c = 0; c < group.length; c++) {
                    const r = chosen[c]!.commit(values);
                    if (!r) return null;
                    branches[group[c]!] = r;
                  }
                } catch (err) {
                  if (err instanceof Raise) return abandon(t, err);
                  throw err;
                }
                return normalise(derive(t, { sub: { ...sub, branches } }));
              },
            });
          });
        }
      }
      if (exits.every((e) => e.length > 0)) {
        const all = sub.branches.map((_b, i) => i);
        combine(all, exits, 0, [], undefined, (chosen) => {
          const parts = chosen.map((m) => m.commit([])!);
          out.push(...moves(joined(t, parts), depth + 1));
        });
      }
      return out;
    }
    case "hide": {
      const hidden = new Set<GateDecl>(sub.stmt.gates.map((g) => rgate(t.proc, t.genv, g)));
      for (const m of moves(sub.body, depth + 1)) {
        if (m.gate === "exit") out.push(...moves(joined(t, [m.commit([])!]), depth + 1));
        else if (m.gate !== null && hidden.has(m.gate)) {
          const whole: Move = {
            gate: m.gate,
            slots: m.slots,
            commit(values) {
              let r: Thread | null;
              try {
                r = m.commit(values);
              } catch (err) {
                if (err instanceof Raise) return abandon(t, err);
                throw err;
              }
              return r ? normalise(derive(t, { sub: { ...sub, body: r } })) : null;
            },
          };
          for (const r of resolve(whole)) out.push({ gate: null, slots: [], commit: () => r.next });
        } else out.push(wrapMove(t, m, (b) => derive(t, { sub: { ...sub, body: b } })));
      }
      return out;
    }
    case "took": {
      for (const m of moves(sub.body, depth + 1)) {
        if (m.gate === "exit") out.push(...moves(joined(t, [m.commit([])!]), depth + 1));
        else out.push(wrapMove(t, m, (b) => derive(t, { sub: { ...sub, body: b } })));
      }
      return out;
    }
    case "disrupt": {
      for (const m of moves(sub.body, depth + 1)) {
        if (m.gate === "exit") out.push(...moves(joined(t, [m.commit([])!]), depth + 1));
        else out.push(wrapMove(t, m, (b) => derive(t, { sub: { ...sub, body: b } })));
      }
      for (const m of moves(sub.by, depth + 1)) {
        if (m.gate === "exit") out.push(...moves(joined(t, [m.commit([])!]), depth + 1));
        else out.push(wrapMove(t, m, (b) => derive(t, { sub: { kind: "took", stmt: sub.stmt, body: b } })));
      }
      return out;
    }
  }
}

const ifaceCache = new WeakMap<S<"par">, WeakMap<readonly GateDecl[], readonly Set<GateDecl>[]>>();

/** Per branch, the run-time gates it synchronizes on (the global set and its own). */
function interfaces(s: S<"par">, proc: ProcessDecl, genv: readonly GateDecl[]): readonly Set<GateDecl>[] {
  let byEnv = ifaceCache.get(s);
  if (!byEnv) {
    byEnv = new WeakMap();
    ifaceCache.set(s, byEnv);
  }
  let r = byEnv.get(genv);
  if (!r) {
    const global = s.gates.map((g) => rgate(proc, genv, g));
    r = s.branches.map((b) => new Set<GateDecl>([...global, ...(b.gates ?? []).map((g) => rgate(proc, genv, g))]));
    byEnv.set(genv, r);
  }
  return r;
}

function replaceAt<T>(xs: readonly T[], i: number, x: T): T[] {
  const a = xs.slice();
  a[i] = x;
  return a;
}

/** Every choice of one move per branch of `group` whose slots agree. */
function combine(
  group: readonly number[],
  per: readonly (readonly Move[])[],
  c: number,
  chosen: Move[],
  slots: readonly Slot[] | undefined,
  emit: (chosen: readonly Move[], slots: readonly Slot[]) => void,
): void {
  if (c === group.length) {
    emit(chosen.slice(), slots ?? []);
    return;
  }
  for (const m of per[group[c]!]!) {
    const merged = slots === undefined ? m.slots : mergeSlots(slots, m.slots);
    if (!merged) continue;
    chosen.push(m);
    combine(group, per, c + 1, chosen, merged, emit);
    chosen.pop();
  }
}

// ---------------------------------------------------------------------------
// Value negotiation

/**
 * Chooses the values of a move where no more parties can join: emitted
 * values are taken; a slot nobody emits takes every value of its (finite)
 * type, and each candidate is kept when every party's patterns and guards
 * accept it.
 */
export function resolve(m: Move): { values: Value[]; next: Thread }[] {
  const slots = m.slots;
  const open: number[] = [];
  for (let j = 0; j < slots.length; j++) if (slots[j]!.v === undefined) open.push(j);
  const values = slots.map((x) => x.v) as Value[];
  if (open.length === 0) {
    const next = m.commit(values);
    return next ? [{ values, next }] : [];
  }
  const domains = open.map((j) => {
    const d = valuesOf(slots[j]!.type);
    if (!d) {
      const gate = m.gate === null || m.gate === "exit" ? "i" : m.gate.name.toUpperCase();
      throw new LntRuntimeError(Msg.InfiniteNegotiation, slots[j]!.span, [gate, j + 1, slots[j]!.type.name]);
    }
    return d;
  });
  const out: { values: Value[]; next: Thread }[] = [];
  const idx = open.map(() => 0);
  if (domains.some((d) => d.length === 0)) return out;
  for (;;) {
    const vs = values.slice();
    open.forEach((j, c) => {
      vs[j] = domains[c]![idx[c]!]!;
    });
    const next = m.commit(vs);
    if (next) out.push({ values: vs, next });
    let c = 0;
    while (c < idx.length) {
      idx[c]!++;
      if (idx[c]! < domains[c]!.length) break;
      idx[c] = 0;
      c++;
    }
    if (c === idx.length) break;
  }
  return out;
}

/** The transitions of a root state: labels as CADP prints them (`i` for internal actions). */
export function transitions(root: Thread): { label: string; next: Thread }[] {
  try {
    return transitionsOf(root);
  } catch (err) {
    if (err instanceof Raise) throw new LntRuntimeError(Msg.ExceptionNotCaught, err.span, [err.gate.name]);
    if (err instanceof RangeError) throw new LntRuntimeError(Msg.RecursionTooDeep, root.proc.span, [root.proc.name]);
    throw err;
  }
}

function transitionsOf(root: Thread): { label: string; next: Thread }[] {
  const out: { label: string; next: Thread }[] = [];
  for (const m of moves(root)) {
    if (m.gate === "exit") continue;
    if (m.gate === null) {
      const next = m.commit([]);
      if (next) out.push({ label: "i", next });
      continue;
    }
    const types = m.slots.map((x) => x.type);
    for (const r of resolve(m)) out.push({ label: formatLabel(m.gate.name, r.values, types), next: r.next });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Canonical state keys, with dead variables left out

const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

const genvKeys = new WeakMap<readonly GateDecl[], string>();
/** The process and its gates, as a key prefix (a gate environment belongs to one process). */
function genvKey(proc: ProcessDecl, genv: readonly GateDecl[]): string {
  let s = genvKeys.get(genv);
  if (s === undefined) {
    s = `${idOf(proc)}<${genv.map((g) => idOf(g)).join(",")}>`;
    genvKeys.set(genv, s);
  }
  return s;
}

function frameKey(frame: Frame, live: VarSet): string {
  let s = "";
  for (const v of live) s += keyOf(frame[v]);
  return s;
}

// Keys are hash-consed: a thread's key names each part of its sub-construct
// by the number of that part's key in `partIds`, so a state's key stays short
// (a few characters per process) and unchanged parts, shared by reference
// between a state and its successors, are never serialised twice.
const partIds = new Map<string, number>();

function partId(t: Thread): number {
  const k = stateKey(t);
  let id = partIds.get(k);
  if (id === undefined) {
    id = partIds.size;
    partIds.set(k, id);
  }
  return id;
}

/** The number of distinct parts keyed so far (memory accounting). */
export function keyedParts(): number {
  return partIds.size;
}

export function stateKey(t: Thread): string {
  if (t.key !== undefined && t.keyGen === generation) return t.key;
  t.keyGen = generation;
  return (t.key = computeKey(t));
}

let generation = 0;

/**
 * Forgets the numbering of parts, for a long-running client (a live trace
 * monitor) whose table would otherwise grow for ever. Keys computed before
 * are invalid afterwards: compare only keys computed after the reset.
 */
export function resetKeys(): void {
  partIds.clear();
  generation++;
}

function computeKey(t: Thread): string {
  let live: VarSet;
  const lv = livenessOf(t.proc);
  if (t.sub) live = lv.waiting.get(t.sub.stmt) ?? allVars(t.proc);
  else if (t.k.length === 0) live = t.keep ?? [];
  else {
    const top = t.k[t.k.length - 1]!;
    live = top.op === EXEC ? (lv.before.get(top.s) ?? allVars(t.proc)) : allVars(t.proc);
  }
  // Built as an array and joined: a flat string hashes without first being copied.
  const parts: (string | number)[] = [genvKey(t.proc, t.genv), frameKey(t.frame, live), "|"];
  for (const it of t.k) {
    if (it.op !== RET) parts.push(it.code);
    else {
      const after = livenessOf(it.proc).after.get(it.call) ?? allVars(it.proc);
      const callerLive = minus(after, it.outs.map((o) => o[1]));
      parts.push("r", genvKey(it.proc, it.genv), frameKey(it.frame, callerLive));
    }
  }
  const sub = t.sub;
  if (sub) {
    switch (sub.kind) {
      case "par":
        parts.push("{P", idOf(sub.stmt));
        for (const b of sub.branches) parts.push(",", partId(b));
        parts.push("}");
        break;
      case "hide": parts.push("{H", idOf(sub.stmt), ",", partId(sub.body), "}"); break;
      case "took": parts.push("{T", idOf(sub.stmt), ",", partId(sub.body), "}"); break;
      case "disrupt": parts.push("{D", idOf(sub.stmt), ",", partId(sub.body), ",", partId(sub.by), "}"); break;
    }
  }
  return parts.join("");
}

const allVarsCache = new WeakMap<ProcessDecl, VarSet>();
function allVars(p: ProcessDecl): VarSet {
  let a = allVarsCache.get(p);
  if (!a) {
    a = p.variables.map((v) => v.index).sort((x, y) => x - y);
    allVarsCache.set(p, a);
  }
  return a;
}
