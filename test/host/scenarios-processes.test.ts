// The shared models (as the protocol simulator's automata: pingpong, philosophers,
// committee, paint, barrier) on 2, 3 and 4 node processes with lntc's automatic
// placement: every node exits with the same verdict, and the merged logs pass the same
// checks as in process (sim-distributed.ts's checkRun).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allScenarios } from "../../src/protocol-sim/scenarios.js";
import { deploymentFor, freePorts, here, tempDir, TestNode, withNodes } from "./helpers.js";
import { checkRun, placedLayout, type Firing } from "./sim-distributed.js";

const shared = ["pingpong(5,m@0)", "philosophers(3,central)", "philosophers(5,central)", "committee(#2 of 3)", "paint", "barrier(4x3)"];

const scenarios = allScenarios();

for (const name of shared) {
  const sys = scenarios.find((s) => s.name === name);
  for (const k of [2, 3, 4]) {
    test(`${name} on ${k} node processes`, { timeout: 30_000 }, async (t) => {
      assert.ok(sys, `no scenario named ${name}: ${scenarios.map((s) => s.name).join(", ")}`);
      const dir = tempDir("scn");
      const names = Array.from({ length: k }, (_, i) => `n${i}`);
      const nodes = deploymentFor(names, await freePorts(k));
      const procs = names.map((self) => {
        const cfg = join(dir, `${self}.json`);
        writeFileSync(cfg, JSON.stringify({ scenario: name, k, self, nodes, logPath: join(dir, `${self}.log`), resultPath: join(dir, `${self}.result.json`) }));
        return new TestNode(self, spawn(process.execPath, [join(here, "scenario-node.js"), cfg], { stdio: ["pipe", "pipe", "pipe"] }));
      });
      await withNodes(procs, async () => {
        const codes = await Promise.all(procs.map((p) => p.exited));
        const said = procs.map((p) => `${p.name} (${p.exitCode}): ${p.stderr}`).join("\n");
        assert.ok(codes.every((c) => c === codes[0] && (c === 0 || c === 1)), said);
        const ends = sys!.tasks.map(() => ({ history: [] as Firing[], ended: false, state: 0 }));
        const verdicts: string[] = [];
        for (const n of names) {
          const r = JSON.parse(readFileSync(join(dir, `${n}.result.json`), "utf8")) as { verdict: string; tasks: { t: number; history: Firing[]; state: number; ended: boolean }[] };
          verdicts.push(r.verdict);
          for (const x of r.tasks) ends[x.t] = x;
        }
        const layout = placedLayout(sys!, k);
        const r = checkRun(
          sys!,
          layout,
          verdicts,
          new Map(names.map((n) => [n, readFileSync(join(dir, `${n}.log`), "utf8")])),
          ends.map((e) => ({ history: e.history, ended: e.ended, current: e.history.length >= sys!.maxSteps ? null : sys!.tasks[ends.indexOf(e)]!.states[e.state]!.offers })),
          said,
        );
        t.diagnostic(`${r.verdict}, ${r.actions} actions; gates on ${layout.gateManager.map((m, g) => `${sys!.gates[g]!.name}@n${m}`).join(" ")}`);
      });
    });
  }
}
