// Run-time errors of the model in a Wasm run are diagnostics at their source position
// (overflow against !nat_bits, a case that matches nothing, a failed assert, a loop
// without action), exit status 1, never a Wasm trap.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../util/run-cli.js";
import { ENSURE_FN, ENSURE_PROC, ENSURE_TASK } from "../util/ensure-models.js";

const tmp = mkdtempSync(join(tmpdir(), "lntc-rt-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function model(name: string, text: string): string {
  const p = join(tmp, `${name}.lnt`);
  writeFileSync(p, text);
  return p;
}

test("overflow against !nat_bits is LNT6002 at the operation, with the value", () => {
  const p = model("overflow", `module overflow is
!nat_bits 4
channel NAT is (nat) end channel
process MAIN [G: NAT] is
   var n: nat in
      n := 10;
      loop
         G (!n);
         n := n + 3
      end loop
   end var
end process
end module
`);
  const r = runCli(["run", p], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "G !10\nG !13\n");
  assert.match(r.stderr, /overflow\.lnt:9:15: error: value 16 is out of the bounds of type nat \(0 \.\. 15\) \[LNT6002\]/);
  assert.doesNotMatch(r.stderr, /RuntimeError|wasm-function|\n\s+at /);
});

test("a case that matches nothing names the value; a failed assert its position", () => {
  const p = model("casefail", `module casefail is
channel NAT is (nat) end channel
type Color is Red, Green with ==, != end type
function pick (c: Color): nat is
   case c in
      Red -> return 1
   end case
end function
process MAIN [G: NAT] is
   var c: Color in
      c := any Color;
      G (!pick (c));
      assert false
   end var
end process
end module
`);
  const seen = new Set<string>();
  for (let seed = 1; seed <= 8; seed++) {
    const r = runCli(["run", p, "--seed", String(seed)], { timeoutMs: 120_000 });
    assert.equal(r.status, 1);
    if (/LNT6004/.test(r.stderr)) {
      assert.match(r.stderr, /casefail\.lnt:5:4: error: no pattern of this 'case' matches the value GREEN \[LNT6004\]/);
      seen.add("case");
    } else {
      assert.match(r.stderr, /casefail\.lnt:13:7: error: assertion failed \[LNT6005\]/);
      seen.add("assert");
    }
  }
  assert.equal(seen.size, 2, "both choices of 'any' should occur over 8 seeds");
});

test("a loop without action is LNT6017 at the task, not a hang", () => {
  const p = model("silent", `module silent is
process MAIN [G: none] is
   var n: nat in
      n := 0;
      G;
      loop n := (n + 1) mod 7 end loop
   end var
end process
end module
`);
  const r = runCli(["run", p], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "G\n");
  assert.match(r.stderr, /\[LNT6017\]/);
});

test("a false 'ensure' is LNT6019 at the clause: a function's when it returns, a process's when it ends", () => {
  const f = runCli(["run", model("ensurefn", ENSURE_FN)], { timeoutMs: 120_000 });
  assert.equal(f.status, 1);
  // incr (2) gives 4: the third call breaks its promise, after G !1 and G !2.
  assert.equal(f.stdout, "G !1\nG !2\n");
  assert.match(f.stderr, /ensurefn\.lnt:4:11: error: the 'ensure' clause of 'incr' is false \[LNT6019\]/);
  assert.doesNotMatch(f.stderr, /RuntimeError|wasm-function|\n\s+at /);
  const p = runCli(["run", model("ensureproc", ENSURE_PROC)], { timeoutMs: 120_000 });
  assert.equal(p.status, 1);
  // step (1) ends with 4: its second clause fails once G !1 happened; the first holds.
  assert.equal(p.stdout, "G !0\nG !1\n");
  assert.match(p.stderr, /ensureproc\.lnt:5:11: error: the 'ensure' clause of 'step' is false \[LNT6019\]/);
  assert.doesNotMatch(p.stderr, /LNT6019[^]*LNT6019|RuntimeError|wasm-function|\n\s+at /);
  // A task that is a whole called process checks its clauses when it ends.
  const t = runCli(["run", model("ensuretask", ENSURE_TASK)], { timeoutMs: 120_000 });
  assert.equal(t.status, 1);
  assert.match(t.stderr, /ensuretask\.lnt:4:11: error: the 'ensure' clause of 'P' is false \[LNT6019\]/);
});

// A process's `require` clauses, checked at every call over the parameters just
// passed: LNT6013 at the call, as the reference semantics reports it.
const REQUIRE_PROC = `module reqproc is
channel NAT is (nat) end channel
process step [G: NAT] (in out n: nat) is
   require n < 3;
   require n != 5;
   G (!n);
   n := n + 1
end process
process MAIN [G: NAT] is
   var n: nat in
      n := 0;
      loop
         step [G] (!?n)
      end loop
   end var
end process
end module
`;
const REQUIRE_TASK = `module reqtask is
channel NAT is (nat) end channel
process P [G: NAT] (n: nat) is
   require n > 1;
   loop G (!n) end loop
end process
process MAIN [G, H: NAT] is
   par P [G] (2) || P [H] (1) end par
end process
end module
`;
const REQUIRE_COMPOSITION = `module reqcomp is
channel NAT is (nat) end channel
process Q [G, H: NAT] (n: nat) is
   require n > 4;
   par G (!n) || H (!n) end par
end process
process MAIN [G, H: NAT] is
   Q [G, H] (3)
end process
end module
`;
const REQUIRE_RECURSIVE = `module reqrec is
channel NAT is (nat) end channel
process P [G: NAT] (n: nat) is
   require n < 3;
   G (!n);
   P [G] (n + 1)
end process
process MAIN [G, H: NAT] is
   par P [G] (0) || loop H (!7) end loop end par
end process
end module
`;
const REQUIRE_HOLDS = `module reqok is
channel NAT is (nat) end channel
process P [G: NAT] (n: nat) is
   require n > 0;
   G (!n)
end process
process step [G: NAT] (in out n: nat) is
   require n < 10;
   G (!n);
   n := n + 1
end process
process MAIN [G, H: NAT] is
   par P [G] (1) || var n: nat in n := 0; step [H] (!?n); step [H] (!?n); H (!n) end var end par
end process
end module
`;

/** The first diagnostic line of a run's stderr. */
const firstError = (stderr: string): string => stderr.split("\n").find((l) => / error: /.test(l)) ?? "";

test("a false 'require' of a called process is LNT6013 at the call, as the reference semantics reports it", () => {
  const p = model("reqproc", REQUIRE_PROC);
  const r = runCli(["run", p], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  // step (3) is called once G !2 happened: its first clause is false.
  assert.equal(r.stdout, "G !0\nG !1\nG !2\n");
  assert.match(r.stderr, /reqproc\.lnt:13:10: error: the 'require' clause of 'step' is false \[LNT6013\]/);
  assert.match(r.stderr, /after 3 actions/);
  assert.doesNotMatch(r.stderr, /LNT6013[^]*LNT6013|RuntimeError|wasm-function|\n\s+at /);
  const s = runCli(["simulate", p], { timeoutMs: 120_000 });
  assert.equal(firstError(s.stderr), firstError(r.stderr));
  // A tail-recursive call checks the clauses too, at the recursive call.
  const rec = runCli(["run", model("reqrec", REQUIRE_RECURSIVE)], { timeoutMs: 120_000 });
  assert.equal(rec.status, 1);
  assert.deepEqual(rec.stdout.split("\n").filter((l) => l.startsWith("G")), ["G !0", "G !1", "G !2"]);
  assert.match(rec.stderr, /reqrec\.lnt:6:4: error: the 'require' clause of 'P' is false \[LNT6013\]/);
});

test("a false 'require' of a process that is a task (or a composition) is LNT6013 at its call, before any action", () => {
  const p = model("reqtask", REQUIRE_TASK);
  const r = runCli(["run", p], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /reqtask\.lnt:8:21: error: the 'require' clause of 'P' is false \[LNT6013\]/);
  assert.match(r.stderr, /after 0 actions/);
  assert.doesNotMatch(r.stderr, /RuntimeError|wasm-function|\n\s+at /);
  const s = runCli(["simulate", p], { timeoutMs: 120_000 });
  assert.equal(firstError(s.stderr), firstError(r.stderr));
  // A called process whose body is a composition: every task below checks it in its setup.
  const c = runCli(["run", model("reqcomp", REQUIRE_COMPOSITION)], { timeoutMs: 120_000 });
  assert.equal(c.status, 1);
  assert.equal(c.stdout, "");
  assert.match(c.stderr, /reqcomp\.lnt:8:4: error: the 'require' clause of 'Q' is false \[LNT6013\]/);
});

test("'require' clauses that hold let the run go on", () => {
  const r = runCli(["run", model("reqok", REQUIRE_HOLDS)], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n").sort(), ["G !1", "H !0", "H !1", "H !2"]);
  assert.doesNotMatch(r.stderr, /LNT6013/);
});
