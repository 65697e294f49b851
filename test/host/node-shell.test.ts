// The node shell between real processes: every node reaches the same verdict (terminated,
// deadlock) by quiescence detection, Ctrl-C on one node stops them all, a step limit or a
// stop asked from outside stops them all with the verdict "step-limit", and the nodes'
// action logs merge into the global trace.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sourceFile } from "../../src/frontend/source.js";
import { mergeLogs } from "../../host/trace-log.js";
import { exitStatus, isVerdict } from "../../host/node-shell.js";
import { deploymentFor, freePorts, here, tempDir, TestNode, withNodes } from "./helpers.js";

async function ring(n: number, mode: string, rounds: number, hopDelayMs = 0, extra: Record<string, object> = {}): Promise<{ dir: string; names: string[]; nodes: TestNode[] }> {
  const dir = tempDir("shell");
  const names = ["a", "b", "c", "d"].slice(0, n);
  const nodes = deploymentFor(names, await freePorts(n));
  const procs = names.map((name) => {
    const cfg = join(dir, `${name}.json`);
    writeFileSync(cfg, JSON.stringify({ nodes, self: name, rounds, mode, logPath: join(dir, `${name}.log`), hopDelayMs, ...extra[name] }));
    return new TestNode(name, spawn(process.execPath, [join(here, "shell-node.js"), cfg], { stdio: ["pipe", "pipe", "pipe"] }));
  });
  return { dir, names, nodes: procs };
}

for (const n of [2, 3, 4]) {
  test(`${n} nodes pass a token round and all say 'terminated'; their logs merge into the trace`, { timeout: 20_000 }, async () => {
    const r = await ring(n, "terminate", 3);
    await withNodes(r.nodes, async () => {
      const codes = await Promise.all(r.nodes.map((p) => p.exited));
      const all = r.nodes.map((p) => `${p.name} (${p.exitCode}):\n${p.stderr}`).join("\n");
      assert.deepEqual(codes, r.nodes.map(() => 0), all);
      // Standard output lines that are not JSON land in TestNode.stderr, marked "(stdout)".
      for (const p of r.nodes) assert.match(p.stderr, new RegExp(`^\\(stdout\\) ${p.name}: terminated: every task ended\n$`));
      assert.ok(r.nodes.every((p) => p.find("started")));
      assert.deepEqual(codes, r.nodes.map(() => 0));
      const diags = new DiagnosticBag();
      const trace = mergeLogs(r.names.map((name) => sourceFile(`${name}.log`, readFileSync(join(r.dir, `${name}.log`), "utf8"))), diags);
      assert.deepEqual(diags.items, []);
      assert.deepEqual(trace, Array.from({ length: 3 * n }, (_, i) => `TOKEN !${i + 1}`));
    });
  });
}

test("a deadlock is detected and every node says so", { timeout: 20_000 }, async () => {
  const r = await ring(3, "deadlock", 2);
  await withNodes(r.nodes, async () => {
    const codes = await Promise.all(r.nodes.map((p) => p.exited));
    assert.deepEqual(codes, [1, 1, 1]);
    for (const p of r.nodes) assert.match(p.stderr, /deadlock: no task can move and no message is in flight/);
  });
});

test("Ctrl-C on one node stops every node within 2 s", { timeout: 20_000 }, async () => {
  const r = await ring(3, "terminate", 1_000_000, 2);
  await withNodes(r.nodes, async () => {
    for (const p of r.nodes) await p.until("started", () => p.find("started"), 10_000);
    await new Promise((res) => setTimeout(res, 200));
    const t0 = Date.now();
    r.nodes[1]!.kill("SIGINT");
    const codes = await Promise.all(r.nodes.map((p) => p.exited));
    assert.deepEqual(codes, [130, 130, 130], r.nodes.map((p) => `${p.name} (${p.exitCode}):\n${p.stderr}`).join("\n"));
    for (const p of r.nodes) assert.match(p.stderr, /stopped: interrupted at node b/);
    for (const p of r.nodes) assert.ok(p.exitedAt - t0 < 2000, `${p.name} took ${p.exitedAt - t0} ms`);
  });
});

