// The measuring process of an embedded run (spawned by bench/ours/embedded.ts): loads a
// compiled model, runs it in timed batches of actions with no labels built, and prints
// its figures per rendezvous (protocol messages included: they pass by calls inside the
// Wasm) and its own peak RSS as one JSON line.
//
//   node dist/bench/ours/embedded-child.js WASM BUDGET_MS RENDEZVOUS_PER_ACTION

import { readFileSync } from "node:fs";
import { EmbeddedModel } from "../../host/embedded/instance.js";
import { sampleSync } from "../harness/stats.js";
import { peakRssSelf } from "../harness/proc.js";

/** The child: instantiate, run batches of actions, print the figures per rendezvous. */
function child(wasmFile: string, budgetMs: number, rdvPerAction: number): void {
  const run = new EmbeddedModel(readFileSync(wasmFile)).instantiate(1);
  const ACTIONS = 1000;
  let failure: string | undefined;
  const before = { messages: run.messages, steps: run.steps };
  const s = sampleSync(() => {
    if (failure) return;
    const r = run.run(ACTIONS, false);
    if (r.end !== "steps") failure = `the run ended after ${r.steps} actions: ${r.end}${r.end === "stopped" ? ` (${JSON.stringify(r.stop, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))})` : ""}`;
  }, budgetMs, 1);
  if (failure) {
    process.stdout.write(JSON.stringify({ error: failure }) + "\n");
    return;
  }
  // A batch is ACTIONS actions, hence ACTIONS * rdvPerAction rendezvous.
  const perBatch = ACTIONS * rdvPerAction;
  const rendezvous = (run.steps - before.steps) * rdvPerAction;
  process.stdout.write(JSON.stringify({
    messagesPerRendezvous: rendezvous > 0 ? (run.messages - before.messages) / rendezvous : 0,
    perSecond: s.perSecond * perBatch,
    p50Us: s.p50Us / perBatch,
    p99Us: s.p99Us / perBatch,
    samples: s.samples * perBatch,
    maxRssBytes: peakRssSelf(),
  }) + "\n");
}

child(process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]));
