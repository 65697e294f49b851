// `ensure` clauses in the reference semantics: checked when a function
// returns and when a called process ends, `X.in` read from the value kept at
// entry; a false one is a run-time error at the clause (LNT6019), as in Wasm
// (test/run/errors.test.ts runs the same models there).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../util/run-cli.js";
import { ENSURE_FN, ENSURE_PROC, ENSURE_TASK } from "../util/ensure-models.js";

const tmp = mkdtempSync(join(tmpdir(), "lntc-ensure-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function model(name: string, text: string): string {
  const p = join(tmp, `${name}.lnt`);
  writeFileSync(p, text);
  return p;
}

test("simulate and explore stop at a false function 'ensure', at its clause", () => {
  const p = model("ensurefn", ENSURE_FN);
  const s = runCli(["simulate", p, "--steps", "10"]);
  assert.equal(s.status, 1);
  // The error is met in a transition out of the state reached after G !1 G !2.
  assert.ok("G !1\nG !2\n".startsWith(s.stdout), s.stdout);
  assert.match(s.stderr, /ensurefn\.lnt:4:11: error: the 'ensure' clause of 'incr' is false \[LNT6019\]/);
  const e = runCli(["explore", p]);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /ensurefn\.lnt:4:11: error: the 'ensure' clause of 'incr' is false \[LNT6019\]/);
});

test("simulate and explore stop at a false process 'ensure', at the clause that fails", () => {
  const p = model("ensureproc", ENSURE_PROC);
  const s = runCli(["simulate", p, "--steps", "10"]);
  assert.equal(s.status, 1);
  assert.ok("G !0\nG !1\n".startsWith(s.stdout), s.stdout);
  assert.match(s.stderr, /ensureproc\.lnt:5:11: error: the 'ensure' clause of 'step' is false \[LNT6019\]/);
  assert.doesNotMatch(s.stderr, /ensureproc\.lnt:4:/);
  const e = runCli(["explore", p]);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /ensureproc\.lnt:5:11: error: the 'ensure' clause of 'step' is false \[LNT6019\]/);
});

test("a process in a parallel branch checks its 'ensure' when it terminates", () => {
  const s = runCli(["simulate", model("ensuretask", ENSURE_TASK)]);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /ensuretask\.lnt:4:11: error: the 'ensure' clause of 'P' is false \[LNT6019\]/);
});

test("'ensure' clauses that hold let the model run: in out, in var with .in, out with a plain name", () => {
  const p = model("ensureok", `module ensureok is
channel NAT3 is (nat, nat, nat) end channel
type Small is range 0 .. 5 of nat with ==, != end type
function split (in var k: nat, out half: nat): nat is
   ensure half == k.in div 2;
   half := 0;
   while k > 1 loop k := k - 2; half := half + 1 end loop;
   return k
end function
process MAIN [G: NAT3] is
   var s: Small, n, h, r: nat in
      s := any Small;
      n := nat (s);
      r := split (n, ?h);
      G (!n, !h, !r)
   end var
end process
end module
`);
  const e = runCli(["explore", p]);
  assert.equal(e.status, 0, e.stderr);
  // Six values of n, one action each, into the terminated state.
  assert.match(e.stdout, /^des \(0, 6, 2\)/);
  for (const n of [0, 1, 2, 3, 4, 5]) assert.match(e.stdout, new RegExp(`"G !${n} !${Math.floor(n / 2)} !${n % 2}"`));
});
