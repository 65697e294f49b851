// Where the tests find the repository and the shared models. CI lays `shared/`
// beside the clone, so the shared models are read in place, never copied.

import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { readdirSync } from "node:fs";

// dist/test/util/paths.js -> the repository root.
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const sharedDir = resolve(repoRoot, "..", "shared");
export const sharedModels = join(sharedDir, "models");
export const sharedErrorModels = join(sharedModels, "errors");
export const examplesDir = join(repoRoot, "examples");
export const fixturesDir = join(repoRoot, "test", "fixtures");
export const cliPath = join(repoRoot, "dist", "src", "cli", "bin.js");

/** The `.lnt` files directly in a folder, sorted, as absolute paths. */
export function lntFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".lnt"))
    .sort()
    .map((f) => join(dir, f));
}
