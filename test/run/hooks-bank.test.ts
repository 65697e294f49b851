// examples/bank end to end: the shared bank model run with the example's TypeScript hook
// module, driven over HTTP on a port the system chooses; stopped with SIGINT, as Ctrl-C.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { cliPath, examplesDir, repoRoot, sharedModels } from "../util/paths.js";

test("bank over HTTP: deposit, refused withdrawal, withdrawal, balances, bad requests", async () => {
  const child = spawn(process.execPath, [cliPath, "run", join(sharedModels, "bank.lnt"), "--hooks", join(examplesDir, "bank", "hooks.ts")], {
    cwd: repoRoot,
    env: { ...process.env, BANK_PORT: "0", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    const call = async (method: string, path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await call("POST", "/deposit?account=1&amount=50"), { status: 200, body: { account: 1, balance: 50 } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=80"), { status: 400, body: { account: 1, error: "insufficient funds" } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=20"), { status: 200, body: { account: 1, balance: 30 } });
    // concurrent requests on two accounts: each gets its own answer
    const [a, b] = await Promise.all([call("POST", "/deposit?account=2&amount=7"), call("GET", "/balance?account=1")]);
    assert.deepEqual(a, { status: 200, body: { account: 2, balance: 7 } });
    assert.deepEqual(b, { status: 200, body: { account: 1, balance: 30 } });
    assert.equal((await call("GET", "/balance?account=x")).status, 400);
    assert.equal((await call("DELETE", "/balance?account=1")).status, 400);
    child.kill("SIGINT");
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  assert.match(stdout, /^REQUEST !1 !DEPOSIT \(50\)\nREPLY !1 !OK \(50\)\nREQUEST !1 !WITHDRAW \(80\)\nREPLY !1 !REFUSED \("insufficient funds"\)\n/);
  assert.match(stderr, /interrupted after 10 actions/);
});
