// Merging node logs into one global trace: task order kept whatever the order of files
// and lines, duplicates folded, and inconsistent logs (two actions at one step, a cycle, a
// gap, another deployment, a bad line) reported at file:line.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { formatPosition, sourceFile } from "../../src/frontend/source.js";
import { logHeader, logLine, mergeLogs, StepUnwrapper } from "../../host/trace-log.js";
import { runCli } from "../util/run-cli.js";
import { sharedModels } from "../util/paths.js";
import { tempDir } from "./helpers.js";

const H = "0badc0de";
const log = (node: string, ...lines: string[]): string => [logHeader(node, H), ...lines].join("\n") + "\n";

function merge(files: [string, string][], internal = false): { trace?: string[]; errors: string[] } {
  const diags = new DiagnosticBag();
  const trace = mergeLogs(files.map(([p, t]) => sourceFile(p, t)), diags, internal);
  return { trace, errors: diags.sorted().map((d) => `${d.span ? formatPosition(d.span) : "-"}: ${d.message} [${d.code}]`) };
}

test("the merge keeps every task's order, whatever the order of the files", () => {
  const a = log("a", "A@1 B@1\tF !1", "A@2\ti", "A@3 B@3\tH");
  const b = log("b", "B@2 C@1\tG !true", "C@2\tK");
  // b's first line needs B@1, which only a's log has.
  const r = merge([["b.log", b], ["a.log", a]]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.trace, ["F !1", "G !true", "K", "H"]);
  assert.deepEqual(merge([["b.log", b], ["a.log", a]], true).trace, ["F !1", "G !true", "K", "i", "H"]);
  assert.equal(logLine([{ task: "A", seq: 3 }, { task: "B", seq: 3 }], "H"), "A@3 B@3\tH");
});

test("an action logged by two nodes counts once; with two labels it is an error", () => {
  const ok = merge([["a.log", log("a", "A@1 B@1\tF")], ["b.log", log("b", "B@1 A@1\tF")]]);
  assert.deepEqual(ok.trace, ["F"]);
  const bad = merge([["a.log", log("a", "A@1 B@1\tF")], ["b.log", log("b", "B@1 A@1\tG")]]);
  assert.deepEqual(bad.errors, ["b.log:2:1: the same action is logged with two labels: 'G' here, 'F' at a.log:2 [LNT8104]"]);
});

test("inconsistent logs are reported at file:line", () => {
  assert.deepEqual(merge([["a.log", log("a", "A@1 B@1\tF")], ["b.log", log("b", "B@1 C@1\tG")]]).errors, [
    "b.log:2:1: task 'B' has two different actions at its step 1 (the other at a.log:2) [LNT8103]",
  ]);
  assert.deepEqual(merge([["a.log", log("a", "A@1 B@2\tX", "A@2 B@1\tY")]]).errors, [
    "a.log:3:1: the logs order these actions in a cycle: 'Y' [A@2 B@1] at a.log:3 before 'X' [A@1 B@2] at a.log:2 [LNT8105]",
  ]);
  assert.deepEqual(merge([["a.log", log("a", "A@1\tF", "A@3\tG")]]).errors, [
    "a.log:3:1: task 'A' has no action at step 2 but has one at step 3: is a node's log missing? [LNT8106]",
  ]);
  assert.deepEqual(merge([["a.log", "A@1\tF\n"]]).errors, [
    "a.log:1:1: not an lntc node log: the first line must be '# lntc-log 1 node=NAME deployment=HASH' [LNT8101]",
  ]);
  assert.deepEqual(merge([["a.log", log("a", "A@1\tF")], ["b.log", "# lntc-log 1 node=b deployment=ffff\n"]]).errors, [
    "b.log:1:1: this log is from deployment ffff, the first log from 0badc0de (a.log) [LNT8107]",
  ]);
  assert.deepEqual(merge([["a.log", log("a", "A@0\tF", "A@x B@1\tG", "A@1")]]).errors.map((e) => e.split(": malformed")[0]), ["a.log:2:1", "a.log:3:1", "a.log:4:1"]);
});

test("protocol steps that wrap past 2^32 unwrap into growing sequence numbers", () => {
  const u = new StepUnwrapper();
  assert.equal(u.seq("T", 0xfffffffe), 0xfffffffe);
  assert.equal(u.seq("T", 0xffffffff), 0xffffffff);
  assert.equal(u.seq("T", 0), 0x100000000);
  assert.equal(u.seq("T", 1), 0x100000001);
});

test("lntc trace-merge output is accepted by lntc trace-check; bad logs exit 1 at file:line:col", { timeout: 60_000 }, () => {
  const dir = tempDir("merge");
  // Pingpong on two nodes: the manager (with both gates) on a logs every rendezvous.
  const a = join(dir, "a.log");
  const b = join(dir, "b.log");
  writeFileSync(a, log("a", "PINGER@1 PONGER@1\tPING !0", "PINGER@2 PONGER@2\tPONG !1", "PINGER@3 PONGER@3\tPING !1", "PINGER@4 PONGER@4\tPONG !2"));
  writeFileSync(b, log("b"));
  const out = join(dir, "trace.seq");
  const m = runCli(["trace-merge", b, a, "-o", out]);
  assert.equal(m.status, 0, m.stderr);
  const c = runCli(["trace-check", join(sharedModels, "pingpong.lnt"), out]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /trace accepted: 4 labels/);
  writeFileSync(b, log("b", "PINGER@5 PONGER@4\tPING !2"));
  const bad = runCli(["trace-merge", a, b]);
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`${b}:2:1: error: task 'PONGER' has two different actions at its step 4 (the other at ${a}:5) [LNT8103]`), bad.stderr);
});
