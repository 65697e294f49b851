// `lntc --target wasm` and `lntc run` as a user runs them: output folder, exit statuses,
// deadlock and bank messages, --trace read back by trace-check, --check.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../util/run-cli.js";
import { sharedModels } from "../util/paths.js";

const tmp = mkdtempSync(join(tmpdir(), "lntc-run-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("lntc --target wasm writes the Wasm, the manifest, the declarations and, with --emit-as, the AssemblyScript", () => {
  const out = join(tmp, "paint");
  const r = runCli(["--target", "wasm", join(sharedModels, "paint.lnt"), "-o", out, "--emit-as"], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const f of ["model.wasm", "manifest.json", "model.d.ts", "model.ts", "embedded/runtime.ts", "node/driver.ts", "protocol/task.ts", "protocol/manager.ts"]) assert.ok(existsSync(join(out, f)), f);
  // the negotiation in the model's Wasm is the protocol's: the driver of task and gate sides
  assert.match(readFileSync(join(out, "model.ts"), "utf8"), /import \{ Driver \} from "\.\/node\/driver";/);
  assert.match(readFileSync(join(out, "node/driver.ts"), "utf8"), /import \{[^}]*TaskSide[^}]*\} from "\.\.\/protocol\/index";/);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { tasks: unknown[]; gates: { name: string; vectors: number[][] }[] };
  assert.equal(manifest.tasks.length, 3);
  assert.deepEqual(manifest.gates.find((g) => g.name === "PAINT")!.vectors, [[0, 1, 2]]);
  assert.match(readFileSync(join(out, "model.d.ts"), "utf8"), /export type Color = "RED" \| "GREEN" \| "BLUE";/);
  // lntc compile is the same command; the second build comes from the cache
  const again = runCli(["compile", join(sharedModels, "paint.lnt"), "-o", out], { timeoutMs: 120_000 });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /\(cached\)/);
  assert.equal(runCli(["--target", "js", join(sharedModels, "paint.lnt")]).status, 2);
});

test("lntc run pingpong: labels, then the deadlock with each task's wait, exit 1", () => {
  const r = runCli(["run", join(sharedModels, "pingpong.lnt"), "--seed", "4"], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "PING !0\nPONG !1\nPING !1\nPONG !2\nPING !2\nPONG !3\nPING !3\nPONG !4\nPING !4\nPONG !5\n");
  assert.match(r.stderr, /deadlock after 10 actions/);
  assert.match(r.stderr, /task 0 \(PINGER\): terminated/);
  assert.match(r.stderr, /task 1 \(PONGER\): waits for PING \?nat \(.*pingpong\.lnt:22:10\)/);
});

test("lntc run philosophers: the deadlock names each task's offer with its values", () => {
  const r = runCli(["run", join(sharedModels, "philosophers.lnt"), "--seed", "2", "--quiet"], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /deadlock after \d+ actions:/);
  assert.equal((r.stderr.match(/task \d \(PHILOSOPHER\): waits for TAKE !\d !\d \(/g) ?? []).length, 3);
  assert.equal((r.stderr.match(/task \d \(FORK\): waits for DROP !\d !\d \(/g) ?? []).length, 3);
});

test("lntc run bank stops with a message naming REQUEST and the position, exit 1", () => {
  const r = runCli(["run", join(sharedModels, "bank.lnt")], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bank\.lnt:84:10: error: action 'REQUEST': no party emits offer 1, of type nat/);
  assert.match(r.stderr, /gate REQUEST, position 1 needs a value from the environment/);
});

test("lntc run --trace writes what trace-check accepts; --check follows the run", () => {
  const trace = join(tmp, "committee.seq");
  const r = runCli(["run", join(sharedModels, "committee.lnt"), "--seed", "7", "--steps", "300", "--trace", trace, "--check", "--quiet"], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /stopped after 300 actions/);
  assert.equal(readFileSync(trace, "utf8").split("\n").filter((l) => l !== "").length, 300);
  const c = runCli(["trace-check", join(sharedModels, "committee.lnt"), trace]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /trace accepted: 300 labels/);
});

test("lntc run: terminated is exit 0; bad options are exit 2", () => {
  const r = runCli(["run", join(sharedModels, "barrier.lnt"), "--quiet"], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /terminated after 15 actions/);
  assert.equal(runCli(["run", join(sharedModels, "barrier.lnt"), "--steps", "x"]).status, 2);
  assert.equal(runCli(["run", join(tmp, "missing.lnt")]).status, 2);
});
