// lntc run --hooks: each behaviour of the environment as a party of the hooked gates
// (offers resolved with the model's values, accept/refuse, supply, notifications, gates
// without hooks, waiting instead of a deadlock), through the CLI as a user runs it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { hookDir, runHooks } from "../util/hooks.js";

const dir = hookDir();

test("an offer resolves with every value of the action, those chosen by the model included", () => {
  const seen = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = runHooks(dir, "offer", `export default function (env) {
      env.offer("GET", [5, env.any]).then((v) => {
        process.stderr.write("RESOLVED " + typeof v[0] + " " + v[0] + " " + v[1] + "\\n");
        env.stop();
      });
      return { gates: { GET: { accept: false } } };
    }`, ["--seed", String(seed)]);
    assert.equal(r.status, 0, r.stderr);
    const m = /RESOLVED bigint 5 (RED|GREEN|BLUE)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.match(r.stdout, new RegExp(`^GET !5 !${m[1]}$`, "m"));
    assert.match(r.stderr, /stopped by the hooks after \d+ actions?/);
    seen.add(m[1]!);
  }
  assert.ok(seen.size > 1, "the model chooses the color, varying with the seed");
});

test("accept refuses actions and supply gives the values no task emits; a gate without a hook runs on its own", () => {
  const r = runHooks(dir, "accept", `export default function () {
    return { gates: { GET: { supply: (p) => (p === 0 ? 7n : undefined), accept: ([x, c]) => c !== "RED" } } };
  }`, ["--steps", "60", "--seed", "3"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 60);
  const gets = lines.filter((l) => l.startsWith("GET"));
  const puts = lines.filter((l) => l.startsWith("PUT"));
  assert.equal(gets.length, 30);
  for (const g of gets) assert.match(g, /^GET !7 !(GREEN|BLUE)$/);
  for (const p of puts) assert.match(p, /^PUT !8 !(GREEN|BLUE)$/);
  assert.ok(gets.some((g) => g.endsWith("GREEN")) && gets.some((g) => g.endsWith("BLUE")));
  assert.match(r.stderr, /stopped after 60 actions \(--steps\)/);
});

test("onAction is told of every action on its gate, after it happened, with typed values", () => {
  const r = runHooks(dir, "notify", `export default function (env) {
    const got = [];
    let n = 0;
    const next = () => env.offer("GET", [n++, "BLUE"]).then(() => { if (n < 5) next(); });
    next();
    return {
      gates: { GET: { accept: false }, PUT: { onAction: (v) => { got.push(v); if (got.length === 5) env.stop(); } } },
      close: () => process.stderr.write("GOT " + got.map(([x, c]) => typeof x + ":" + x + ":" + c).join(",") + "\\n"),
    };
  }`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /GOT bigint:1:BLUE,bigint:2:BLUE,bigint:3:BLUE,bigint:4:BLUE,bigint:5:BLUE/);
  assert.equal(r.stdout.trim().split("\n").filter((l) => l.startsWith("PUT")).length, 5);
});

test("with no action possible but hooks present, the run waits for the environment instead of a deadlock", () => {
  const t0 = Date.now();
  const r = runHooks(dir, "wait", `export default function (env) {
    setTimeout(() => env.offer("GET", [3, "GREEN"]), 400);
    return { gates: { GET: { accept: false }, PUT: { onAction: () => env.stop() } } };
  }`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 >= 400);
  assert.equal(r.stdout, "GET !3 !GREEN\nPUT !4 !GREEN\n");
  assert.doesNotMatch(r.stderr, /deadlock/);
});

test("a hook module in TypeScript is checked against the model's declarations, then run", () => {
  const r = runHooks(dir, "typed", `import type { Environment, Hooks, Color } from "lntc:model";
  export default function (env: Environment): Hooks {
    void env.offer("GET", [1n, env.any]).then(([x, c]: readonly [bigint, Color]) => { process.stderr.write("TS " + x + " " + c + "\\n"); env.stop(); });
    return { gates: { GET: { accept: false } } };
  }`, [], "ts");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /TS 1 (RED|GREEN|BLUE)/);
});

test("supply is asked again after each action of the environment", () => {
  const r = runHooks(dir, "fresh", `export default function () {
    let n = 0;
    return { gates: { GET: { supply: (p) => (p === 0 ? BigInt(n++) : undefined) } } };
  }`, ["--steps", "6"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n").filter((l) => l.startsWith("GET")).map((l) => l.split(" ")[1]), ["!0", "!1", "!2"]);
});
