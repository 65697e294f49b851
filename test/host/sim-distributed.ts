// Running the protocol simulator's abstract systems on real nodes: a TaskDriver over a
// SimTask automaton, the SystemLayout of a system under a placement, and the checks of a
// finished run against the simulator's reference (shared by the in-process and the
// multi-process tests).

import assert from "node:assert/strict";
import { nextState, toCoreOffer, type SimOffer, type SimSystem } from "../../src/protocol-sim/model.js";
import { possibleRendezvous, refuseReason, vectorAllowed } from "../../src/protocol-sim/reference.js";
import type { SystemLayout, TaskDriver } from "../../host/node-engine-js.js";
import { placeGates, uniqueNames, type PlanModel } from "../../host/placement.js";
import { mergeLogActions } from "../../host/trace-log.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sourceFile } from "../../src/frontend/source.js";
import type { Offer } from "../../runtime-as/protocol/index.js";

export interface Firing {
  state: number;
  offer: number;
  values: number[];
}

export class SimDriver implements TaskDriver {
  state: number;
  history: Firing[] = [];
  constructor(private readonly sys: SimSystem, private readonly t: number) {
    this.state = sys.tasks[t]!.initial;
  }
  get ended(): boolean {
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    return this.history.length >= this.sys.maxSteps || (st.offers.length === 0 && st.internal === undefined);
  }
  offers(): { offers: Offer[]; internal: boolean } {
    if (this.history.length >= this.sys.maxSteps) return { offers: [], internal: false };
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    return { offers: st.offers.map((o, i) => toCoreOffer(o, i)), internal: st.internal !== undefined };
  }
  fire(offer: number, values: readonly Uint8Array[]): void {
    const st = this.sys.tasks[this.t]!.states[this.state]!;
    const vs = values.map((v) => v[0]!);
    this.history.push({ state: this.state, offer, values: vs });
    this.state = offer < 0 ? st.internal! : nextState(st.offers[offer]!, vs);
  }
  current(): SimOffer[] | null {
    return this.history.length >= this.sys.maxSteps ? null : this.sys.tasks[this.t]!.states[this.state]!.offers;
  }
}

/** The system's own placement: its managers, on the nodes it names (n0, n1, ...). */
export function ownLayout(sys: SimSystem): SystemLayout {
  return {
    taskCount: sys.tasks.length,
    taskNode: sys.tasks.map((t) => `n${t.node}`),
    gateManager: sys.gates.map((g) => g.manager),
    managers: sys.managers.map((m, id) => {
      const gates = sys.gates.map((g, gi) => ({ g, gi })).filter((x) => x.g.manager === id);
      return { node: `n${m.node}`, gates: gates.map((x) => x.gi), vectors: gates.map((x) => x.g.vectors) };
    }),
    taskNames: uniqueNames(sys.tasks.map((t) => t.name)),
    label: (g, values) => [sys.gates[g]!.name, ...values.map((v) => `!${v[0]}`)].join(" "),
  };
}

/**
 * lntc's placement for K nodes n0..nK-1: tasks round robin, gates by placeGates, one
 * manager per node (id = node index); a gate of one task goes to its task's node.
 */
export function placedLayout(sys: SimSystem, k: number): SystemLayout {
  const model: PlanModel = { tasks: sys.tasks.map((t) => ({ name: t.name })), gates: sys.gates.map((g) => ({ name: g.name, visible: true })), vectors: sys.gates.map((g) => g.vectors) };
  const taskNode = sys.tasks.map((_, t) => t % k);
  const gateNode = placeGates(model, taskNode, k, new Map()).map((n, g) => (n >= 0 ? n : taskNode[sys.gates[g]!.vectors[0]?.[0] ?? 0]!));
  return {
    taskCount: sys.tasks.length,
    taskNode: taskNode.map((n) => `n${n}`),
    gateManager: gateNode,
    managers: Array.from({ length: k }, (_, m) => {
      const gates = sys.gates.map((g, gi) => ({ g, gi })).filter((x) => gateNode[x.gi] === m);
      return { node: `n${m}`, gates: gates.map((x) => x.gi), vectors: gates.map((x) => x.g.vectors) };
    }),
    taskNames: uniqueNames(sys.tasks.map((t) => t.name)),
    label: (g, values) => [sys.gates[g]!.name, ...values.map((v) => `!${v[0]}`)].join(" "),
  };
}

/** What a finished run left of a task. */
export interface TaskEnd {
  readonly history: readonly Firing[];
  readonly ended: boolean;
  readonly current: SimOffer[] | null;
}

/**
 * Checks a finished run: one verdict on every node, the one the tasks' ends imply; merged
 * logs consistent, with every firing once; each action a joint transition; no rendezvous
 * missed at a deadlock. Returns the verdict and the number of actions.
 */
export function checkRun(sys: SimSystem, layout: SystemLayout, verdicts: readonly string[], logs: ReadonlyMap<string, string>, ends: readonly TaskEnd[], said: string): { verdict: string; actions: number } {
  const expected = ends.every((d) => d.ended) ? "terminated" : "deadlock";
  assert.deepEqual(verdicts, verdicts.map(() => expected), said);
  const diags = new DiagnosticBag();
  const actions = mergeLogActions([...logs].map(([n, text]) => sourceFile(`${n}.log`, text)), diags);
  assert.deepEqual(diags.items.map((d) => d.message), []);
  const taskId = new Map(layout.taskNames.map((n, i) => [n, i] as const));
  const seen = ends.map(() => 0);
  for (const a of actions!) {
    const tasks = a.parts.map((p) => taskId.get(p.task)!);
    const firings = a.parts.map((p, i) => {
      const f = ends[tasks[i]!]!.history[p.seq - 1];
      assert.ok(f, `${p.task} has no firing ${p.seq}`);
      seen[tasks[i]!]++;
      return f;
    });
    if (a.label === "i") {
      assert.equal(firings.length, 1);
      assert.equal(firings[0]!.offer, -1);
      continue;
    }
    const offers = firings.map((f, i) => sys.tasks[tasks[i]!]!.states[f.state]!.offers[f.offer]!);
    const gate = offers[0]!.gate;
    assert.equal(a.label.split(" ")[0], sys.gates[gate]!.name);
    assert.ok(offers.every((o) => o.gate === gate), `${a.label}: offers on different gates`);
    assert.ok(vectorAllowed(sys, gate, [...tasks].sort((x, y) => x - y)), `${a.label}: vector ${tasks} not allowed`);
    assert.equal(refuseReason(sys, offers, firings[0]!.values), null, `${a.label}: not a joint transition`);
    for (const f of firings) assert.deepEqual(f.values, firings[0]!.values);
  }
  assert.deepEqual(seen, ends.map((d) => d.history.length), "every firing is in the merged trace, once");
  if (expected === "deadlock") assert.deepEqual(possibleRendezvous(sys, ends.map((d) => d.current)), [], "a rendezvous was possible at the deadlock");
  return { verdict: expected, actions: actions!.length };
}
