// Shared by the backend and run tests: models from text or from disk, and one compiled
// Wasm per model, cached on disk (.lntc-cache) so that test files share compiles.

import { join } from "node:path";
import { PassThrough } from "node:stream";
import { loadModel, type FrontendHost } from "../../src/frontend/index.js";
import { DiagnosticBag, renderDiagnostic } from "../../src/frontend/diagnostics.js";
import type { Model } from "../../src/frontend/model.js";
import { nodeHost } from "../../src/cli/host.js";
import { build, type Built } from "../../src/cli/wasm-build.js";
import { generate, type Generated } from "../../src/backend-wasm/compile.js";
import { repoRoot } from "../util/paths.js";

export function modelFromText(text: string, name = "m"): Model {
  const files = new Map([[`/mem/${name}.lnt`, text]]);
  const host: FrontendHost = {
    readFile: (p) => files.get(p),
    resolveImport: () => undefined,
  };
  const r = loadModel(`/mem/${name}.lnt`, host);
  if (!r.model || r.diagnostics.hasErrors()) throw new Error(r.diagnostics.items.map((d) => renderDiagnostic(d)).join("\n"));
  return r.model;
}

export function modelFromFile(path: string): Model {
  const r = loadModel(path, nodeHost);
  if (!r.model) throw new Error(`cannot load ${path}`);
  return r.model;
}

/** Generates the AssemblyScript; returns the diagnostics' text on failure. */
export function generateText(model: Model): Generated | string {
  const diags = new DiagnosticBag();
  const g = generate(model, model.root!, [], diags);
  return g ?? diags.items.map((d) => renderDiagnostic(d)).join("\n");
}

function quietIO() {
  let err = "";
  const stderr = new PassThrough();
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  return { io: { stdout: new PassThrough(), stderr, stdin: new PassThrough(), cwd: repoRoot }, errors: () => err };
}

const builds = new Map<string, Promise<Built | string>>();

/** The compiled model (through the shared disk cache), or the diagnostics' text. */
export function compiled(path: string): Promise<Built | string> {
  let p = builds.get(path);
  if (!p) {
    const q = quietIO();
    p = build(path, { optimize: false, root: undefined, cacheDir: join(repoRoot, ".lntc-cache") }, q.io).then((b) => (typeof b === "number" ? q.errors() || `exit ${b}` : b));
    builds.set(path, p);
  }
  return p;
}
