// The model and the runner shared by the hook tests: a small model whose GET gate
// receives a nat (the environment's to give) and a color (finite, the model's to choose).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./run-cli.js";

/** GET receives a nat (infinite: the environment's to give) and a color (finite). */
export const HOOK_MODEL = `module hk is
type Color is Red, Green, Blue with ==, != end type
channel C is (nat, Color) end channel
process MAIN [GET: C, PUT: C] is
   var x: nat, c: Color in
      loop
         GET (?x, ?c);
         PUT (!x + 1, !c)
      end loop
   end var
end process
end module
`;

export function hookDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lntc-hooks-"));
  writeFileSync(join(dir, "hk.lnt"), HOOK_MODEL);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs hk.lnt with the hook module `source` (a .mjs unless `ext` says otherwise). */
export function runHooks(dir: string, name: string, source: string, extra: string[] = [], ext = "mjs") {
  const file = join(dir, `${name}.${ext}`);
  writeFileSync(file, source);
  return runCli(["run", join(dir, "hk.lnt"), "--hooks", file, ...extra], { timeoutMs: 20_000 });
}

