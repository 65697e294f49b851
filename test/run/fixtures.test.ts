// The reference semantics' fixtures (test/fixtures/semantics), compiled to Wasm and run:
// 5 seeds each, every trace accepted by the reference trace checker. The fixtures that
// need what the backend does not do yet (a par started inside sequential code) are
// skipped with the reason.

import { test } from "node:test";
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fixturesDir, lntFiles } from "../util/paths.js";
import { compiled } from "../backend/helpers.js";
import { EmbeddedModel } from "../../host/embedded/instance.js";
import { TraceChecker } from "../../src/semantics/trace-check.js";
import { initialThread } from "../../src/semantics/behaviour.js";

for (const path of lntFiles(join(fixturesDir, "semantics"))) {
  test(`semantics fixture ${basename(path)} in Wasm`, async (t) => {
    const b = await compiled(path);
    if (typeof b === "string") {
      if (/LNT70\d\d/.test(b)) {
        const reason = b.split("\n")[0]!;
        t.diagnostic(`skipped: ${reason}`);
        t.skip(reason);
        return;
      }
      assert.fail(b);
    }
    for (let seed = 1; seed <= 5; seed++) {
      const run = new EmbeddedModel(b.wasm).instantiate(seed);
      const labels: string[] = [];
      run.onLabel = (l) => labels.push(l);
      const r = run.run(300);
      const checker: TraceChecker = new TraceChecker(initialThread(b.root, []));
      for (const [i, l] of labels.entries()) if (!checker.step(l)) assert.fail(`seed ${seed}: label ${i + 1} '${l}' refused; possible: ${checker.possible().join(", ")}`);
      if (r.end === "stopped") {
        // a run-time error must be one the reference meets too: it cannot go on either
        assert.equal(r.stop.kind, "error", JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
      }
    }
  });
}
