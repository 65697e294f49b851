// AssemblyScript to Wasm through the asc API, in this process: one compile per model
// (never one spawned command per task), without optimization by default and with
// Binaryen's -O for release builds. The sources are handed in as text; this module
// reads no project file (asc reads its own standard library).

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { BACKEND_VERSION } from "./compile.js";

interface AscApi {
  main(args: string[], options: {
    readFile(name: string, baseDir: string): string | null;
    writeFile(name: string, contents: Uint8Array | string, baseDir: string): void;
    listFiles(dirname: string, baseDir: string): string[] | null;
    stdout?: { write(s: string): void };
    stderr?: { write(s: string): void };
  }): Promise<{ error: Error | null; stderr: { toString(): string } }>;
  version: string;
}

let ascPromise: Promise<AscApi> | undefined;
function loadAsc(): Promise<AscApi> {
  ascPromise ??= import("assemblyscript/asc").then((m) => (m as unknown as { default: AscApi }).default);
  return ascPromise;
}

export interface AscInput {
  /** The generated model source (model.ts at the root of runtime-as/'s layout). */
  readonly model: string;
  /** The runtime's sources by path relative to runtime-as/ (embedded/runtime.ts, node/driver.ts, protocol/*.ts). */
  readonly runtime: ReadonlyMap<string, string>;
  readonly optimize: boolean;
}

/** The cache key: the sources, the options, the backend and asc versions. */
export async function cacheKey(input: AscInput): Promise<string> {
  // the version from package.json: loading asc itself costs ~0.3 s, too much for a cache hit
  const version = (createRequire(import.meta.url)("assemblyscript/package.json") as { version: string }).version;
  const h = createHash("sha256").update(BACKEND_VERSION).update("\0").update(version).update("\0").update(input.optimize ? "O" : "-").update("\0");
  for (const name of [...input.runtime.keys()].sort()) h.update(name).update("\0").update(input.runtime.get(name)!).update("\0");
  return h.update(input.model).digest("hex").slice(0, 24);
}

export class AscError extends Error {}

export async function compileAs(input: AscInput): Promise<Uint8Array> {
  const asc = await loadAsc();
  const files = new Map([...input.runtime, ["model.ts", input.model]]);
  let wasm: Uint8Array | undefined;
  const args = ["model.ts", "--outFile", "model.wasm", "--runtime", "minimal", "--exportRuntime", "--noColors"];
  if (input.optimize) args.push("-O3");
  else args.push("--debug");
  let errText = "";
  const { error, stderr } = await asc.main(args, {
    readFile(name) {
      // the protocol core's imports say `./codec.js` (for tsc); asc asks for `codec.js.ts`
      return files.get(name.replace(/^\.\//, "").replace(/\.js\.ts$/, ".ts")) ?? null;
    },
    writeFile(name, contents) {
      if (name.endsWith(".wasm") && typeof contents !== "string") wasm = contents;
    },
    listFiles() {
      return [];
    },
    stderr: { write: (s: string) => void (errText += s) },
    stdout: { write: () => undefined },
  });
  if (error || !wasm) throw new AscError(`asc failed: ${error?.message ?? "no output"}\n${errText || stderr.toString()}`);
  return wasm;
}
