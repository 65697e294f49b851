// How long `lntc check` takes on a generated model of about 20,000 lines
// (lexing, parsing, checking and flow analysis, in one process, warm).

import { generateModel } from "./generate-model.js";
import { loadModel, memoryHost } from "../src/frontend/index.js";

export interface CheckBenchResult {
  readonly lines: number;
  readonly bytes: number;
  readonly coldMs: number;
  readonly medianMs: number;
  readonly linesPerSecond: number;
}

export function benchCheck(lines = 20_000, runs = 7): CheckBenchResult {
  const text = generateModel(lines);
  const host = memoryHost({ "big.lnt": text });
  const time = (): number => {
    const t0 = performance.now();
    const r = loadModel("big.lnt", host);
    const t = performance.now() - t0;
    if (r.diagnostics.hasErrors()) {
      const first = r.diagnostics.sorted()[0];
      throw new Error(`generated model has errors: ${first?.message ?? "?"}`);
    }
    return t;
  };
  const coldMs = time();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) times.push(time());
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)]!;
  const actualLines = text.split("\n").length;
  return { lines: actualLines, bytes: text.length, coldMs, medianMs, linesPerSecond: Math.round((actualLines / medianMs) * 1000) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchCheck();
  console.log(`lntc check on a generated model of ${r.lines} lines (${(r.bytes / 1024).toFixed(0)} KiB):`);
  console.log(`  first run ${r.coldMs.toFixed(0)} ms, median of warm runs ${r.medianMs.toFixed(0)} ms (${r.linesPerSecond.toLocaleString("en")} lines/s)`);
}
