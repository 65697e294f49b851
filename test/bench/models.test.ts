// The benchmark models: bench/models/*.lnt are what bench/models/generate.ts writes, they
// check without a diagnostic, and small instances of each run for ever without deadlock
// under the reference explorer.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { barrier, benchModels, negotiation, philosophers, pingpong, select } from "../../bench/models/generate.js";
import { repoRoot } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";

test("bench/models holds what generate.ts writes, and every model checks clean", () => {
  for (const [name, text] of Object.entries(benchModels())) {
    const path = join(repoRoot, "bench", "models", name);
    assert.equal(readFileSync(path, "utf8"), text, `${name} is stale: run node dist/bench/models/generate.js`);
    const r = runCli(["check", path]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, "", `${name}: ${r.stderr}`);
  }
});

test("small instances of the bench models never deadlock", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntc-bench-models-"));
  try {
    const small: Record<string, [string, number]> = {
      // [text, states expected]
      "pingpong_forever.lnt": [pingpong(5), 10],
      "barrier_4.lnt": [barrier(4, 3), 3],
      "philosophers_5.lnt": [philosophers(5), 417],
      "negotiation.lnt": [negotiation(), 2],
      "select_8.lnt": [select(8), 1],
    };
    for (const [name, [text, states]] of Object.entries(small)) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const r = runCli(["explore", path, "-o", join(dir, name.replace(/\.lnt$/, ".aut")), "--deadlocks"], { timeoutMs: 120_000 });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const summary = `${r.stdout}\n${r.stderr}`;
      assert.match(summary, new RegExp(`\\b${states} states, \\d+ transitions, 0 deadlocks`), `${name}: ${summary}`);
    }
    // Negotiation: the one shade every guard allows is the only value ever picked.
    const aut = readFileSync(join(dir, "negotiation.aut"), "utf8");
    assert.match(aut, /"PICK !OCHRE"/);
    assert.doesNotMatch(aut, /"PICK !(CRIMSON|TEAL|SLATE)"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
