// Task extraction: finds the tasks of a model's static top-level parallel
// composition (through process calls, nested `par` and `hide`, as DLC does),
// gives every run-time gate an id (root gates, then one per `hide`), and
// reduces the nested synchronization sets (global, per branch, `#n`) to one
// list of synchronization vectors per gate: the sets of tasks that must take
// part together in an action on it.

import type { Expr, GateDecl, GateChannel, ProcessDecl, Stmt } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";

/** A gate as the running system knows it. */
export interface RtGate {
  readonly id: number;
  readonly decl: GateDecl;
  /** Root gates are visible; gates of a `hide` print as `i`. */
  readonly visible: boolean;
  readonly channel: GateChannel;
}

/**
 * One level of process instantiation on the way from the root to a task:
 * the process called and its actual arguments, which are expressions in the
 * parent frame's variables (the root frame's are constants).
 */
export interface Frame {
  readonly process: ProcessDecl;
  readonly args: readonly Expr[];
  readonly parent: Frame | undefined;
  /** The call that made the frame (none for the root's): where a false `require` of the process is reported. */
  readonly call?: Span;
}

/**
 * What a task runs before its own behaviour, from the root down: entering a frame (its
 * parameters set from the arguments), or silent code that precedes a composition (the
 * `x := ...` of `x := ...; par ... end par`), which every task below runs for itself:
 * it is deterministic and has no action, so each computes the same values.
 */
export type SetupStep =
  | { readonly kind: "frame"; readonly frame: Frame }
  | { readonly kind: "code"; readonly frame: Frame; readonly stmts: readonly Stmt[] };

export interface Task {
  readonly id: number;
  readonly setup: readonly SetupStep[];
  /** The frame whose process's variables `body` reads. */
  readonly frame: Frame;
  readonly body: Stmt;
  /** Run-time gate of each formal gate of `frame.process` (and of the hides above the task). */
  readonly gateEnv: ReadonlyMap<GateDecl, number>;
  /** A readable name: the process, or `P/branch`. */
  readonly name: string;
}

export interface TaskSystem {
  readonly tasks: readonly Task[];
  readonly gates: readonly RtGate[];
  /** Per gate id, its synchronization vectors: sorted task ids, sorted, no duplicates. */
  readonly vectors: readonly (readonly (readonly number[])[])[];
}

type Node =
  | { readonly kind: "task"; readonly task: number; readonly gates: ReadonlySet<number> }
  | { readonly kind: "par"; readonly sets: readonly (ReadonlySet<number>)[]; readonly count: number | undefined; readonly branches: readonly Node[] }
  | { readonly kind: "hide"; readonly body: Node };

/** Whether a behaviour is a static composition (a `par`, `hide`, or a call of a process whose body is one). */
function isComposition(s: Stmt, seen: Set<ProcessDecl>): boolean {
  switch (s.kind) {
    case "par":
    case "hide":
      return true;
    case "var":
      // declarations around a composition: each task keeps its own copy of the variables
      return isComposition(s.body, seen);
    case "seq": {
      const last = s.stmts[s.stmts.length - 1];
      return last !== undefined && s.stmts.slice(0, -1).every(isSilent) && isComposition(last, seen);
    }
    case "pcall":
      if (seen.has(s.process)) return false;
      seen.add(s.process);
      return isComposition(s.process.body, seen);
    default:
      return false;
  }
}

