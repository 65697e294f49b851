// Benchmark of the reference interpreter's state-space generation (not part
// of the test suite): explores a generated model with at least a million
// states and reports states per second and bytes of memory per stored state.
//
//   npx tsc -p . && node --expose-gc dist/bench/explore.js [--model philosophers|barrier] [--n N]
//
// Memory per state is the growth of the heap (plus array buffers) over the
// exploration, measured with process.memoryUsage after a forced GC, divided
// by the number of states stored.

import { loadModel, memoryHost } from "../src/frontend/index.js";
import { initialThread } from "../src/semantics/behaviour.js";
import { explore } from "../src/semantics/explorer.js";

function philosophers(n: number): string {
  const phils = Array.from({ length: n }, (_x, p) => `PHILOSOPHER [TAKE, DROP, EAT] (${p}, ${p}, ${(p + 1) % n})`).join("\n      || ");
  const forks = Array.from({ length: n }, (_x, f) => `FORK [TAKE, DROP] (${f})`).join("\n      || ");
  return `module bench is
channel FORK_OP is (nat, nat) end channel
channel PHIL is (nat) end channel
process FORK [TAKE, DROP: FORK_OP] (f: nat) is
  var p: nat in loop TAKE (?p, !f); DROP (!p, !f) end loop end var
end process
process PHILOSOPHER [TAKE, DROP: FORK_OP, EAT: PHIL] (p, left, right: nat) is
  loop
    alt TAKE (!p, !left); TAKE (!p, !right) [] TAKE (!p, !right); TAKE (!p, !left) end alt;
    EAT (!p); DROP (!p, !left); DROP (!p, !right)
  end loop
end process
process MAIN [TAKE, DROP: FORK_OP, EAT: PHIL] is
  par TAKE, DROP in
    par ${phils} end par
  || par ${forks} end par
  end par
end process
end module
`;
}

function barrier(n: number, rounds: number): string {
  const ws = Array.from({ length: n }, (_x, i) => `WORKER [STEP, WORKING] (${i + 1}, ${rounds})`).join("\n   || ");
  return `module bench is
channel ROUND is (nat) end channel
channel WORK is (nat, nat) end channel
process WORKER [STEP: ROUND, WORKING: WORK] (id, rounds: nat) is
  var r: nat in
    r := 0;
    while r < rounds loop WORKING (!id, !r); STEP (!r); r := r + 1 end loop
  end var
end process
process MAIN [STEP: ROUND, WORKING: WORK] is
  par STEP in ${ws} end par
end process
end module
`;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const kind = arg("model") ?? "barrier";
const n = Number(arg("n") ?? (kind === "barrier" ? 20 : 9));
const text = kind === "barrier" ? barrier(n, 1) : philosophers(n);
const loaded = loadModel("bench.lnt", memoryHost({ "bench.lnt": text }));
if (!loaded.model) {
  for (const d of loaded.diagnostics.items) process.stderr.write(d.message + "\n");
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
const mem = (): number => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = mem();
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
let last = Date.now();
let after = 0;
const res = explore(initialThread(loaded.model.root!, []), {
  onFinish() {
    after = mem();
  },
  progressEvery: 100_000,
  onProgress(p) {
    const now = Date.now();
    process.stderr.write(`  ${p.states} states, ${p.transitions} transitions (${now - last} ms)\n`);
    last = now;
  },
});
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
// CPU time is the fairer figure on a shared machine; it includes the GC threads' time.
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const perState = (after - before) / res.states;
console.log(`model: ${kind} ${n}${gc ? "" : " (run node with --expose-gc for exact memory figures)"}`);
console.log(`states: ${res.states}, transitions: ${res.transitions}, deadlocks: ${res.deadlocks.length}`);
console.log(`time: ${secs.toFixed(1)} s wall, ${cpuSecs.toFixed(1)} s CPU`);
console.log(`speed: ${Math.round(res.states / secs)} states/s wall, ${Math.round(res.states / cpuSecs)} states per CPU second, ${Math.round(res.transitions / secs)} transitions/s wall`);
console.log(`memory: ${(after - before) / 1e6 | 0} MB, ${Math.round(perState)} bytes per state`);
void res.traceTo(0);
