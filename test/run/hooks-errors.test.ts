// lntc run --hooks: each kind of bad hook behaviour is a diagnostic naming the gate, the
// values, the position and the model's offer site, exit status 1, no stack trace.

import { test } from "node:test";
import assert from "node:assert/strict";
import { hookDir, runHooks } from "../util/hooks.js";

const dir = hookDir();

/** Asserts a clean failure: status 1, the code, the wanted text, the model position, no stack trace. */
function bad(name: string, source: string, code: string, text: RegExp, at = true): void {
  const r = runHooks(dir, name, source);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`\\[${code}\\]`));
  assert.match(r.stderr, text);
  if (at) assert.match(r.stderr, /hk\.lnt:7:10: error/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
}

const offer = (values: string, gate = "GET", hooks = "{ GET: { accept: false } }") =>
  `export default function (env) { env.offer(${JSON.stringify(gate)}, ${values}); return { gates: ${hooks} }; }`;

test("a hook that throws", () => {
  bad("throws", `export default function () { return { gates: { GET: { supply: (p) => (p === 0 ? 1 : undefined), accept: () => { throw new Error("boom"); } } } }; }`, "LNT7006", /hook of gate GET: accept threw: boom \(values: \[1,"RED"\]\)/);
  bad("onaction-throws", `export default function (env) { env.offer("GET", [1, "RED"]); return { gates: { GET: { accept: false, onAction: () => { throw new Error("late"); } } } }; }`, "LNT7006", /onAction threw: late/);
  bad("setup-throws", `export default function () { throw new Error("no setup"); }`, "LNT7009", /no setup/, false);
});

test("a value of the wrong type", () => {
  bad("wrong-type", offer(`["five", env.any]`), "LNT7007", /gate GET: offer gave a bad value at position 1: "five" is not a nat .*\(values: \["five","any"\]\)/);
  bad("wrong-ctor", offer(`[1, "PURPLE"]`), "LNT7007", /position 2: "PURPLE" is not a Color \(one of RED, GREEN, BLUE\)/);
  bad("not-a-value", offer(`[1, { nothing: true }]`), "LNT7007", /position 2/);
  bad("accept-not-bool", `export default function () { return { gates: { GET: { supply: (p) => (p === 0 ? 1 : undefined), accept: () => "yes" } } }; }`, "LNT7007", /accept gave a bad value.*"yes" is not a boolean/);
  bad("supply-wrong", `export default function () { return { gates: { GET: { supply: () => "x" } } }; }`, "LNT7007", /supply gave a bad value at position 1: "x" is not a nat/);
});

test("a wrong number of values", () => {
  bad("arity", offer(`[1]`), "LNT7007", /1 values where the gate takes 2 \(values: \[1\]\)/);
});

test("an offer on a gate that does not exist, is not visible, or has no hook", () => {
  bad("unknown-gate", offer(`[1, "RED"]`, "NOPE"), "LNT7008", /offer on gate 'NOPE' \(values: \[1,"RED"\]\): no such visible gate/, false);
  bad("unhooked-gate", offer(`[1, "RED"]`, "PUT"), "LNT7008", /offer on gate 'PUT' .*the gate has no hook/, false);
});

test("a nat out of range", () => {
  bad("negative", offer(`[-1, env.any]`), "LNT7007", /position 1: -1 is out of the range of nat/);
  bad("too-big", offer(`[2n ** 70n, env.any]`), "LNT7007", /position 1: \d+ is out of the range of nat/);
  bad("fraction", offer(`[1.5, env.any]`), "LNT7007", /position 1: 1.5 is not a nat/);
});

test("a TypeScript hook module that does not fit the model's declarations", () => {
  const ts = (name: string, body: string) => runHooks(dir, name, `import type { Environment, Hooks } from "lntc:model";\nexport default function (env: Environment): Hooks {\n${body}\n}\n`, [], "ts");
  for (const [name, body, text] of [
    ["ts-value", `void env.offer("GET", ["five", env.any]);\n  return { gates: { GET: { accept: false } } };`, /3:\d+: Type 'string' is not assignable to type 'bigint/],
    ["ts-gate", `return { gates: { NOPE: {} } };`, /3:\d+: Object literal may only specify known properties, and 'NOPE' does not exist/],
  ] as const) {
    const r = ts(name, body);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /\[LNT7009\]/);
    assert.match(r.stderr, text);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  }
  const r = runHooks(dir, "ts-setup", `export default 42;`, [], "ts");
  assert.match(r.stderr, /its default export is not a Setup of this model/);
});

test("a hook for a gate the model does not have (JS)", () => {
  bad("js-gate", `export default function () { return { gates: { NOPE: {} } }; }`, "LNT7008", /hook on gate 'NOPE' .*no such visible gate/, false);
});

test("a TypeScript hook module that does not parse", () => {
  const r = runHooks(dir, "broken", `export default function ( {`, [], "ts");
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\[LNT7009\]/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});
