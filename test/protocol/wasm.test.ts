// The same protocol source runs as JS (tsc) in the simulator and as Wasm (asc) in
// production. Runs the scenarios through both builds and compares every byte each
// returns: effects of every call and the final state fingerprint.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { jsCore } from "../../src/protocol-sim/core.js";
import type { ProtocolCore } from "../../src/protocol-sim/core.js";
import { configBytes } from "../../src/protocol-sim/model.js";
import { Simulation } from "../../src/protocol-sim/simulator.js";
import { wasmCoreFactory } from "../../src/protocol-sim/wasm-core.js";
import { repoRoot } from "../util/paths.js";
import { allScenarios } from "../../src/protocol-sim/scenarios.js";

function recording(core: ProtocolCore, log: string[]): ProtocolCore {
  const rec = (b: Uint8Array): Uint8Array => {
    log.push(Buffer.from(b).toString("hex"));
    return b;
  };
  return {
    taskOffer: (t, o, i) => rec(core.taskOffer(t, o, i)),
    taskReceive: (t, b) => rec(core.taskReceive(t, b)),
    taskCanMoveAlone: (t) => core.taskCanMoveAlone(t),
    taskMoveAlone: (t) => rec(core.taskMoveAlone(t)),
    managerReceive: (m, b) => rec(core.managerReceive(m, b)),
    managerAborts: (m) => core.managerAborts(m),
    fingerprint: () => core.fingerprint(),
  };
}

async function compare(optimize: boolean, seeds: number): Promise<number> {
  const makeWasm = await wasmCoreFactory(join(repoRoot, "runtime-as", "protocol"), optimize);
  let calls = 0;
  for (const sys of allScenarios()) {
    const config = configBytes(sys);
    for (let seed = 1; seed <= seeds; seed++) {
      const jsLog: string[] = [];
      const wasmLog: string[] = [];
      const js = recording(jsCore(config), jsLog);
      const wasm = recording(await makeWasm(config), wasmLog);
      const a = new Simulation(sys, js, seed);
      const b = new Simulation(sys, wasm, seed);
      const sa = a.run();
      const sb = b.run();
      assert.deepEqual(wasmLog, jsLog, `${sys.name}, seed ${seed}`);
      assert.equal(Buffer.from(wasm.fingerprint()).toString("hex"), Buffer.from(js.fingerprint()).toString("hex"));
      assert.equal(sb.actions, sa.actions);
      calls += jsLog.length;
    }
  }
  return calls;
}

test("the Wasm build and the JS build of the core produce identical bytes", async () => {
  assert.ok((await compare(false, 25)) > 1000);
});

test("so does the -O3 build used in production", async () => {
  assert.ok((await compare(true, 5)) > 200);
});