test("Ctrl-C from a terminal (SIGINT to every node, twice) stops them all with 130", { timeout: 20_000 }, async () => {
  const r = await ring(3, "terminate", 1_000_000, 2);
  await withNodes(r.nodes, async () => {
    for (const p of r.nodes) await p.until("started", () => p.find("started"), 10_000);
    for (const p of r.nodes) p.kill("SIGINT");
    await new Promise((res) => setTimeout(res, 5));
    for (const p of r.nodes) p.kill("SIGINT");
    const codes = await Promise.all(r.nodes.map((p) => p.exited));
    assert.deepEqual(codes, [130, 130, 130], r.nodes.map((p) => `${p.name} (${p.exitCode}):\n${p.stderr}`).join("\n"));
  });
});

function mergedRing(r: { dir: string; names: string[] }): string[] {
  const diags = new DiagnosticBag();
  const trace = mergeLogs(r.names.map((name) => sourceFile(`${name}.log`, readFileSync(join(r.dir, `${name}.log`), "utf8"))), diags);
  assert.deepEqual(diags.items, []);
  return trace!;
}

test("a step limit on any node stops every node, by the coordinator, with the step-limit verdict (status 0)", { timeout: 20_000 }, async () => {
  // b, not the coordinator a, has the limit: it reaches a with b's probe replies.
  const r = await ring(3, "terminate", 1_000_000, 0, { b: { steps: 40 } });
  await withNodes(r.nodes, async () => {
    const codes = await Promise.all(r.nodes.map((p) => p.exited));
    assert.deepEqual(codes, [0, 0, 0], r.nodes.map((p) => `${p.name} (${p.exitCode}):\n${p.stderr}`).join("\n"));
    for (const p of r.nodes) assert.match(p.stderr, new RegExp(`^\\(stdout\\) ${p.name}: stopped: step limit of 40 actions reached \\(--steps\\)\n$`));
    // Counted from the probes: at least the limit, a few more perhaps, and a consistent trace.
    const trace = mergedRing(r);
    assert.ok(trace.length >= 40, `${trace.length} actions`);
    assert.deepEqual(trace, Array.from({ length: trace.length }, (_, i) => `TOKEN !${i + 1}`));
  });
});

test("a stop asked from outside the coordinator stops every node with its step-limit verdict", { timeout: 20_000 }, async () => {
  const r = await ring(3, "terminate", 1_000_000, 1, { a: { stopOnStdin: true } });
  await withNodes(r.nodes, async () => {
    for (const p of r.nodes) await p.until("started", () => p.find("started"), 10_000);
    r.nodes[0]!.proc.stdin!.write("25\n");
    const codes = await Promise.all(r.nodes.map((p) => p.exited));
    assert.deepEqual(codes, [0, 0, 0], r.nodes.map((p) => `${p.name} (${p.exitCode}):\n${p.stderr}`).join("\n"));
    for (const p of r.nodes) assert.match(p.stderr, /stopped: step limit of 25 actions reached \(--steps\)/);
    mergedRing(r);
  });
});

test("a step-limit verdict from the network is checked like the others", () => {
  assert.ok(isVerdict({ kind: "step-limit", steps: 50 }));
  assert.equal(exitStatus({ kind: "step-limit", steps: 50 }), 0);
  for (const bad of [{ kind: "step-limit" }, { kind: "step-limit", steps: -1 }, { kind: "step-limit", steps: 1.5 }, { kind: "step-limit", steps: "50" }, { kind: "steps", steps: 50 }, null, "step-limit"]) {
    assert.equal(isVerdict(bad), false, JSON.stringify(bad));
  }
});
