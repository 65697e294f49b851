// The hand-counted fixtures of test/fixtures/semantics: the reference
// interpreter must reproduce each file's state and transition counts, its
// deadlock verdict, and accept / refuse the listed traces.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturesDir, lntFiles } from "../util/paths.js";
import { loadModel } from "../../src/frontend/index.js";
import { nodeHost } from "../../src/cli/host.js";
import { initialThread } from "../../src/semantics/behaviour.js";
import { explore } from "../../src/semantics/explorer.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";

interface Expect {
  states?: number;
  transitions?: number;
  deadlock?: boolean;
  accept: string[][];
  refuse: string[][];
}

function header(text: string): Expect {
  const e: Expect = { accept: [], refuse: [] };
  for (const line of text.split(/\r?\n/)) {
    const m = /^--\s*(expect-states|expect-transitions|expect-deadlock|accept-trace|refuse-trace):\s*(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2]!.trim();
    const trace = (): string[] => v.split(";").map((x) => x.trim()).filter((x) => x !== "");
    switch (m[1]) {
      case "expect-states": e.states = Number(v); break;
      case "expect-transitions": e.transitions = Number(v); break;
      case "expect-deadlock": e.deadlock = v === "yes"; break;
      case "accept-trace": e.accept.push(trace()); break;
      case "refuse-trace": e.refuse.push(trace()); break;
    }
  }
  return e;
}

function accepts(init: ReturnType<typeof initialThread>, trace: readonly string[]): boolean {
  const c = new TraceChecker(init);
  return trace.every((l) => c.step(l));
}

for (const file of lntFiles(join(fixturesDir, "semantics"))) {
  const name = file.slice(file.lastIndexOf("/") + 1);
  test(`semantics fixture ${name}`, () => {
    const exp = header(readFileSync(file, "utf8"));
    const r = loadModel(file, nodeHost);
    assert.ok(r.model, r.diagnostics.items.map((d) => d.message).join("\n"));
    const init = initialThread(r.model.root!, []);
    const res = explore(init);
    assert.equal(res.error, undefined);
    if (exp.states !== undefined) assert.equal(res.states, exp.states, "states");
    if (exp.transitions !== undefined) assert.equal(res.transitions, exp.transitions, "transitions");
    if (exp.deadlock !== undefined) assert.equal(res.deadlocks.length + res.terminated.length > 0, exp.deadlock, "deadlock");
    for (const t of exp.accept) assert.ok(accepts(init, t), `accepts ${t.join("; ")}`);
    for (const t of exp.refuse) assert.ok(!accepts(init, t), `refuses ${t.join("; ")}`);
  });
}
