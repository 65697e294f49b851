// Runs one exported measurement of a plug file (bench/NAME.ts) in a process of its own and
// prints its result as one JSON line, so that the measuring side's peak RSS is its own and
// not the harness's. Spawned by plugInChild() in bench/scenarios.ts.
//
//   node dist/bench/harness/plug-child.js NAME EXPORT BUDGET_MS [quick]

import { loadPlug } from "../scenarios.js";

const [name, fn, budget, quick] = process.argv.slice(2);
const loaded = await loadPlug<(ctx: { budgetMs: number; quick: boolean; log(l: string): void }) => Promise<unknown>>(name!, [fn!]);
if ("reason" in loaded) {
  process.stdout.write(JSON.stringify({ notAvailable: loaded.reason }) + "\n");
} else {
  const r = await loaded.ok({ budgetMs: Number(budget), quick: quick === "quick", log: (l) => void process.stderr.write(`${l}\n`) });
  process.stdout.write(JSON.stringify(r) + "\n");
}
// Whatever the measurement left open (streams, timers) must not keep this process.
process.exit(0);
