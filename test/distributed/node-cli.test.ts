// `lntc node OUTDIR` with a hand-written deployment: the manager of pingpong's gates on
// PONGER's node, so that PINGER's guarded reception (PONG ?n where n = x + 1) is decided
// by a manager on another node, on the variables PINGER's READY carries (captured bytes).
// Each node prints the labels it decides; the merged logs are PINGER's exact trace. Then
// the step limit by hand: `--steps N` (the run's total, counted by the coordinator) and a
// stop asked on the coordinator's standard input (`--control-stdin`, as lntc run --nodes
// does), each ending every node with the same verdict.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentJson, freeLoopbackPorts } from "../../host/node-local.js";
import { autoDeployment, type PlanModel } from "../../host/placement.js";
import { readFileSync } from "node:fs";
import { lntcAsync } from "../util/run-cli.js";
import { cliPath, sharedModels } from "../util/paths.js";

const lntc = lntcAsync;

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

/** Committee (never ends) compiled, and a deployment of its tasks on two nodes. */
async function committeeOnTwoNodes(prefix: string): Promise<{ dir: string; out: string; deploy: string; model: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(sharedModels, "committee.lnt");
  const out = join(dir, "out");
  const c = await lntc(["compile", model, "-o", out]);
  assert.equal(c.code, 0, c.stderr);
  const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { tasks: PlanModel["tasks"]; gates: (PlanModel["gates"][number] & { vectors: PlanModel["vectors"][number] })[] };
  const plan: PlanModel = { tasks: m.tasks, gates: m.gates, vectors: m.gates.map((g) => g.vectors) };
  const deploy = join(dir, "deploy.json");
  writeFileSync(deploy, deploymentJson(autoDeployment(plan, await freeLoopbackPorts(2))));
  return { dir, out, deploy, model };
}

test("lntc node --steps N: the coordinator stops every node after N actions in all, one verdict, status 0", { timeout: 60_000 }, async () => {
  const { dir, out, deploy, model } = await committeeOnTwoNodes("lntc-node-steps-");
  const logs = [join(dir, "node1.log"), join(dir, "node2.log")];
  // Only node2 has the bound: it travels to the coordinator with node2's probe replies.
  const [r1, r2] = await Promise.all([
    lntc(["node", "--deploy", deploy, "--name", "node1", "--log", logs[0]!, "--quiet", out]),
    lntc(["node", "--deploy", deploy, "--name", "node2", "--log", logs[1]!, "--quiet", "--steps", "40", out]),
  ]);
  for (const [n, r] of [["node1", r1!], ["node2", r2!]] as const) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${n}: stopped: step limit of 40 actions reached \\(--steps\\) \\(`, "m"));
  }
  const trace = join(dir, "trace");
  const merged = await lntc(["trace-merge", ...logs, "--internal", "-o", trace]);
  assert.equal(merged.code, 0, merged.stderr);
  const n = readFileSync(trace, "utf8").split("\n").filter((l) => l !== "").length;
  assert.ok(n >= 40, `${n} actions logged`);
  const check = await lntc(["trace-check", model, trace]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
});

test("lntc node --stream-actions --control-stdin: log lines on standard output, 'stop steps N' stops every node", { timeout: 60_000 }, async () => {
  const { out, deploy } = await committeeOnTwoNodes("lntc-node-control-");
  const nodes = ["node1", "node2"].map((name) => {
    const c = spawn(process.execPath, [cliPath, "node", "--deploy", deploy, "--name", name, "--quiet", "--stream-actions", "--control-stdin", out], { stdio: ["pipe", "pipe", "pipe"] });
    const r = { name, stdout: "", stderr: "", code: new Promise<number>((resolve) => c.on("close", (code) => resolve(code ?? -1))) };
    c.stdout.on("data", (d: Buffer) => (r.stdout += d.toString()));
    c.stderr.on("data", (d: Buffer) => (r.stderr += d.toString()));
    return { c, r };
  });
  try {
    // Once some node has streamed an action, the launcher's command goes to the coordinator.
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const streamed = nodes.some((n) => /^@ \S+@\d+/m.test(n.r.stdout));
        if (streamed || Date.now() - t0 > 20_000) {
          clearInterval(poll);
          if (streamed) resolve();
          else reject(new Error(`no action streamed within 20 s:\n${nodes.map((n) => n.r.stdout + n.r.stderr).join("\n")}`));
        }
      }, 10);
    });
    nodes[0]!.c.stdin.write("stop steps 7\n");
    const codes = await Promise.all(nodes.map((n) => n.r.code));
    assert.deepEqual(codes, [0, 0], nodes.map((n) => n.r.stderr).join("\n"));
  } finally {
    for (const { c } of nodes) if (c.exitCode === null) c.kill();
  }
  for (const { r } of nodes) {
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    // The log's header and actions, then the verdict line, and nothing else (--quiet).
    assert.match(lines[0]!, new RegExp(`^@ # lntc-log 1 node=${r.name} deployment=[0-9a-f]+$`));
    for (const l of lines.slice(1, -1)) assert.match(l, /^@ (\S+@\d+ )*\S+@\d+\t\S/);
    assert.match(lines[lines.length - 1]!, new RegExp(`^${r.name}: stopped: step limit of 7 actions reached \\(--steps\\) \\(`));
  }
});
