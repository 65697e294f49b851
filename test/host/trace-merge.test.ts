// Merging node logs into one global trace: task order kept whatever the order of files
// and lines, duplicates folded, and inconsistent logs (two actions at one step, a cycle, a
// gap, another deployment, a bad line) reported at file:line; and the same merge live, fed
// the nodes' lines as they arrive, emitting each action as soon as it is ready.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { formatPosition, sourceFile } from "../../src/frontend/source.js";
import { LiveMerge, logHeader, logLine, mergeLogs, StepUnwrapper } from "../../host/trace-log.js";
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

/** A live merge whose emitted actions and diagnostics the test reads as they come. */
function live(): { m: LiveMerge; out: string[]; errors: () => string[]; feed: (node: string, ...lines: string[]) => void } {
  const diags = new DiagnosticBag();
  const out: string[] = [];
  const m = new LiveMerge({ diags, emit: (a) => out.push(`${a.parts.map((p) => `${p.task}@${p.seq}`).join(" ")} ${a.label}`) });
  return {
    m,
    out,
    errors: () => diags.sorted().map((d) => `${d.span ? formatPosition(d.span) : "-"}: ${d.message} [${d.code}]`),
    feed: (node, ...lines) => lines.forEach((l) => m.line(`${node}.log`, l)),
  };
}

test("live merge: an action is emitted as soon as every earlier action of its tasks was, whatever node it comes from", () => {
  const l = live();
  l.feed("a", logHeader("a", H));
  l.feed("b", logHeader("b", H));
  // b's lines arrive before the action of a they follow: nothing can be emitted yet.
  l.feed("b", "B@2 C@1\tG !true", "C@2\tK");
  assert.deepEqual(l.out, []);
  assert.equal(l.m.known, 2);
  assert.equal(l.m.waiting, 2);
  // A three-party action: waits for A@1 and B@1, which come in one action of a.
  l.feed("b", "A@2 B@3 C@3\tH3");
  l.feed("a", "A@1 B@1\tF !1");
  // F frees G (B@2), G frees K (C@2), and then H3 has every earlier step of A, B and C.
  assert.deepEqual(l.out, ["A@1 B@1 F !1", "B@2 C@1 G !true", "C@2 K", "A@2 B@3 C@3 H3"]);
  assert.equal(l.m.waiting, 0);
  // An action ready on arrival goes at once; the same action from another node counts once.
  l.feed("a", "A@3\ti");
  l.feed("b", "A@3\ti");
  assert.deepEqual(l.out.slice(4), ["A@3 i"]);
  assert.equal(l.m.emitted, 5);
  assert.equal(l.m.end(), true);
  assert.deepEqual(l.errors(), []);
});

test("live merge: several actions made ready at once go in the order they were read", () => {
  const l = live();
  l.feed("a", logHeader("a", H), "A@2\tX2", "B@2\tY2");
  l.feed("b", logHeader("b", H), "C@1\tZ", "A@1 B@1\tW");
  assert.deepEqual(l.out, ["C@1 Z", "A@1 B@1 W", "A@2 X2", "B@2 Y2"]);
});

test("live merge: two actions at one step, two labels, a bad line or header are reported when they arrive", () => {
  const l = live();
  l.feed("node1", logHeader("node1", H), "A@1 B@1\tF");
  l.feed("node2", logHeader("node2", H), "B@1 C@1\tG");
  assert.deepEqual(l.errors(), ["node2.log:2:1: task 'B' has two different actions at its step 1 (the other at node1.log:2) [LNT8103]"]);
  l.feed("node2", "B@1 A@1\tF2");
  assert.ok(l.errors().includes("node2.log:3:1: the same action is logged with two labels: 'F2' here, 'F' at node1.log:2 [LNT8104]"), l.errors().join("\n"));
  l.feed("node2", "A@x\tF");
  assert.ok(l.errors().some((e) => e.startsWith("node2.log:4:1: malformed log line")), l.errors().join("\n"));
  l.feed("node3", "# lntc-log 1 node=node3 deployment=ffff");
  assert.ok(l.errors().includes("node3.log:1:1: this log is from deployment ffff, the first log from 0badc0de (node1.log) [LNT8107]"), l.errors().join("\n"));
  l.feed("node4", "A@2\tF", "A@3\tG");
  assert.ok(l.errors().includes("node4.log:1:1: not an lntc node log: the first line must be '# lntc-log 1 node=NAME deployment=HASH' [LNT8101]"), l.errors().join("\n"));
  // The rest of a stream with a bad header is ignored; the first action was emitted all the same.
  assert.equal(l.errors().length, 5);
  assert.deepEqual(l.out, ["A@1 B@1 F"]);
  assert.equal(l.m.end(), false);
});

test("live merge: a gap or a cycle is reported at the end, once no missing action can still come", () => {
  const gap = live();
  gap.feed("a", logHeader("a", H), "A@1\tF", "A@3\tG", "A@4\tH");
  assert.deepEqual(gap.out, ["A@1 F"]);
  assert.deepEqual(gap.errors(), []);
  assert.equal(gap.m.end(), false);
  assert.deepEqual(gap.errors(), ["a.log:3:1: task 'A' has no action at step 2 but has one at step 3: is a node's log missing? [LNT8106]"]);
  const late = live();
  late.feed("a", logHeader("a", H), "A@1\tF", "A@3\tG");
  late.feed("b", logHeader("b", H), "A@2\tX");
  assert.deepEqual(late.out, ["A@1 F", "A@2 X", "A@3 G"]);
  assert.equal(late.m.end(), true);
  // A gap above the first waiting action counts too.
  const high = live();
  high.feed("a", logHeader("a", H), "A@2 B@1\tF", "A@4\tG");
  assert.equal(high.m.end(), false);
  assert.deepEqual(high.errors(), [
    "a.log:2:1: task 'A' has no action at step 1 but has one at step 2: is a node's log missing? [LNT8106]",
  ]);
  const cycle = live();
  cycle.feed("a", logHeader("a", H), "A@1 B@2\tX", "A@2 B@1\tY");
  assert.equal(cycle.m.end(), false);
  assert.deepEqual(cycle.errors(), [
    "a.log:3:1: the logs order these actions in a cycle: 'Y' [A@2 B@1] at a.log:3 before 'X' [A@1 B@2] at a.log:2 [LNT8105]",
  ]);
});

test("live merge and batch merge agree on the same logs", () => {
  const a = log("a", "A@1 B@1\tF !1", "A@2\ti", "A@3 B@3\tH");
  const b = log("b", "B@2 C@1\tG !true", "C@2\tK");
  const l = live();
  for (const [n, t] of [["b", b], ["a", a]] as const) l.feed(n, ...t.split("\n").filter((x) => x !== ""));
  assert.equal(l.m.end(), true);
  assert.deepEqual(l.out.map((x) => x.split(" ").filter((w) => !/@\d+$/.test(w)).join(" ")), merge([["b.log", b], ["a.log", a]], true).trace);
});
