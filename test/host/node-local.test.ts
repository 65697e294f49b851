// K local node processes as `lntc run --nodes K` will start them: an automatic deployment
// on OS-chosen ports, written out and read back by every `lntc node`; one exit status.

import { test } from "node:test";
import assert from "node:assert/strict";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sourceFile } from "../../src/frontend/source.js";
import { readDeployment } from "../../host/deployment.js";
import { autoDeployment, type PlanModel } from "../../host/placement.js";
import { deploymentJson, freeLoopbackPorts, runLocalNodes } from "../../host/node-local.js";
import { cliPath } from "../util/paths.js";
import { tempDir } from "./helpers.js";

const model: PlanModel = { tasks: [{ name: "P" }, { name: "P" }, { name: "Q" }], gates: [{ name: "G", visible: true }], vectors: [[[0, 1, 2]]] };

test("an automatic deployment survives its JSON form", async () => {
  const d = autoDeployment(model, await freeLoopbackPorts(3));
  const diags = new DiagnosticBag();
  const back = readDeployment(sourceFile("deployment.json", deploymentJson(d)), diags)!;
  assert.deepEqual(diags.items, []);
  assert.deepEqual(back.nodes.map((n) => n.address), d.nodes.map((n) => n.address));
  assert.deepEqual(back.tasks.map((p) => [p.name, p.node]), [["P#0", "node1"], ["P#1", "node2"], ["Q", "node3"]]);
});

for (const k of [2, 3, 4]) {
  test(`${k} local nodes check their network and exit 0 together`, { timeout: 30_000 }, async () => {
    const d = autoDeployment(model, await freeLoopbackPorts(k));
    const out: string[] = [];
    const r = await runLocalNodes({ cli: cliPath, deployment: d, dir: tempDir("local"), nodeArgs: () => ["--check-network"], onStdout: (n, l) => out.push(`${n}| ${l}`), onStderr: (n, l) => out.push(`${n}! ${l}`) });
    assert.deepEqual(r.codes, d.nodes.map(() => 0), out.join("\n"));
    assert.equal(r.code, 0);
    for (const n of d.nodes) assert.ok(out.includes(`${n.name}| ${n.name}: every peer answered`), out.join("\n"));
  });
}
