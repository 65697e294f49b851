// The front end against the fixture corpus: every model of
// test/fixtures/check/{reject,accept,warn}, every example, and the shared
// models (good and bad), each judged by what its first line promises.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, basename } from "node:path";
import { loadModel } from "../../src/frontend/index.js";
import { nodeHost } from "../../src/cli/host.js";
import type { Diagnostic } from "../../src/frontend/diagnostics.js";
import { positionOf } from "../../src/frontend/source.js";
import { fixturesDir, examplesDir, sharedModels, sharedErrorModels, lntFiles } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";

interface Expectation {
  readonly severity: "error" | "warning";
  readonly first: number;
  readonly last: number;
  readonly words: readonly string[];
}

function expectationOf(path: string): Expectation {
  const first = readFileSync(path, "utf8").split(/\r?\n/, 1)[0] ?? "";
  const m = /^--\s*expect-(error|warning):\s*(\d+)(?:-(\d+))?:\s*(.*)$/.exec(first);
  assert.ok(m, `${basename(path)}: first line must be '-- expect-error: LINES: WORDS'`);
  const lo = Number(m[2]);
  return { severity: m[1] as "error" | "warning", first: lo, last: m[3] ? Number(m[3]) : lo, words: m[4]!.split("|").map((w) => w.trim().toLowerCase()) };
}

function lineOf(d: Diagnostic): number {
  return d.span ? positionOf(d.span.file, d.span.start).line : 0;
}

function describe(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.span?.file.path ?? "-"}:${lineOf(d)} ${d.severity} ${d.code} ${d.message}`).join("\n");
}

function assertExpected(path: string): void {
  const want = expectationOf(path);
  const r = loadModel(path, nodeHost);
  const all = r.diagnostics.items;
  const hit = all.some(
    (d) =>
      d.severity === want.severity &&
      lineOf(d) >= want.first &&
      lineOf(d) <= want.last &&
      want.words.some((w) => d.message.toLowerCase().includes(w)),
  );
  assert.ok(hit, `${basename(path)}: expected a ${want.severity} on line ${want.first}-${want.last} containing ${want.words.join("|")}, got:\n${describe(all)}`);
  assert.ok(!all.some((d) => d.code === "LNT9001"), `${basename(path)}: internal error`);
  if (want.severity === "warning") assert.ok(!r.diagnostics.hasErrors(), `${basename(path)}: unexpected errors:\n${describe(all)}`);
}

test("models that must be rejected are, on the promised line, for the promised reason", () => {
  const dir = join(fixturesDir, "check", "reject");
  const files = lntFiles(dir);
  assert.ok(files.length >= 30);
  for (const f of files) {
    // The second file of an import cycle is reported through the first.
    if (basename(f) === "import_cycle_b.lnt") continue;
    assertExpected(f);
  }
});

test("models that must warn do, and have no error", () => {
  const files = lntFiles(join(fixturesDir, "check", "warn"));
  assert.ok(files.length >= 2);
  for (const f of files) assertExpected(f);
});

test("subtle accepted models, the examples and the shared models check with no error and no warning", () => {
  const files = [...lntFiles(join(fixturesDir, "check", "accept")), ...lntFiles(examplesDir), ...lntFiles(sharedModels)];
  assert.ok(files.length >= 30);
  for (const f of files) {
    const r = loadModel(f, nodeHost);
    assert.deepEqual(describe(r.diagnostics.items), "", `${basename(f)} should check cleanly`);
    assert.ok(r.model, `${basename(f)}: no model`);
  }
});

test("the CLI rejects each shared error model as its first line says, with status 1 and no stack trace", () => {
  for (const f of lntFiles(sharedErrorModels)) {
    const want = expectationOf(f);
    const r = runCli(["check", f]);
    assert.equal(r.status, 1, `${basename(f)}: status ${r.status}\n${r.stderr}`);
    const lines = r.stderr.split("\n").filter((l) => l.includes(": error: "));
    const ok = lines.some((l) => {
      const m = /:(\d+):\d+: error: (.*)$/.exec(l);
      if (!m) return false;
      const line = Number(m[1]);
      return line >= want.first && line <= want.last && want.words.some((w) => m[2]!.toLowerCase().includes(w));
    });
    assert.ok(ok, `${basename(f)}: no matching error in\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  }
});

test("the CLI's exit statuses: 0 clean, 2 for a missing file or a bad option", () => {
  assert.equal(runCli(["check", join(sharedModels, "paint.lnt")]).status, 0);
  const missing = runCli(["check", join(sharedModels, "no-such-model.lnt")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no-such-model\.lnt/);
  assert.equal(runCli(["check", "--bogus", join(sharedModels, "paint.lnt")]).status, 2);
  assert.equal(runCli(["check"]).status, 2);
});