export function extractTasks(root: ProcessDecl, rootArgs: readonly Expr[]): TaskSystem {
  const gates: RtGate[] = [];
  const tasks: Task[] = [];
  const rootEnv = new Map<GateDecl, number>();
  for (const g of root.gates) {
    rootEnv.set(g, gates.length);
    gates.push({ id: gates.length, decl: g, visible: true, channel: g.channel });
  }
  const rootFrame: Frame = { process: root, args: rootArgs, parent: undefined };

  function walk(s: Stmt, frame: Frame, env: Map<GateDecl, number>, name: string, seen: Set<ProcessDecl>, setup: readonly SetupStep[]): Node {
    switch (s.kind) {
      case "pcall": {
        if (!isComposition(s, new Set(seen))) return leaf(s, frame, env, name, setup);
        const callee = s.process;
        const calleeEnv = new Map<GateDecl, number>();
        callee.gates.forEach((g, i) => calleeEnv.set(g, env.get(s.gates[i]!)!));
        const args = s.args.map((a) => (a.kind === "in" ? a.expr : undefined));
        if (args.some((a) => a === undefined)) return leaf(s, frame, env, name, setup);
        const next = new Set(seen);
        next.add(callee);
        const f: Frame = { process: callee, args: args as Expr[], parent: frame, call: s.span };
        return walk(callee.body, f, calleeEnv, callee.name, next, [...setup, { kind: "frame", frame: f }]);
      }
      case "par": {
        const global = s.gates.map((g) => env.get(g)!);
        const sets = s.branches.map((b) => new Set([...global, ...(b.gates ?? []).map((g) => env.get(g)!)]));
        const branches = s.branches.map((b, i) => walk(b.body, frame, env, `${name}/${i + 1}`, seen, setup));
        return { kind: "par", sets, count: s.count, branches };
      }
      case "var":
        if (!isComposition(s, new Set(seen))) return leaf(s, frame, env, name, setup);
        return walk(s.body, frame, env, name, seen, setup);
      case "seq": {
        if (!isComposition(s, new Set(seen))) return leaf(s, frame, env, name, setup);
        const prefix = s.stmts.slice(0, -1);
        return walk(s.stmts[s.stmts.length - 1]!, frame, env, name, seen, prefix.length > 0 ? [...setup, { kind: "code", frame, stmts: prefix }] : setup);
      }
      case "hide": {
        const inner = new Map(env);
        for (const g of s.gates) {
          inner.set(g, gates.length);
          gates.push({ id: gates.length, decl: g, visible: false, channel: g.channel });
        }
        return { kind: "hide", body: walk(s.body, frame, inner, name, seen, setup) };
      }
      default:
        return leaf(s, frame, env, name, setup);
    }
  }

  function leaf(body: Stmt, frame: Frame, env: Map<GateDecl, number>, name: string, setup: readonly SetupStep[]): Node {
    const id = tasks.length;
    // A call of a sequential process becomes a task running that process.
    if (body.kind === "pcall" && body.args.every((a) => a.kind === "in")) {
      const callee = body.process;
      const calleeEnv = new Map<GateDecl, number>();
      callee.gates.forEach((g, i) => calleeEnv.set(g, env.get(body.gates[i]!)!));
      const f: Frame = { process: callee, args: body.args.map((a) => (a as { expr: Expr }).expr), parent: frame, call: body.span };
      tasks.push({ id, setup: [...setup, { kind: "frame", frame: f }], frame: f, body: callee.body, gateEnv: calleeEnv, name: callee.name });
      return { kind: "task", task: id, gates: new Set(calleeEnv.values()) };
    }
    tasks.push({ id, setup, frame, body, gateEnv: env, name });
    return { kind: "task", task: id, gates: new Set(env.values()) };
  }

  const tree = walk(root.body, rootFrame, rootEnv, root.name, new Set([root]), [{ kind: "frame", frame: rootFrame }]);
  const vectors = gates.map((g) => normalise(vectorsOf(tree, g.id)));
  return { tasks, gates, vectors };
}

function vectorsOf(n: Node, g: number): number[][] {
  switch (n.kind) {
    case "task":
      return n.gates.has(g) ? [[n.task]] : [];
    case "hide":
      return vectorsOf(n.body, g);
    case "par": {
      const sync: number[] = [];
      const out: number[][] = [];
      n.branches.forEach((b, i) => {
        if (n.sets[i]!.has(g)) sync.push(i);
        else out.push(...vectorsOf(b, g));
      });
      if (sync.length === 0) return out;
      const groups = n.count === undefined ? [sync] : subsets(sync, n.count);
      for (const group of groups) {
        let acc: number[][] = [[]];
        for (const i of group) {
          const vs = vectorsOf(n.branches[i]!, g);
          const next: number[][] = [];
          for (const a of acc) for (const v of vs) next.push([...a, ...v]);
          acc = next;
        }
        out.push(...acc);
      }
      return out;
    }
  }
}

function subsets(xs: readonly number[], k: number): number[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [first, ...rest] = xs;
  return [...subsets(rest, k - 1).map((s) => [first!, ...s]), ...subsets(rest, k)];
}

/** Code with no action and no choice: what may precede a static composition. */
export function isSilent(s: Stmt): boolean {
  switch (s.kind) {
    case "null":
    case "assign":
    case "call":
    case "break":
    case "assert":
      return true;
    case "var":
      return isSilent(s.body);
    case "seq":
      return s.stmts.every(isSilent);
    case "if":
      return s.branches.every((b) => isSilent(b.body)) && (s.else === undefined || isSilent(s.else));
    case "case":
      return s.matches.every((m) => isSilent(m.body));
    case "loop":
    case "while":
      return isSilent(s.body);
    case "for":
      return isSilent(s.init) && isSilent(s.step) && isSilent(s.body);
    default:
      return false;
  }
}

function normalise(vs: number[][]): number[][] {
  const seen = new Map<string, number[]>();
  for (const v of vs) {
    const s = [...new Set(v)].sort((a, b) => a - b);
    seen.set(s.join(","), s);
  }
  return [...seen.values()].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
}
