// Builds the protocol core to Wasm with the asc API, in process, cached by source hash,
// and wraps an instance as a ProtocolCore. The sources import each other with `.js`
// suffixes (for tsc/NodeNext); the readFile hook maps them back to the `.ts` files.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProtocolCore } from "./core.js";

/** The Wasm build's exports: the core's calls, and init with the configuration. */
interface Bindings extends ProtocolCore {
  init(config: Uint8Array): void;
}

/** The few WebAssembly API pieces used here (lib ES2022 does not declare them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Instantiate = (module: object, imports?: object) => Promise<Bindings>;

interface AscApi {
  main(args: string[], options: {
    readFile(name: string, baseDir: string): string | null;
    writeFile(name: string, contents: Uint8Array | string, baseDir: string): void;
    listFiles(dirname: string, baseDir: string): string[] | null;
  }): Promise<{ error: Error | null; stderr: { toString(): string } }>;
}

/** Compiles runtime-as/protocol/wasm.ts (once per source hash) and returns a factory of instances. */
export async function wasmCoreFactory(protocolDir: string, optimize = false): Promise<(config: Uint8Array) => Promise<ProtocolCore>> {
  const files = readdirSync(protocolDir).filter((f) => f.endsWith(".ts")).sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(readFileSync(join(protocolDir, f)));
  hash.update(optimize ? "O3" : "O0");
  const dir = join(tmpdir(), `lntc-protocol-${hash.digest("hex").slice(0, 16)}`);
  const wasmPath = join(dir, "protocol.wasm");
  const jsPath = join(dir, "protocol.js");
  if (!existsSync(wasmPath) || !existsSync(jsPath)) {
    const { default: asc } = (await import("assemblyscript/asc")) as unknown as { default: AscApi };
    const out = new Map<string, Uint8Array | string>();
    const args = [join(protocolDir, "wasm.ts"), "--outFile", "protocol.wasm", "--bindings", "raw", "--exportRuntime"];
    if (optimize) args.push("-O3");
    const { error, stderr } = await asc.main(args, {
      readFile(name, baseDir) {
        const path = join(baseDir, name.replace(/\.js\.ts$/, ".ts"));
        try {
          return readFileSync(path, "utf8");
        } catch {
          return null;
        }
      },
      writeFile(name, contents) {
        out.set(name, contents);
      },
      listFiles() {
        return [];
      },
    });
    if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, contents] of out) writeFileSync(join(dir, name), contents);
  }
  const module = new WA.Module(readFileSync(wasmPath));
  const { instantiate } = (await import(pathToFileURL(jsPath).href)) as { instantiate: Instantiate };
  return async (config) => {
    const b = await instantiate(module, {});
    b.init(config);
    return b;
  };
}
