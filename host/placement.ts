// Where things run: checks a deployment against a model's tasks and gates, places each
// synchronized gate's negotiation (its manager) where a rendezvous costs the fewest network
// hops and messages, places tasks for `--nodes K`, and prices one rendezvous per vector
// with the cost model of docs/protocol.md (section 8).
//
// One manager per node: every gate placed on a node belongs to that node's manager, whose
// id is the node's index. A task whose gates all live on one node is then exclusive (no
// lock), which is what co-location is for.

import type { DiagnosticBag } from "../src/frontend/diagnostics.js";
import type { Span } from "../src/frontend/source.js";
import { Msg } from "../src/frontend/diagnostic-messages.js";
import { DEFAULT_OPTIONS, type DeployNode, type Deployment, type Placed } from "./deployment.js";

/** What placement needs of a model: the backend's TaskSystem has this shape. */
export interface PlanModel {
  readonly tasks: readonly { readonly name: string }[];
  readonly gates: readonly { readonly name: string; readonly visible: boolean }[];
  /** Per gate id, its synchronization vectors (sets of task ids). */
  readonly vectors: readonly (readonly (readonly number[])[])[];
}

export interface Placement {
  readonly nodes: readonly string[];
  /** Per task id, its node's index. */
  readonly taskNode: readonly number[];
  /** Per gate id, the node of its manager; -1 for a gate no two tasks synchronize on. */
  readonly gateNode: readonly number[];
  /** Per gate id, whether the deployment fixed it (else lntc chose). */
  readonly gateFixed: readonly boolean[];
  /** Per gate id, where its hooks run: the deployment's choice, else the manager's node, else its task's. */
  readonly hookNode: readonly number[];
}

export interface RendezvousCost {
  readonly messages: number;
  readonly hops: number;
  readonly netMessages: number;
  readonly netHops: number;
  /** Participants that must be locked (they offer to several managers). */
  readonly locked: number;
}

/** Deployment names of tasks (or gates): the name, or NAME#k when k+1 share it. */
export function uniqueNames(names: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n) => {
    if (count.get(n) === 1) return n;
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return `${n}#${k}`;
  });
}

/** A gate needs a manager when some vector has two tasks or more. */
export function synchronized(model: PlanModel, gate: number): boolean {
  return (model.vectors[gate] ?? []).some((v) => v.length >= 2);
}

/** The nodes of the managers each task offers to, for a gate placement. */
function managersOfTasks(model: PlanModel, gateNode: readonly number[]): Set<number>[] {
  const out = model.tasks.map(() => new Set<number>());
  model.vectors.forEach((vs, g) => {
    if (gateNode[g]! < 0) return;
    for (const v of vs) for (const t of v) out[t]!.add(gateNode[g]!);
  });
  return out;
}

/**
 * One rendezvous of `vector` on a gate negotiated at `manager`, per docs/protocol.md:
 * READY from each party (plus one per other manager a locked party offers to), a LOCK
 * chain through the locked parties in task order, then COMMIT to the others and DONE to
 * the manager from the last of the chain (or COMMIT from the manager when none is
 * locked). Counts a party as locked when its gates span several managers: an upper
 * estimate, exact when such a task offers on all its gates at once.
 */
export function vectorCost(taskNode: readonly number[], managers: readonly Set<number>[], manager: number, vector: readonly number[]): RendezvousCost {
  const parts = [...vector].sort((a, b) => a - b);
  const n = parts.length;
  const locked = parts.filter((t) => managers[t]!.size > 1);
  const m = locked.length;
  let extra = 0;
  let extraNet = 0;
  for (const t of locked) {
    for (const mg of managers[t]!) {
      if (mg === manager) continue;
      extra++;
      if (mg !== taskNode[t]) extraNet++;
    }
  }
  const remote = (t: number, at: number): number => (taskNode[t] !== at ? 1 : 0);
  const readyNet = parts.reduce((s, t) => s + remote(t, manager), 0);
  const readyHop = readyNet > 0 ? 1 : 0;
  if (m === 0) {
    return { messages: 2 * n, hops: 2, netMessages: 2 * readyNet + extraNet, netHops: 2 * readyHop, locked: 0 };
  }
  let lockNet = 0;
  let at = manager;
  for (const t of locked) {
    lockNet += remote(t, at);
    at = taskNode[t]!;
  }
  const last = locked[m - 1]!;
  const lastNode = taskNode[last]!;
  let commitNet = lastNode !== manager ? 1 : 0;
  for (const t of parts) if (t !== last) commitNet += remote(t, lastNode);
  return {
    messages: 2 * n + m + extra,
    hops: m + 2,
    netMessages: readyNet + extraNet + lockNet + commitNet,
    netHops: readyHop + lockNet + (commitNet > 0 ? 1 : 0),
    locked: m,
  };
}

