// Child processes for the benchmarks: run one with a deadline while sampling its peak
// resident memory, find a command on the PATH, and install a missing native reference
// from Debian within a bounded time.

import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Peak resident set size of a live process, from /proc (Linux only); undefined when gone. */
export function readVmHWM(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This process's own peak RSS. VmHWM, not getrusage's maxrss: Linux carries maxrss over
 * fork and exec, so a child spawned by a big harness would report the harness's size.
 */
export function peakRssSelf(): number {
  return readVmHWM(process.pid) ?? process.resourceUsage().maxRSS * 1024;
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Highest VmHWM seen while sampling; a lower bound when the process was short-lived. */
  readonly peakRssBytes: number | undefined;
  readonly elapsedMs: number;
  readonly spawnError?: string;
}

export interface ChildOptions {
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

export function runChild(cmd: string, args: readonly string[], opts: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peak: number | undefined;
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const sample = (): void => {
      if (child.pid === undefined) return;
      const v = readVmHWM(child.pid);
      if (v !== undefined && (peak === undefined || v > peak)) peak = v;
    };
    const sampler = setInterval(sample, 25);
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.on("error", (e) => (spawnError = e.message));
    child.stdin.on("error", () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, timedOut, peakRssBytes: peak, elapsedMs: performance.now() - t0, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

/** The full path of an executable on the PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

let aptUpdated: Promise<string | undefined> | undefined;

/**
 * Makes `command` available, installing Debian's `pkg` when it is missing and `allowMs`
 * leaves time to do so. Returns undefined when the command is there, else why not.
 */
export async function ensureDebianCommand(command: string, pkg: string, allowMs: number, log: (l: string) => void): Promise<string | undefined> {
  if (which(command)) return undefined;
  if (allowMs <= 0) return `\`${command}\` is absent and installing ${pkg} does not fit this run's budget (run without --quick to install it)`;
  if (process.getuid?.() !== 0) return `\`${command}\` is absent and installing ${pkg} needs root`;
  if (!which("apt-get")) return `\`${command}\` is absent and there is no apt-get to install ${pkg}`;
  const t0 = performance.now();
  aptUpdated ??= (async () => {
    log(`  apt-get update (for ${pkg})...`);
    const r = await runChild("apt-get", ["update", "-qq"], { timeoutMs: Math.min(allowMs, 120_000) });
    if (r.timedOut) return "apt-get update timed out";
    return r.code === 0 ? undefined : `apt-get update failed: ${lastLine(r.stderr)}`;
  })();
  const updateError = await aptUpdated;
  if (updateError) return `\`${command}\` is absent; ${updateError}`;
  const left = allowMs - (performance.now() - t0);
  if (left <= 5_000) return `\`${command}\` is absent; no time left to install ${pkg}`;
  log(`  apt-get install -y ${pkg} (at most ${Math.round(left / 1000)} s)...`);
  const r = await runChild("apt-get", ["install", "-y", "-qq", pkg], {
    timeoutMs: left,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.timedOut) return `\`${command}\` is absent; apt-get install ${pkg} timed out after ${Math.round(left / 1000)} s`;
  if (r.code !== 0) return `\`${command}\` is absent; apt-get install ${pkg} failed: ${lastLine(r.stderr || r.stdout)}`;
  return which(command) ? undefined : `\`${command}\` is still absent after installing ${pkg}`;
}

export function lastLine(s: string): string {
  const lines = s.trim().split("\n");
  return (lines[lines.length - 1] ?? "").slice(0, 200);
}

/** The last line of a child's stdout that parses as a JSON object. */
export function lastJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trim().split("\n").reverse();
  for (const l of lines) {
    const t = l.trim();
    if (!t.startsWith("{")) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}
