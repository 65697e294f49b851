// `lntc node OUTDIR` with a hand-written deployment: the manager of pingpong's gates on
// PONGER's node, so that PINGER's guarded reception (PONG ?n where n = x + 1) is decided
// by a manager on another node, on the variables PINGER's READY carries (captured bytes).
// Each node prints the labels it decides; the merged logs are PINGER's exact trace.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPorts } from "../../host/node-local.js";
import { cliPath, sharedModels } from "../util/paths.js";

function lntc(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    c.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test("pingpong with the gates' manager away from the guarded task: the guard runs on captured variables", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntc-node-model-"));
  const model = join(sharedModels, "pingpong.lnt");
  const out = join(dir, "out");
  const c = await lntc(["compile", model, "-o", out]);
  assert.equal(c.code, 0, c.stderr);
  const [pa, pb] = await freeLoopbackPorts(2);
  const deploy = join(dir, "deploy.json");
  writeFileSync(deploy, JSON.stringify({
    nodes: [{ name: "a", address: `127.0.0.1:${pa}` }, { name: "b", address: `127.0.0.1:${pb}` }],
    tasks: { PINGER: "a", PONGER: "b" },
    gates: { PING: "b", PONG: "b" },
  }));
  const logs = [join(dir, "a.log"), join(dir, "b.log")];
  const [ra, rb] = await Promise.all(["a", "b"].map((n, i) => lntc(["node", "--deploy", deploy, "--name", n, "--log", logs[i]!, out])));
  // PINGER sends 0..4 and stops; both nodes see the same deadlock.
  assert.equal(ra!.code, 1, ra!.stderr);
  assert.equal(rb!.code, 1, rb!.stderr);
  assert.match(ra!.stdout, /^a: deadlock: .*\(0 rendezvous negotiated here/m);
  // b negotiates every rendezvous and prints their labels.
  const expected = ["PING !0", "PONG !1", "PING !1", "PONG !2", "PING !2", "PONG !3", "PING !3", "PONG !4", "PING !4", "PONG !5"];
  assert.deepEqual(rb!.stdout.split("\n").filter((l) => /^P(I|O)NG/.test(l)), expected);
  const merged = await lntc(["trace-merge", ...logs, "-o", join(dir, "trace")]);
  assert.equal(merged.code, 0, merged.stderr);
  const check = await lntc(["trace-check", model, join(dir, "trace")]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /trace accepted: 10 labels/);
});

test("lntc node OUTDIR refuses a folder with no compiled model", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntc-node-empty-"));
  const [p] = await freeLoopbackPorts(1);
  const deploy = join(dir, "deploy.json");
  writeFileSync(deploy, JSON.stringify({ nodes: [{ name: "a", address: `127.0.0.1:${p}` }], tasks: {} }));
  const r = await lntc(["node", "--deploy", deploy, "--name", "a", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /holds no compiled model/);
});
