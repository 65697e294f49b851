// examples/bank as a user drives it: `lntc run ... bank.lnt --hooks examples/bank/hooks.ts`
// on a port the system chooses, a session of HTTP calls, then SIGINT, as Ctrl-C.

import { spawn } from "node:child_process";
import { join } from "node:path";
import { cliPath, examplesDir, repoRoot, sharedModels } from "./paths.js";

export type BankCall = (method: string, path: string) => Promise<{ status: number; body: Record<string, unknown> }>;

/** Runs `lntc run [runArgs] bank.lnt --hooks hooks.ts`, the session once it listens, then Ctrl-C. */
export async function bankSession(runArgs: readonly string[], session: (call: BankCall) => Promise<void>, timeoutMs = 25_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, "run", ...runArgs, join(sharedModels, "bank.lnt"), "--hooks", join(examplesDir, "bank", "hooks.ts")], {
    cwd: repoRoot,
    env: { ...process.env, BANK_PORT: "0", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    await session(async (method, path) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    });
    child.kill("SIGINT");
    const code = await exited;
    return { code, stdout, stderr };
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