type Score = [number, number];

function totalCost(model: PlanModel, taskNode: readonly number[], gateNode: readonly number[]): Score {
  const managers = managersOfTasks(model, gateNode);
  let hops = 0;
  let msgs = 0;
  model.vectors.forEach((vs, g) => {
    if (gateNode[g]! < 0) return;
    for (const v of vs) {
      const c = vectorCost(taskNode, managers, gateNode[g]!, v);
      hops += c.netHops;
      msgs += c.netMessages;
    }
  });
  return [hops, msgs];
}

const better = (a: Score, b: Score): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Places the managers of the gates not fixed by the deployment: first on the node that
 * holds most of the gate's parties (ties: the node listed first), then moves one gate at a
 * time, in gate order, to the node that lowers the total network hops over all vectors
 * (then network messages) until no move helps. Deterministic.
 */
export function placeGates(model: PlanModel, taskNode: readonly number[], nodeCount: number, fixed: ReadonlyMap<number, number>): number[] {
  const gateNode = model.gates.map((_, g) => {
    if (!synchronized(model, g)) return -1;
    const f = fixed.get(g);
    if (f !== undefined) return f;
    const count = new Array<number>(nodeCount).fill(0);
    const parties = new Set<number>();
    for (const v of model.vectors[g]!) for (const t of v) parties.add(t);
    for (const t of parties) count[taskNode[t]!]!++;
    let best = 0;
    for (let i = 1; i < nodeCount; i++) if (count[i]! > count[best]!) best = i;
    return best;
  });
  const size = model.vectors.reduce((s, vs) => s + vs.length, 0);
  if (nodeCount < 2 || size > 20_000) return gateNode;
  let current = totalCost(model, taskNode, gateNode);
  for (let pass = 0; pass < 8; pass++) {
    let moved = false;
    for (let g = 0; g < gateNode.length; g++) {
      if (gateNode[g]! < 0 || fixed.has(g)) continue;
      const was = gateNode[g]!;
      let bestNode = was;
      for (let k = 0; k < nodeCount; k++) {
        if (k === was) continue;
        gateNode[g] = k;
        const c = totalCost(model, taskNode, gateNode);
        if (better(c, current)) {
          current = c;
          bestNode = k;
        }
      }
      gateNode[g] = bestNode;
      if (bestNode !== was) moved = true;
    }
    if (!moved) break;
  }
  return gateNode;
}

/**
 * Checks the deployment's task, gate and hook names against the model and computes the
 * placement. Returns undefined after reporting errors (at the deployment's positions).
 */
