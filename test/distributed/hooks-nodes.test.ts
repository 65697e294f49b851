// Hooks on nodes: the environment is one more party of the hooked gates, on the node where
// their hooks run (lntc run --nodes puts them on node1, with the visible gates'
// negotiation); its offers, accept, supply and onAction behave as in the embedded run, while
// tasks on other nodes take part in the same actions. Then the faults: a hook that answers
// with a value of the wrong type stops every node; hooks placed on another node than the
// one given the module are refused with the gate's name.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../util/run-cli.js";
import { cliPath, repoRoot } from "../util/paths.js";
import { bankSession } from "../util/bank.js";
import { freeLoopbackPorts } from "../../host/node-local.js";

// SOURCE takes GET alone (with the environment) and hands the values to SINK, on another node,
// through MID; SINK answers on PUT.
const MODEL = `module hn is
type Color is Red, Green, Blue with ==, != end type
channel C is (nat, Color) end channel
process SOURCE [GET, MID: C] is
   var x: nat, c: Color in loop GET (?x, ?c); MID (!x, !c) end loop end var
end process
process SINK [MID, PUT: C] is
   var x: nat, c: Color in loop MID (?x, ?c); PUT (!x + 1, !c) end loop end var
end process
process MAIN [GET, MID, PUT: C] is
   par MID in SOURCE [GET, MID] || SINK [MID, PUT] end par
end process
end module
`;

const dir = mkdtempSync(join(tmpdir(), "lntc-hooks-nodes-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "hn.lnt"), MODEL);

function run(name: string, source: string, extra: string[] = []) {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  const t0 = Date.now();
  const r = runCli(["run", "--nodes", "2", join(dir, "hn.lnt"), "--hooks", file, ...extra], { timeoutMs: 60_000 });
  return { ...r, ms: Date.now() - t0 };
}

test("across two nodes: supply gives the value no task emits, accept refuses, onAction is told, env.stop() ends every node", () => {
  const r = run("all", `export default function (env) {
    const got = [];
    return {
      gates: {
        GET: { supply: (p) => (p === 0 ? 7n : undefined), accept: ([x, c]) => c !== "RED" },
        PUT: { onAction: (v) => { got.push(v[1]); if (got.length === 6) env.stop(); } },
      },
      close: () => process.stderr.write("GOT " + got.join(",") + "\\n"),
    };
  }`, ["--seed", "4"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /stopped by the hooks after \d+ actions on 2 nodes/);
  assert.match(r.stderr, /GOT ((GREEN|BLUE),){5}(GREEN|BLUE)/);
  const lines = r.stdout.trim().split("\n");
  const gets = lines.filter((l) => l.startsWith("GET"));
  assert.ok(gets.length >= 6, r.stdout);
  for (const g of gets) assert.match(g, /^GET !7 !(GREEN|BLUE)$/);
  for (const p of lines.filter((l) => l.startsWith("PUT"))) assert.match(p, /^PUT !8 !(GREEN|BLUE)$/);
  // the values travel in order from GET through MID (across nodes) to PUT
  const colors = (gate: string) => lines.filter((l) => l.startsWith(gate)).map((l) => l.split(" !")[2]);
  const [g, m, p] = [colors("GET"), colors("MID"), colors("PUT")];
  assert.deepEqual(m, g.slice(0, m.length));
  assert.deepEqual(p, m.slice(0, p.length));
  assert.ok(p.length >= 6);
});

test("an offer made by the hooks resolves with the values of the action, the model's choice included", () => {
  const r = run("offer", `export default function (env) {
    env.offer("GET", [5, env.any]).then((v) => {
      process.stderr.write("RESOLVED " + typeof v[0] + " " + v[0] + " " + v[1] + "\\n");
      env.offer("PUT", [6, v[1]]).then(() => env.stop());
    });
    return { gates: { GET: { accept: false }, PUT: { accept: false } } };
  }`);
  assert.equal(r.status, 0, r.stderr);
  const m = /RESOLVED bigint 5 (RED|GREEN|BLUE)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), [`GET !5 !${m[1]}`, `MID !5 !${m[1]}`, `PUT !6 !${m[1]}`]);
});

test("a hook answering with a value of the wrong type stops every node, status 1, naming the gate", () => {
  const r = run("bad", `export default function () {
    return { gates: { GET: { supply: (p) => (p === 0 ? 7n : undefined), accept: () => "yes" } } };
  }`);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /error: hook of gate GET: accept gave a bad value .*"yes" is not a boolean.*\[LNT7007\]/);
  assert.match(r.stderr, /a hook misbehaved after 0 actions on 2 nodes/);
});

