// The runnable examples compile and run with traces the reference semantics accepts.
// Examples that use a construct the Wasm backend does not support yet (or need a root
// with arguments) are skipped with the reason logged.

import { test } from "node:test";
import assert from "node:assert/strict";
import { basename } from "node:path";
import { examplesDir, lntFiles } from "../util/paths.js";
import { compiled } from "../backend/helpers.js";
import { EmbeddedModel } from "../../host/embedded/instance.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";
import { initialThread } from "../../src/semantics/behaviour.js";

const SEEDS = 5;
const STEPS = 500;

for (const path of lntFiles(examplesDir)) {
  test(`example ${basename(path)}`, async (t) => {
    const b = await compiled(path);
    if (typeof b === "string") {
      const reason = /LNT70\d\d|LNT3017|LNT3018/.test(b) ? b.split("\n")[0]! : undefined;
      if (reason) {
        t.diagnostic(`skipped: ${reason}`);
        t.skip(reason);
        return;
      }
      assert.fail(b);
    }
    for (let seed = 1; seed <= SEEDS; seed++) {
      const run = new EmbeddedModel(b.wasm).instantiate(seed);
      const labels: string[] = [];
      run.onLabel = (l) => labels.push(l);
      const r = run.run(STEPS);
      assert.notEqual(r.end, "stopped", `seed ${seed}: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
      const checker: TraceChecker = new TraceChecker(initialThread(b.root, []));
      for (const [i, l] of labels.entries()) if (!checker.step(l)) assert.fail(`seed ${seed}: label ${i + 1} '${l}' refused; possible: ${checker.possible().join(", ")}`);
    }
  });
}