export function resolvePlacement(model: PlanModel, d: Deployment, diags: DiagnosticBag): Placement | undefined {
  const before = diags.errorCount;
  const nodeIndex = new Map(d.nodes.map((n, i) => [n.name, i] as const));
  const taskNames = uniqueNames(model.tasks.map((t) => t.name));
  const gateNames = uniqueNames(model.gates.map((g) => g.name));
  const taskId = new Map(taskNames.map((n, i) => [n, i] as const));
  const gateId = new Map(gateNames.map((n, i) => [n, i] as const));
  const taskNode = new Array<number>(model.tasks.length).fill(-1);
  const list = (names: readonly string[], keep: (i: number) => boolean): string => names.filter((_, i) => keep(i)).join(", ") || "(none)";
  for (const p of d.tasks) {
    const t = taskId.get(p.name);
    if (t === undefined) diags.add(Msg.DeployUnknownTask, p.span, [p.name, list(taskNames, () => true)]);
    else taskNode[t] = nodeIndex.get(p.node)!;
  }
  taskNode.forEach((n, t) => {
    if (n < 0) diags.add(Msg.DeployUnplacedTask, d.tasksSpan, [taskNames[t]!]);
  });
  const fixed = new Map<number, number>();
  // Gates are placed only when synchronized; hooks may sit on any gate a task uses.
  const used = (g: number): boolean => (model.vectors[g] ?? []).length > 0;
  const gateEntry = (p: Placed, ok: (g: number) => boolean, msg = Msg.DeployUnknownGate): number | undefined => {
    const g = gateId.get(p.name);
    if (g === undefined || !ok(g)) {
      diags.add(msg, p.span, [p.name, list(gateNames, ok)]);
      return undefined;
    }
    return g;
  };
  for (const p of d.gates) {
    const g = gateEntry(p, (i) => synchronized(model, i));
    if (g !== undefined) fixed.set(g, nodeIndex.get(p.node)!);
  }
  const hooks = new Map<number, number>();
  for (const p of d.hooks) {
    const g = gateEntry(p, used, Msg.DeployUnknownHookGate);
    if (g === undefined) continue;
    if (!model.gates[g]!.visible) diags.add(Msg.DeployHookNotVisible, p.span, [p.name]);
    const node = nodeIndex.get(p.node)!;
    hooks.set(g, node);
    // The environment's accept hook is a call from the gate's manager: a hooked gate is
    // negotiated on the node of its hooks.
    if (synchronized(model, g)) {
      const f = fixed.get(g);
      if (f !== undefined && f !== node) diags.add(Msg.DeployHookElsewhere, p.span, [p.name, p.node, d.nodes[f]!.name]);
      else fixed.set(g, node);
    } else {
      // a gate each task takes alone: with hooks, its actions are negotiated on the hooks' node
      const elsewhere = [...new Set((model.vectors[g] ?? []).flatMap((v) => v.filter((t) => taskNode[t] !== node)))];
      if (elsewhere.length > 0) diags.add(Msg.DeployHookSpread, p.span, [p.name, p.node, elsewhere.map((t) => taskNames[t]!).join(", ")]);
    }
  }
  if (diags.errorCount > before) return undefined;
  const gateNode = placeGates(model, taskNode, d.nodes.length, fixed);
  return {
    nodes: d.nodes.map((n) => n.name),
    taskNode,
    gateNode,
    gateFixed: model.gates.map((_, g) => fixed.has(g)),
    // A gate of one task (per vector) has no manager: its hooks run with that task, unless
    // the deployment says otherwise.
    hookNode: gateNode.map((n, g) => hooks.get(g) ?? (n >= 0 ? n : (taskNode[model.vectors[g]?.[0]?.[0] ?? -1] ?? -1))),
  };
}

/**
 * The deployment of `lntc run --nodes K`: nodes node1..nodeK on loopback at the given
 * ports, tasks dealt round robin in task order so that every node has work and most
 * rendezvous cross the network (the point of trying the distributed mode); gates placed
 * by placeGates.
 */
export function autoDeployment(model: PlanModel, ports: readonly number[], host = "127.0.0.1", hooks = false): Deployment {
  const nodes: DeployNode[] = ports.map((port, i) => ({ name: `node${i + 1}`, host, port, address: `${host}:${port}`, span: undefined }));
  const names = uniqueNames(model.tasks.map((t) => t.name));
  const gateNames = uniqueNames(model.gates.map((g) => g.name));
  const synced = (g: number) => synchronized(model, g);
  // With hooks, every visible gate a task uses has its environment (and so its negotiation)
  // on the first node, where the hook module runs once; a gate that tasks take alone brings
  // its tasks there too.
  const hooked = hooks ? model.gates.flatMap((g, i) => (g.visible && (model.vectors[i] ?? []).length > 0 ? [i] : [])) : [];
  const alone = new Set(hooked.filter((g) => !synced(g)).flatMap((g) => model.vectors[g]!.flat()));
  // the other tasks are dealt from node2 on when node1 already has some
  let next = alone.size > 0 && nodes.length > 1 ? 1 : 0;
  const tasks: Placed[] = names.map((name, t) => ({ name, node: alone.has(t) ? nodes[0]!.name : nodes[next++ % nodes.length]!.name, span: undefined }));
  const hookList: Placed[] = hooked.map((g) => ({ name: gateNames[g]!, node: nodes[0]!.name, span: undefined }));
  return { path: "(automatic placement)", nodes, tasks, gates: [], hooks: hookList, options: DEFAULT_OPTIONS, tasksSpan: undefined as Span | undefined };
}