test("lntc node refuses hooks for a gate the deployment places on another node", async () => {
  const out = join(dir, "out");
  assert.equal(runCli(["compile", join(dir, "hn.lnt"), "-o", out]).status, 0);
  const [pa, pb] = await freeLoopbackPorts(2);
  const deploy = join(dir, "deploy.json");
  writeFileSync(deploy, JSON.stringify({
    nodes: [{ name: "a", address: `127.0.0.1:${pa}` }, { name: "b", address: `127.0.0.1:${pb}` }],
    tasks: { SOURCE: "b", SINK: "a" },
    hooks: { GET: "b" },
  }));
  const hooks = join(dir, "get.mjs");
  writeFileSync(hooks, `export default function () { return { gates: { GET: { supply: () => 1n } } }; }`);
  const r = spawnSync(process.execPath, [cliPath, "node", "--deploy", deploy, "--name", "a", out, "--hooks", hooks, "--model", join(dir, "hn.lnt")], { cwd: repoRoot, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /error: hook module: hook on gate 'GET' .*its hooks run on node b .*\[LNT7008\]/);
  // and --hooks without the model's source is a usage error
  const u = spawnSync(process.execPath, [cliPath, "node", "--deploy", deploy, "--name", "a", out, "--hooks", hooks], { cwd: repoRoot, encoding: "utf8", timeout: 30_000 });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /--hooks needs --model/);
});

test("examples/bank on three node processes, over HTTP: the hooks and the gates they take part in on node1", { timeout: 60_000 }, async () => {
  const r = await bankSession(["--nodes", "3"], async (call) => {
    assert.deepEqual(await call("POST", "/deposit?account=1&amount=50"), { status: 200, body: { account: 1, balance: 50 } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=80"), { status: 400, body: { account: 1, error: "insufficient funds" } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=20"), { status: 200, body: { account: 1, balance: 30 } });
    const [a, b] = await Promise.all([call("POST", "/deposit?account=2&amount=7"), call("GET", "/balance?account=1")]);
    assert.deepEqual(a, { status: 200, body: { account: 2, balance: 7 } });
    assert.deepEqual(b, { status: 200, body: { account: 1, balance: 30 } });
  }, 50_000);
  assert.match(r.stdout, /^REQUEST !1 !DEPOSIT \(50\)\nREPLY !1 !OK \(50\)\nREQUEST !1 !WITHDRAW \(80\)\nREPLY !1 !REFUSED \("insufficient funds"\)\n/);
});

test("a hook module that cannot be used stops the run: unreadable at once (status 2), a bad gate from node1 (status 1)", () => {
  const missing = runCli(["run", "--nodes", "2", join(dir, "hn.lnt"), "--hooks", join(dir, "missing.mjs")]);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /cannot read the hook module/);
  const r = run("nogate", `export default function () { return { gates: { NOPE: {} } }; }`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /hook on gate 'NOPE' .*no such visible gate \[LNT7008\]/);
  assert.match(r.stderr, /node1 stopped before every node was up/);
  // the other node is stopped at once, not after its start-up timeout (10 s)
  assert.ok(r.ms < 8_000, `${r.ms} ms`);
});
