// Helpers for the semantics tests: load a model from text or from a file,
// explore it, and keep its transitions for inspection.

import assert from "node:assert/strict";
import { loadModel, memoryHost } from "../../src/frontend/index.js";
import { nodeHost } from "../../src/cli/host.js";
import type { Model } from "../../src/frontend/model.js";
import { initialThread, type Thread } from "../../src/semantics/behaviour.js";
import { explore, type ExploreResult } from "../../src/semantics/explorer.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";

export function modelFromText(text: string): Model {
  const name = /module\s+(\w+)/i.exec(text)?.[1] ?? "m";
  const r = loadModel(`${name}.lnt`, memoryHost({ [`${name}.lnt`]: text }));
  assert.ok(r.model, r.diagnostics.items.map((d) => d.message).join("\n"));
  return r.model;
}

export function modelFromFile(path: string): Model {
  const r = loadModel(path, nodeHost);
  assert.ok(r.model, r.diagnostics.items.map((d) => d.message).join("\n"));
  return r.model;
}

export interface Lts extends ExploreResult {
  readonly init: Thread;
  readonly edges: readonly { src: number; label: string; dst: number }[];
}

export function lts(model: Model, maxStates?: number): Lts {
  const init = initialThread(model.root!, []);
  const edges: { src: number; label: string; dst: number }[] = [];
  const res = explore(init, { ...(maxStates ? { maxStates } : {}), onTransition: (src, _l, dst, label) => edges.push({ src, label, dst }) });
  return Object.assign(res, { init, edges });
}

export function ltsOf(text: string): Lts {
  return lts(modelFromText(text));
}

export function accepts(init: Thread, trace: readonly string[]): boolean {
  const c = new TraceChecker(init);
  return trace.every((l) => c.step(l));
}
