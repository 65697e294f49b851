// Deployment files: a good one, the hash, and each kind of bad file reported at
// file:line:col, directly and through `lntc plan`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { formatPosition, sourceFile } from "../../src/frontend/source.js";
import { deploymentHash, readDeployment } from "../../host/deployment.js";
import { resolvePlacement, type PlanModel } from "../../host/placement.js";
import { runCli } from "../util/run-cli.js";
import { sharedModels } from "../util/paths.js";
import { tempDir } from "./helpers.js";

const good = `{
  "nodes": [
    { "name": "a", "address": "127.0.0.1:7001" },
    { "name": "b", "address": "[::1]:7002" }
  ],
  "tasks": { "PINGER": "a", "PONGER": "b" },
  "gates": { "PING": "b" },
  "options": { "peerTimeoutMs": 1000 }
}
`;

const pingpong: PlanModel = {
  tasks: [{ name: "PINGER" }, { name: "PONGER" }],
  gates: [{ name: "PING", visible: true }, { name: "PONG", visible: true }],
  vectors: [[[0, 1]], [[0, 1]]],
};

/** The errors of a file as "line:col: message". */
function errors(text: string, model?: PlanModel): string[] {
  const diags = new DiagnosticBag();
  const d = readDeployment(sourceFile("deploy.json", text), diags);
  if (d && model) resolvePlacement(model, d, diags);
  return diags.items.map((x) => `${x.span ? formatPosition(x.span).replace(/^deploy\.json:/, "") : "-"}: ${x.message} [${x.code}]`);
}

test("a good deployment reads, and its hash ignores key order and options", () => {
  const diags = new DiagnosticBag();
  const d = readDeployment(sourceFile("deploy.json", good), diags)!;
  assert.deepEqual(diags.items, []);
  assert.deepEqual(d.nodes.map((n) => [n.name, n.host, n.port]), [["a", "127.0.0.1", 7001], ["b", "::1", 7002]]);
  assert.equal(d.options.peerTimeoutMs, 1000);
  const p = resolvePlacement(pingpong, d, diags)!;
  assert.deepEqual(p.taskNode, [0, 1]);
  // PING where the file says; PONG beside it, so that neither task offers to two managers.
  assert.deepEqual(p.gateNode, [1, 1]);
  assert.deepEqual(p.gateFixed, [true, false]);
  const reordered = good.replace(`"tasks": { "PINGER": "a", "PONGER": "b" }`, `"tasks": { "PONGER": "b", "PINGER": "a" }`).replace(`, "options": { "peerTimeoutMs": 1000 }`, "");
  const d2 = readDeployment(sourceFile("other.json", reordered), new DiagnosticBag())!;
  assert.deepEqual(deploymentHash(d2), deploymentHash(d));
  const moved = readDeployment(sourceFile("x.json", good.replace(`"PONGER": "b"`, `"PONGER": "a"`)), new DiagnosticBag())!;
  assert.notDeepEqual(deploymentHash(moved), deploymentHash(d));
});

test("each bad deployment is reported at its line and column", () => {
  assert.deepEqual(errors(good.replace(`, "address": "[::1]:7002"`, "")), ["4:5: node 2 has no 'address': where the node listens, host:port [LNT8003]"]);
  assert.deepEqual(errors(good.replace(`"name": "b"`, `"name": "a"`)), [
    "4:15: node 'a' is declared twice [LNT8005]",
    "6:39: 'b' is not a node of this deployment; the nodes are a [LNT8008]",
    "7:22: 'b' is not a node of this deployment; the nodes are a [LNT8008]",
  ]);
  assert.deepEqual(errors(good.replace("127.0.0.1:7001", "127.0.0.1:70001")), ["3:31: address '127.0.0.1:70001' of node 'a' is not host:port with a port from 1 to 65535 [LNT8006]"]);
  assert.deepEqual(errors(good.replace("127.0.0.1:7001", "localhost")), ["3:31: address 'localhost' of node 'a' is not host:port with a port from 1 to 65535 [LNT8006]"]);
  assert.deepEqual(errors(good.replace(`"PONGER": "b" }`, `"PONGER": "b", }`)), ["6:44: deployment file: expected a key in double quotes, found '}' [LNT8001]"]);
  assert.deepEqual(errors(good.replace(`"PONGER": "b"`, `"PONGER": "c"`)), ["6:39: 'c' is not a node of this deployment; the nodes are a, b [LNT8008]"]);
  assert.deepEqual(errors(good.replace(`"gates"`, `"gate"`)), ["7:3: unknown key 'gate' in the deployment; expected one of nodes, tasks, gates, hooks, options [LNT8004]"]);
  assert.deepEqual(errors(good.replace(`"nodes": [`, `"nodes": 3, "x": [`)), ["2:15: unknown key 'x' in the deployment; expected one of nodes, tasks, gates, hooks, options [LNT8004]", "2:12: 'nodes' must be an array, not a number [LNT8002]"]);
  assert.deepEqual(errors(good.replace(`"peerTimeoutMs": 1000`, `"peerTimeoutMs": 10`)), ["8:33: option 'peerTimeoutMs' must be a whole number of milliseconds from 200 to 600000 [LNT8011]"]);
  assert.deepEqual(errors(""), ["1:1: deployment file: expected a value, found the end of the file [LNT8001]"]);
  // Against the model: an unknown task, a task left out, an unknown gate.
  assert.deepEqual(errors(good.replace(`"PINGER": "a"`, `"PINGR": "a"`), pingpong), [
    "6:14: the model has no task 'PINGR'; its tasks are PINGER, PONGER [LNT8012]",
    "6:12: task 'PINGER' is not placed on any node [LNT8013]",
  ]);
  assert.deepEqual(errors(good.replace(`"PING": "b"`, `"PANG": "b"`), pingpong), ["7:14: the model has no synchronized gate 'PANG'; its gates are PING, PONG [LNT8014]"]);
});

test("lntc plan prints the placement and the cost per gate, and reports bad files at file:line:col", { timeout: 60_000 }, () => {
  const dir = tempDir("plan");
  const f = join(dir, "deploy.json");
  writeFileSync(f, good.replace(`"[::1]:7002"`, `"127.0.0.1:7002"`));
  const r = runCli(["plan", join(sharedModels, "pingpong.lnt"), "--deploy", f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /a \(127\.0\.0\.1:7001\)\n {4}tasks: PINGER\n {4}negotiates: -/);
  assert.match(r.stdout, /PING +b +deployment +1 +0 +4 +2 +2 +2 +b/);
  assert.match(r.stdout, /PONG +b +lntc +1 +0 +4 +2 +2 +2 +b/);
  writeFileSync(f, good.replace(`"PONGER": "b"`, `"PONGR": "b"`));
  const bad = runCli(["plan", join(sharedModels, "pingpong.lnt"), "--deploy", f]);
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`${f}:6:29: error: the model has no task 'PONGR'; its tasks are PINGER, PONGER [LNT8012]`), bad.stderr);
  const auto = runCli(["plan", join(sharedModels, "barrier.lnt"), "--nodes", "2"]);
  assert.equal(auto.status, 0, auto.stderr);
  assert.match(auto.stdout, /node1 \(127\.0\.0\.1:\d+\)/);
});
