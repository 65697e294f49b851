// The file-system side of the Wasm backend: loads and checks the model, generates the
// AssemblyScript, compiles it through the asc API unless the cache (`.lntc-cache/`,
// keyed by a hash of the generated sources, the options and the compiler versions)
// already holds it, and writes the output folder.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import type { Model, ProcessDecl } from "../frontend/model.js";
import { generate, type Generated } from "../backend-wasm/compile.js";
import { AscError, cacheKey, compileAs } from "../backend-wasm/asc.js";
import { printDiagnostics } from "./diagnostics-output.js";
import { loadRooted } from "./load-root.js";
import type { CommandIO } from "./command.js";

const here = dirname(fileURLToPath(import.meta.url));
/** dist/src/cli -> the repository root, where runtime-as/ lives. */
export const runtimeDir = resolve(here, "..", "..", "..", "runtime-as");

/** The runtime compiled into every model: its sources by path relative to runtime-as/. */
export function readRuntime(): Map<string, string> {
  const files = new Map<string, string>();
  for (const sub of ["embedded", "node", "protocol"]) {
    for (const f of readdirSync(join(runtimeDir, sub)).sort()) {
      if (f.endsWith(".ts")) files.set(`${sub}/${f}`, readFileSync(join(runtimeDir, sub, f), "utf8"));
    }
  }
  return files;
}

export interface BuildOptions {
  readonly optimize: boolean;
  readonly root: string | undefined;
  /** Where the compiled Wasm is cached; default `.lntc-cache` in the working directory. */
  readonly cacheDir?: string;
}

export interface Built {
  readonly model: Model;
  readonly root: ProcessDecl;
  readonly generated: Generated;
  readonly wasm: Uint8Array;
  readonly key: string;
  readonly cached: boolean;
  readonly runtime: ReadonlyMap<string, string>;
}

/** The checked model and its generated code (no Wasm): what a node's hooks need of the model. */
export type Generation = Pick<Built, "model" | "root" | "generated">;

/** The front end and the generation, or the exit status after printing diagnostics. */
export function generateModel(path: string, rootCall: string | undefined, io: CommandIO): Generation | number {
  const r = loadRooted(path, rootCall, io);
  if (typeof r === "number") return r;
  const diags = new DiagnosticBag();
  const generated = generate(r.model, r.root, r.args, diags);
  if (!generated) {
    printDiagnostics(diags, io, { quietWarnings: true });
    return 1;
  }
  return { model: r.model, root: r.root, generated };
}

/** Returns the build, or the exit status after printing diagnostics. */
export async function build(path: string, opts: BuildOptions, io: CommandIO): Promise<Built | number> {
  const g = generateModel(path, opts.root, io);
  if (typeof g === "number") return g;
  const { model, root, generated } = g;
  let runtime: Map<string, string>;
  try {
    runtime = readRuntime();
  } catch (err) {
    io.stderr.write(`lntc: cannot read the runtime in '${runtimeDir}': ${(err as Error).message}\n`);
    return 2;
  }
  const input = { model: generated.source, runtime, optimize: opts.optimize };
  const key = await cacheKey(input);
  const cacheDir = opts.cacheDir ?? join(io.cwd, ".lntc-cache");
  const cachePath = join(cacheDir, `${key}.wasm`);
  if (existsSync(cachePath)) return { model, root, generated, wasm: readFileSync(cachePath), key, cached: true, runtime };
  let wasm: Uint8Array;
  try {
    wasm = await compileAs(input);
  } catch (err) {
    // The generated code must always compile: a failure here is a bug of lntc.
    if (err instanceof AscError) throw new Error(`the generated AssemblyScript does not compile (run with --emit-as to see it): ${err.message}`);
    throw err;
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    // written whole, then renamed: a concurrent build never reads half a file
    const tmp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, wasm);
    renameSync(tmp, cachePath);
  } catch {
    // a cache we cannot write is only slower
  }
  return { model, root, generated, wasm, key, cached: false, runtime };
}

/** Writes the output folder: model.wasm, manifest.json, model.d.ts, and with emitAs the AssemblyScript. */
export function writeOutput(dir: string, b: Built, emitAs: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.wasm"), b.wasm);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...b.generated.manifest, key: b.key }, null, 2) + "\n");
  writeFileSync(join(dir, "model.d.ts"), b.generated.declarations);
  if (emitAs) {
    // the layout asc compiled: model.ts beside the runtime's folders
    writeFileSync(join(dir, "model.ts"), b.generated.source);
    for (const [name, text] of b.runtime) {
      mkdirSync(join(dir, dirname(name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }
}
