// examples/bank end to end: the shared bank model run with the example's TypeScript hook
// module, driven over HTTP on a port the system chooses; stopped with SIGINT, as Ctrl-C.

import { test } from "node:test";
import assert from "node:assert/strict";
import { bankSession } from "../util/bank.js";

test("bank over HTTP: deposit, refused withdrawal, withdrawal, balances, bad requests", async () => {
  const r = await bankSession([], async (call) => {
    assert.deepEqual(await call("POST", "/deposit?account=1&amount=50"), { status: 200, body: { account: 1, balance: 50 } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=80"), { status: 400, body: { account: 1, error: "insufficient funds" } });
    assert.deepEqual(await call("POST", "/withdraw?account=1&amount=20"), { status: 200, body: { account: 1, balance: 30 } });
    // concurrent requests on two accounts: each gets its own answer
    const [a, b] = await Promise.all([call("POST", "/deposit?account=2&amount=7"), call("GET", "/balance?account=1")]);
    assert.deepEqual(a, { status: 200, body: { account: 2, balance: 7 } });
    assert.deepEqual(b, { status: 200, body: { account: 1, balance: 30 } });
    assert.equal((await call("GET", "/balance?account=x")).status, 400);
    assert.equal((await call("DELETE", "/balance?account=1")).status, 400);
  });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^REQUEST !1 !DEPOSIT \(50\)\nREPLY !1 !OK \(50\)\nREQUEST !1 !WITHDRAW \(80\)\nREPLY !1 !REFUSED \("insufficient funds"\)\n/);
  assert.match(r.stderr, /interrupted after 10 actions/);
});
