// Embedded runs: rendezvous per second inside one Wasm instance (a pingpong-like
// two-party exchange and a 4-party barrier, labels not built), and the time of
// `lntc --target wasm` on each shared model: cold (asc through its API) and cached,
// with and without -O. Run: npx tsc -p . && node dist/bench/embedded.js

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { loadModel, memoryHost } from "../src/frontend/index.js";
import { nodeHost } from "../src/cli/host.js";
import { DiagnosticBag } from "../src/frontend/diagnostics.js";
import type { Model } from "../src/frontend/model.js";
import { generate } from "../src/backend-wasm/compile.js";
import { cacheKey, compileAs } from "../src/backend-wasm/asc.js";
import { readRuntime } from "../src/cli/wasm-build.js";
import { EmbeddedModel } from "../host/embedded/instance.js";
import { lntFiles, sharedModels } from "../test/util/paths.js";

const PINGPONG = `module pingpong is
channel NAT is (nat) end channel
process PINGER [PING, PONG: NAT] is
  var n, m: nat in
    n := 0;
    loop
      PING (!n);
      PONG (?m) where m == n + 1;
      n := m mod 1000000
    end loop
  end var
end process
process PONGER [PING, PONG: NAT] is
  var x: nat in
    loop PING (?x); PONG (!x + 1) end loop
  end var
end process
process MAIN [PING, PONG: NAT] is
  par PING, PONG in PINGER [PING, PONG] || PONGER [PING, PONG] end par
end process
end module`;

const BARRIER = `module barrier is
channel ROUND is (nat) end channel
process WORKER [STEP: ROUND] is
  var r: nat in
    r := 0;
    loop STEP (!r); r := (r + 1) mod 1000 end loop
  end var
end process
process MAIN [STEP: ROUND] is
  par STEP in WORKER [STEP] || WORKER [STEP] || WORKER [STEP] || WORKER [STEP] end par
end process
end module`;

const runtime = readRuntime();

function fromText(name: string, text: string): Model {
  const r = loadModel(`${name}.lnt`, memoryHost({ [`${name}.lnt`]: text }));
  if (!r.model) throw new Error(`${name}: ${r.diagnostics.items.map((d) => d.message).join("; ")}`);
  return r.model;
}

function gen(model: Model): string {
  const diags = new DiagnosticBag();
  const g = generate(model, model.root!, [], diags);
  if (!g) throw new Error(diags.items.map((d) => d.message).join("; "));
  return g.source;
}

async function rendezvous(): Promise<void> {
  const BATCH = 100_000;
  const bench = new Bench({ time: 1000, iterations: 5, warmupTime: 100, warmupIterations: 1 });
  for (const optimize of [false, true]) {
    for (const [name, text] of [["pingpong (2 parties)", PINGPONG], ["barrier (4 parties)", BARRIER]] as const) {
      const wasm = await compileAs({ model: gen(fromText(name.split(" ")[0]!, text)), runtime, optimize });
      const run = new EmbeddedModel(wasm).instantiate(1);
      bench.add(`${name}${optimize ? " -O" : ""}: ${BATCH} rendezvous`, () => {
        const r = run.run(BATCH, false);
        if (r.end !== "steps") throw new Error(`run ended: ${r.end}`);
      });
    }
  }
  await bench.run();
  console.log("rendezvous per second (embedded, one Wasm instance, no labels built):");
  for (const t of bench.tasks) {
    const res = t.result as unknown as { throughput?: { mean: number }; hz?: number } | undefined;
    const hz = res?.throughput?.mean ?? res?.hz ?? 0;
    console.log(`  ${t.name.padEnd(48)} ${(hz * BATCH / 1e6).toFixed(2)} M/s`);
  }
}

async function compileTimes(): Promise<void> {
  console.log("lntc --target wasm on each shared model (ms: front end + generation, asc cold, cache hit):");
  for (const path of lntFiles(sharedModels)) {
    const row: string[] = [];
    for (const optimize of [false, true]) {
      const t0 = performance.now();
      const r = loadModel(path, nodeHost);
      const source = gen(r.model!);
      const t1 = performance.now();
      await compileAs({ model: source, runtime, optimize });
      const t2 = performance.now();
      // a cache hit: the front end, the generation and the hash; the Wasm is then read from disk
      const r2 = loadModel(path, nodeHost);
      await cacheKey({ model: gen(r2.model!), runtime, optimize });
      const t3 = performance.now();
      row.push(`${optimize ? "-O" : "  "} gen ${(t1 - t0).toFixed(0).padStart(4)}  asc ${(t2 - t1).toFixed(0).padStart(5)}  cached ${(t3 - t2).toFixed(0).padStart(4)}`);
    }
    console.log(`  ${join(path).split("/").pop()!.padEnd(18)} ${row.join("   |   ")}`);
  }
}

await rendezvous();
if (!process.argv.includes("--no-compile")) await compileTimes();
