// The generated model's face: the methods of GeneratedModel that let a manager on another
// node evaluate a task's guard on the variables its READY carries (captured and decoded
// into this instance's copy of the task's variables, restored after), and the exports the
// host drives the model through. Every run, embedded or on nodes, goes through the driver
// of runtime-as/node (the protocol's task and gate sides); values and protocol messages
// cross the host boundary as codec bytes, through staged buffers.

/** Per-task helpers (encode, decode, save, restore a task's variables), module level. */
export function taskVariableHelpers(taskIds: readonly number[]): string[] {
  const each = (f: (t: number) => string): string[] => taskIds.map(f);
  return [
    "function tEnc(t: i32): void {",
    "  switch (t) {",
    ...each((t) => `    case ${t}: t${t}_enc(W); break;`),
    "  }",
    "}",
    "function tDec(t: i32, r: Reader): void {",
    "  switch (t) {",
    ...each((t) => `    case ${t}: t${t}_dec(r); break;`),
    "  }",
    "}",
    "function tSave(t: i32): Snapshot {",
    "  switch (t) {",
    ...each((t) => `    case ${t}: return t${t}_save();`),
    "  }",
    "  return t0_save();",
    "}",
    "function tLoad(t: i32, x: Snapshot): void {",
    "  switch (t) {",
    ...each((t) => `    case ${t}: t${t}_load(x); break;`),
    "  }",
    "}",
  ];
}

/** Methods of GeneratedModel (inside the class) for offers that travel between nodes. */
export const capturedMethods: readonly string[] = [
  "  acceptCaptured(task: i32, site: i32, captured: Uint8Array, values: Array<Uint8Array>): bool {",
  "    const keep = tSave(task);",
  "    tDec(task, rd(captured));",
  "    const ok = this.accept(S.sites[site], values);",
  "    tLoad(task, keep);",
  "    return ok;",
  "  }",
  "  capture(o: Offer): Uint8Array {",
  "    const sv = o.saved;",
  "    if (sv === null) { tEnc(o.task); return W.take(); }",
  "    const keep = tSave(o.task);",
  "    tLoad(o.task, sv!);",
  "    tEnc(o.task);",
  "    const b = W.take();",
  "    tLoad(o.task, keep);",
  "    return b;",
  "  }",
];

/** The exported functions, after `S` (the task table) and `D` (the driver) are declared. */
export function hostExports(taskCount: number): string[] {
  return [
    "// ---- the host's interface (host/embedded/instance.ts, host/node-engine-wasm.ts)",
    "/** The embedded run: every task and every gate on this one instance. */",
    "export function init(s: u32): void {",
    "  seed(s);",
    "  tables();",
    "  D.embedded(<i32>s);",
    "}",
    "/** A node of a distributed run: the placement is staged (see Driver.placed). */",
    "export function nodeSetup(s: u32): void {",
    "  seed(s);",
    "  tables();",
    "  D.placed(<i32>s, STAGED);",
    "}",
    "export function run(max: i32, print: bool): i32 { return D.run(max, print); }",
    "export function nodeStart(): void { D.start(); }",
    "/** Messages from other nodes, staged: count, then (toManager, to, bytes) each. */",
    "export function nodeReceive(): void { D.receive(STAGED); }",
    "/** Delivers up to `limit` local messages; whether some are left. */",
    "export function nodeDrain(limit: i32): bool { return D.drain(limit); }",
    "export function nodePending(): bool { return D.pending(); }",
    "export function nodeEnded(): bool { return D.ended(); }",
    "/** The outbox (count, then (node, toManager, to, bytes) each): its length; bytes at outPtr(). */",
    "export function outTake(): i32 { OUT = D.takeOut(); return OUT.length; }",
    "export function outPtr(): usize { return OUT.dataStart; }",
    "export function localMessages(): i32 { return D.localMessages; }",
    "export function networkMessages(): i32 { return D.networkMessages; }",
    "/** A buffer of n bytes for the host to fill before nodeSetup, nodeReceive or envValue. */",
    "export function stage(n: i32): usize { STAGED = new Uint8Array(n); return STAGED.dataStart; }",
    "export function steps(): i32 { return D.steps; }",
    `export function taskCount(): i32 { return ${taskCount}; }`,
    "export function taskStatus(t: i32): i32 { return S.status[t]; }",
    "export function taskOfferCount(t: i32): i32 { return S.offers[t].length; }",
    "export function taskOfferSite(t: i32, i: i32): i32 { return S.offers[t][i].site; }",
    "/** The value emitted at position p of task t's i-th current offer, printed; empty for a reception. */",
    "export function taskOfferValue(t: i32, i: i32, p: i32): string { const o = S.offers[t][i]; const e = o.emit[p]; return e === null ? \"\" : printOf(o.types[p], e!); }",
    "export function lastGate(): i32 { return D.lastGate; }",
    "export function lastPartCount(): i32 { return D.lastTasks.length; }",
    "export function lastPartTask(i: i32): i32 { return D.lastTasks[i]; }",
    "export function lastPartStep(i: i32): i32 { return D.lastSteps[i]; }",
    "// the environment (hooks): its offers come from the host, values as codec bytes through the staged buffer",
    "export function envEnable(): void { D.envEnable(); }",
    "export function envHook(g: i32): void { D.envHook(g); }",
    "export function envClear(): void { D.envClear(); }",
    "export function envOffer(gate: i32, id: i32, arity: i32, guard: bool): void { D.envOffer(gate, id, arity, guard); }",
    "export function envType(p: i32, t: i32): void { D.envType(p, t); }",
    "export function envValue(p: i32, fallback: bool): void { D.envValue(p, STAGED.slice(0), fallback); }",
    "export function envPublish(): void { D.envPublish(); }",
    "/** The environment's offer that fired since the last call (-1: none), taken; and its gate. */",
    "export function envTake(): i32 { const f = D.envFired; D.envFired = -1; return f; }",
    "export function envGate(): i32 { return D.envGate; }",
    "/** Values: which = 0 the candidate the accept hook is asked about, 1 the last action, 2 the environment's last action. */",
    "function valuesOf(which: i32): Array<Uint8Array> { return which == 0 ? D.current : which == 1 ? D.lastVals : D.envVals; }",
    "export function valueCount(which: i32): i32 { return valuesOf(which).length; }",
    "export function valuePtr(which: i32, p: i32): usize { return valuesOf(which)[p].dataStart; }",
    "export function valueLen(which: i32, p: i32): i32 { return valuesOf(which)[p].length; }",
    "",
  ];
}
