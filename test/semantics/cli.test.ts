// lntc explore, simulate and trace-check as a user runs them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, sharedModels, sharedErrorModels, lntFiles } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";

const model = (name: string): string => join(sharedModels, `${name}.lnt`);
const tmp = mkdtempSync(join(tmpdir(), "lntc-sem-"));

test("explore -o writes an Aldebaran file whose header counts its lines", () => {
  const out = join(tmp, "barrier.aut");
  const r = runCli(["explore", model("barrier"), "-o", out]);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], "des (0, 99, 49)");
  assert.equal(lines.length, 100);
  for (const l of lines.slice(1)) assert.match(l, /^\(\d+, "(WORKING !\d !\d|STEP !\d)", \d+\)$/);
  assert.match(r.stderr, /49 states, 99 transitions, 0 deadlocks, 1 terminal/);
});

test("explore prints the .aut on standard output by default", () => {
  const r = runCli(["explore", model("paint")]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'des (0, 2, 2)\n(0, "PAINT !BLUE", 1)\n(1, "SEEN !BLUE", 0)\n');
});

test("explore --max-states stops early and says so", () => {
  const r = runCli(["explore", model("barrier"), "--max-states", "5"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^des \(0, \d+, 5\)\n/);
  assert.match(r.stderr, /stopped at --max-states 5/);
});

test("usage and I/O errors exit with status 2, model errors with 1", () => {
  assert.equal(runCli(["explore"]).status, 2);
  assert.equal(runCli(["explore", join(tmp, "missing.lnt")]).status, 2);
  assert.equal(runCli(["simulate", model("paint"), "--steps", "x"]).status, 2);
  assert.equal(runCli(["trace-check", model("paint"), join(tmp, "missing.seq")]).status, 2);
  const bad = lntFiles(sharedErrorModels)[0]!;
  const r = runCli(["explore", bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: .*\[LNT\d{4}\]/);
});

test("explore --root takes the root process and its arguments", () => {
  const file = join(tmp, "rooted.lnt");
  writeFileSync(file, `module rooted is
channel N is (nat) end channel
process P [G: N] (n: nat) is G (!n); P [G] ((n + 1) mod 2) end process
end module
`);
  const noRoot = runCli(["explore", file]);
  assert.equal(noRoot.status, 1);
  assert.match(noRoot.stderr, /LNT3017/);
  const r = runCli(["explore", file, "--root", "P (1)"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^des \(0, 2, 2\)\n\(0, "G !1", 1\)\n\(1, "G !0", 0\)\n$/);
  assert.equal(runCli(["explore", file, "--root", "P (true)"]).status, 2);
});

test("simulate is reproducible from its seed", () => {
  const a = runCli(["simulate", model("buffer"), "--seed", "42", "--steps", "30"]);
  const b = runCli(["simulate", model("buffer"), "--seed", "42", "--steps", "30"]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  const runs = new Set<string>();
  for (let s = 1; s <= 4; s++) runs.add(runCli(["simulate", model("buffer"), "--seed", String(s), "--steps", "30"]).stdout);
  assert.ok(runs.size > 1, "different seeds give different runs");
  // Every run is a trace of the model.
  const check = runCli(["trace-check", model("buffer"), "-"], { input: a.stdout });
  assert.equal(check.status, 0, check.stdout);
});

test("simulate reports the deadlock of pingpong after its ten actions", () => {
  const r = runCli(["simulate", model("pingpong"), "--steps", "50"]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim().split("\n").length, 10);
  assert.match(r.stderr, /deadlock after 10 steps/);
});

test("trace-check accepts a trace with internal steps left out, and SEQ-style quoted lines", () => {
  const file = join(tmp, "ok.seq");
  writeFileSync(file, '"PRODUCE !0"\n\nPRODUCE  !1\nCONSUME !0\n"CONSUME !1"\n');
  const r = runCli(["trace-check", model("buffer"), file]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /trace accepted: 4 labels/);
});

test("trace-check refuses with the accepted prefix, the failing label and what was possible", () => {
  const r = runCli(["trace-check", model("pingpong")], { input: "PING !0\nPONG !1\nPING !1\nPONG !3\nPING !9\n" });
  assert.equal(r.status, 1);
  assert.equal(
    r.stdout,
    "trace refused at line 4, after 3 accepted labels\naccepted prefix:\n  PING !0\n  PONG !1\n  PING !1\nrefused label:\n  PONG !3\npossible labels there:\n  PONG !2\n",
  );
});

test("trace-check monitors standard input live: it answers before the input ends", async () => {
  const child = spawn(process.execPath, [cliPath, "trace-check", model("pingpong"), "-"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  child.stdin.write("PING !0\n");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(child.exitCode, null, "still running while the trace is good");
  child.stdin.write("PONG !7\n");
  const timer = setTimeout(() => child.kill(), 20_000);
  const code = await done; // stdin is still open: the refusal alone ends the run
  clearTimeout(timer);
  child.stdin.destroy();
  assert.equal(code, 1);
  assert.match(out, /refused label:\n {2}PONG !7\npossible labels there:\n {2}PONG !1\n/);
});