/** The cost of each vector of a gate under a placement. */
export function gateCosts(model: PlanModel, p: Placement, gate: number): RendezvousCost[] {
  if (p.gateNode[gate]! < 0) return [];
  const managers = managersOfTasks(model, p.gateNode);
  return model.vectors[gate]!.map((v) => vectorCost(p.taskNode, managers, p.gateNode[gate]!, v));
}

/** `lntc plan`'s report: the nodes with their tasks and gates, then one line per gate. */
export function formatPlan(model: PlanModel, d: Deployment, p: Placement): string {
  const taskNames = uniqueNames(model.tasks.map((t) => t.name));
  const gateNames = uniqueNames(model.gates.map((g) => g.name));
  const out: string[] = [];
  out.push(`deployment ${d.path}: ${d.nodes.length} node${d.nodes.length === 1 ? "" : "s"}`);
  d.nodes.forEach((n, i) => {
    const tasks = taskNames.filter((_, t) => p.taskNode[t] === i);
    const gates = gateNames.filter((_, g) => p.gateNode[g] === i);
    out.push(`  ${n.name} (${n.address})`);
    out.push(`    tasks: ${tasks.join(", ") || "-"}`);
    out.push(`    negotiates: ${gates.join(", ") || "-"}`);
  });
  const rows: string[][] = [["gate", "node", "placed by", "vectors", "locked", "messages", "hops", "network msgs", "network hops", "hooks"]];
  const range = (xs: number[]): string => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return lo === hi ? String(lo) : `${lo}-${hi}`;
  };
  model.gates.forEach((g, id) => {
    if (p.gateNode[id]! < 0) return;
    const cs = gateCosts(model, p, id);
    rows.push([
      gateNames[id]! + (g.visible ? "" : " (hidden)"),
      p.nodes[p.gateNode[id]!]!,
      p.gateFixed[id] ? "deployment" : "lntc",
      String(cs.length),
      range(cs.map((c) => c.locked)),
      range(cs.map((c) => c.messages)),
      range(cs.map((c) => c.hops)),
      range(cs.map((c) => c.netMessages)),
      range(cs.map((c) => c.netHops)),
      g.visible ? p.nodes[p.hookNode[id]!]! : "-",
    ]);
  });
  const local = gateNames.filter((_, g) => p.gateNode[g]! < 0 && (model.vectors[g] ?? []).length > 0);
  out.push("");
  out.push("one rendezvous per gate (a range when its vectors differ):");
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  if (rows.length === 1) out.push("  (no gate is synchronized by two tasks: nothing to negotiate)");
  else for (const r of rows) out.push("  " + r.map((cell, c) => cell.padEnd(width[c]!)).join("  ").trimEnd());
  if (local.length > 0) {
    const where = local.map((name) => {
      const g = gateNames.indexOf(name);
      return model.gates[g]!.visible && p.hookNode[g]! >= 0 ? `${name} (hooks on ${p.nodes[p.hookNode[g]!]})` : name;
    });
    out.push(`gates of one task each, taken without negotiation: ${where.join(", ")}`);
  }
  const tot = totalCost(model, p.taskNode, p.gateNode);
  out.push(`total over all vectors: ${tot[0]} network hops, ${tot[1]} network messages`);
  return out.join("\n") + "\n";
}
