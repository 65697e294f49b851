// Property test of the front end's robustness: thousands of mutated models
// (tokens dropped, swapped, duplicated; truncations; random bytes) must never
// crash it, hang it, or yield a diagnostic outside the file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import fc from "fast-check";
import { loadModel, memoryHost } from "../../src/frontend/index.js";
import { sharedModels, lntFiles, examplesDir } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";

const sharedSeedCount = lntFiles(sharedModels).length;
const seeds = [...lntFiles(sharedModels), ...(existsSync(examplesDir) ? lntFiles(examplesDir) : [])].map((p) => ({
  name: basename(p),
  text: readFileSync(p, "utf8"),
}));

/** Words, numbers, strings, comments and single punctuation: rough tokens, enough to mutate. */
function roughTokens(text: string): string[] {
  return text.match(/--[^\n]*|\(\*[\s\S]*?\*\)|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\s+|[^\sA-Za-z0-9_]/g) ?? [];
}

type Mutation =
  | { kind: "drop"; at: number }
  | { kind: "swap"; at: number; with: number }
  | { kind: "dup"; at: number }
  | { kind: "truncate"; at: number }
  | { kind: "bytes"; at: number; bytes: string };

function mutate(text: string, muts: readonly Mutation[]): string {
  let toks = roughTokens(text);
  for (const m of muts) {
    if (toks.length === 0) break;
    const i = m.at % toks.length;
    switch (m.kind) {
      case "drop":
        toks.splice(i, 1);
        break;
      case "swap": {
        const j = m.with % toks.length;
        [toks[i], toks[j]] = [toks[j]!, toks[i]!];
        break;
      }
      case "dup":
        toks.splice(i, 0, toks[i]!);
        break;
      case "truncate":
        toks = toks.slice(0, i);
        break;
      case "bytes":
        toks.splice(i, 0, m.bytes);
        break;
    }
  }
  return toks.join("");
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant("dup" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("bytes" as const), at: fc.nat(), bytes: fc.string({ unit: "binary", maxLength: 8 }) }),
);

function assertWellBehaved(path: string, text: string): void {
  const started = performance.now();
  const result = loadModel(path, memoryHost({ [path]: text }));
  const elapsed = performance.now() - started;
  // A generous bound: this catches hangs and blow-ups, not slowness.
  assert.ok(elapsed < 5000, `front end took ${elapsed.toFixed(0)} ms`);
  for (const d of result.diagnostics.items) {
    assert.match(d.code, /^LNT\d{4}$/);
    assert.notEqual(d.code, "LNT9001", `internal error on mutated input: ${d.message}`);
    if (!d.span) continue;
    assert.equal(d.span.file.text, text, "diagnostic in another file");
    assert.ok(d.span.start >= 0 && d.span.start <= text.length, `start ${d.span.start} outside [0, ${text.length}]`);
    assert.ok(d.span.end >= d.span.start && d.span.end <= text.length, `end ${d.span.end} outside [${d.span.start}, ${text.length}]`);
  }
  // A model is produced exactly when there is no error.
  if (result.diagnostics.hasErrors()) assert.equal(result.model, undefined);
  else assert.ok(result.model !== undefined);
}

test("mutated models never crash the front end", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), (which, muts) => {
      const seed = seeds[which]!;
      assertWellBehaved(`m/${seed.name}`, mutate(seed.text, muts));
    }),
    { numRuns: 3000, seed: 20261126 },
  );
});

test("random bytes and deep nesting never crash the front end", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => assertWellBehaved("r/random.lnt", s)),
    { numRuns: 1000, seed: 7 },
  );
  const deep = "module deep is process MAIN [G: none] is " + "(".repeat(20000) + " end process end module";
  assertWellBehaved("d/deep.lnt", deep);
  const deepStmt = "module deep2 is process MAIN [G: none] is " + "if true then ".repeat(5000) + "G" + " end if".repeat(5000) + " end process end module";
  assertWellBehaved("d/deep2.lnt", deepStmt);
});

test("the CLI answers mutated models with status 0 or 1 and no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntc-fuzz-"));
  // Shared models only: a mutated import of an example would be an I/O error (status 2).
  const cases = fc.sample(fc.tuple(fc.integer({ min: 0, max: sharedSeedCount - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 })), { numRuns: 12, seed: 99 });
  cases.forEach(([which, muts], k) => {
    const seed = seeds[which]!;
    const path = join(dir, `case${k}.lnt`);
    writeFileSync(path, mutate(seed.text, muts));
    const r = runCli(["check", path]);
    assert.ok(r.status === 0 || r.status === 1, `status ${r.status} for ${path}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+\(.*:\d+:\d+\)/, "stack trace printed");
    assert.doesNotMatch(r.stderr, /internal error/);
  });
});
