// `lntc explore`: the state space of a model in the Aldebaran (.aut) format,
// computed by the reference interpreter (src/semantics). Also holds what the
// three interpreter commands share: loading the model, choosing the root
// process, and reporting run-time errors of the model.

import { openSync, writeSync, readSync, closeSync, unlinkSync } from "node:fs";
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { getHeapStatistics } from "node:v8";
import { DiagnosticBag } from "../../frontend/diagnostics.js";
import { Msg } from "../../frontend/diagnostic-messages.js";
import type { Model, ProcessDecl } from "../../frontend/model.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { UsageError, boolOpt, intOpt, stringOpt, type CommandIO, type Command, type ParsedArgs } from "../command.js";
import { evalExpr, NO_EXC } from "../../semantics/evaluate.js";
import { LntRuntimeError, type Value } from "../../semantics/values.js";
import { explore } from "../../semantics/explorer.js";
import { initialThread, type Thread } from "../../semantics/behaviour.js";
import { TraceChecker } from "../../semantics/trace-check.js";
import { loadRooted } from "../load-root.js";

export interface Prepared {
  readonly model: Model;
  readonly root: ProcessDecl;
  readonly init: Thread;
}

/** Loads the model and builds the initial state; on failure prints diagnostics and returns the exit status. */
export function prepare(path: string, rootText: string | undefined, io: CommandIO): Prepared | number {
  const r = loadRooted(path, rootText, io);
  if (typeof r === "number") return r;
  try {
    const args: Value[] = r.args.map((e) => evalExpr(e, [], NO_EXC));
    return { model: r.model, root: r.root, init: initialThread(r.root, args) };
  } catch (err) {
    if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, undefined);
    throw err;
  }
}

/** The reference semantics beside a run (`--check`), or the exit status after printing why not. */
export function checkerFor(path: string, rootText: string | undefined, io: CommandIO): TraceChecker | number {
  const prep = prepare(path, rootText, io);
  if (typeof prep === "number") return prep;
  try {
    return new TraceChecker(prep.init);
  } catch (err) {
    if (err instanceof LntRuntimeError) return reportRuntimeError(err, io, []);
    throw err;
  }
}

/** Prints a run-time error of the model (with the trace that reaches it) and returns exit status 1. */
export function reportRuntimeError(err: LntRuntimeError, io: CommandIO, trace: readonly string[] | undefined): number {
  const diags = new DiagnosticBag();
  diags.add(err.msg, err.span, err.args);
  printDiagnostics(diags, io);
  if (trace) {
    if (trace.length === 0) io.stderr.write("it happens in the initial state or in a transition from it\n");
    else {
      io.stderr.write(`it happens after ${trace.length === 1 ? "this action" : `these ${trace.length} actions`}, in the state reached or in a transition from it:\n`);
      for (const l of trace) io.stderr.write(`  ${l}\n`);
    }
  }
  return 1;
}

export function modelArg(args: ParsedArgs, command: string, count = 1): string[] {
  if (args.positionals.length !== count) {
    throw new UsageError(`lntc ${command} takes ${count === 1 ? "exactly one model file" : `${count} files`}`);
  }
  return args.positionals;
}

function autLabel(l: string): string {
  return `"${l}"`;
}

export const exploreCommand: Command = {
  name: "explore",
  summary: "generate the state space (Aldebaran .aut) with the reference interpreter",
  help: `Usage: lntc explore MODEL.lnt [-o OUT.aut] [--root 'P (args)'] [--max-states N] [--deadlocks]

Generates the labelled transition system of the model by breadth-first search,
with the reference semantics of LNT: visible actions are labelled as CADP
prints them ('G !1 !TRUE'), internal actions 'i'. States that differ only in
dead variables are one state. When the root process terminates, its state has
no successor.

Options:
  -o, --output FILE   write the .aut there (default: standard output)
  --root 'P (args)'   the root process and its arguments (default: MAIN)
  --max-states N      stop after N states (the .aut is then partial)
  --deadlocks         print the shortest trace to each deadlock found (on standard
                      output; the .aut then goes there only if -o is given)
  --quiet             no summary line

Exit status: 0 done, 1 the model has an error (static or at run time), 2 usage or I/O error.`,
  options: {
    output: { type: "string", short: "o" },
    root: { type: "string" },
    "max-states": { type: "string" },
    deadlocks: { type: "boolean" },
    quiet: { type: "boolean" },
  },
  async run(args, io) {
    return runWithLargeStack(exploreCommand, args, io, false, () => exploreRun(args, io));
  },
};

async function exploreRun(args: ParsedArgs, io: CommandIO): Promise<number> {
  {
    const [path] = modelArg(args, "explore");
    const maxStates = intOpt(args, "max-states", 1);
    const out = stringOpt(args, "output");
    const prep = prepare(path!, stringOpt(args, "root"), io);
    if (typeof prep === "number") return prep;

    // Transitions are written as found to a temporary file (or kept in memory
    // for standard output); the header, which needs the counts, comes first.
    const chunks: string[] = [];
    const printAut = out !== undefined || !boolOpt(args, "deadlocks");
    let buf = "";
    let tmpFd: number | undefined;
    const tmpPath = out !== undefined ? `${out}.tmp-${process.pid}` : undefined;
    try {
      if (tmpPath) tmpFd = openSync(tmpPath, "w");
    } catch (err) {
      io.stderr.write(`lntc explore: cannot write '${out}': ${(err as Error).message}\n`);
      return 2;
    }
    const flush = (): void => {
      if (buf.length === 0) return;
      if (tmpFd !== undefined) writeSync(tmpFd, buf);
      else if (printAut) chunks.push(buf);
      buf = "";
    };
    const tty = Boolean(io.stderr.isTTY);
    const t0 = Date.now();
    const res = explore(prep.init, {
      ...(maxStates !== undefined ? { maxStates } : {}),
      onTransition(src, _lid, dst, label) {
        buf += `(${src}, ${autLabel(label)}, ${dst})\n`;
        if (buf.length > 1 << 16) flush();
      },
      ...(tty
        ? {
            onProgress(p: { states: number; transitions: number; explored: number }) {
              const secs = (Date.now() - t0) / 1000;
              io.stderr.write(`\r${p.states} states, ${p.transitions} transitions, ${Math.round(p.explored / Math.max(secs, 1e-3))} states/s   `);
            },
          }
        : {}),
      progressEvery: 5000,
      // Stop cleanly before the heap is exhausted (an infinite state space).
      shouldStop: () => {
        const h = getHeapStatistics();
        const margin = Math.min(Math.max(64e6, 0.2 * h.heap_size_limit), 0.5 * h.heap_size_limit);
        return h.used_heap_size > h.heap_size_limit - margin;
      },
    });
    if (tty) io.stderr.write("\r\x1b[K");
    flush();
    if (res.stopped) {
      if (tmpFd !== undefined) closeSync(tmpFd);
      if (tmpPath) unlinkSync(tmpPath);
      const d = new DiagnosticBag();
      d.add(Msg.OutOfMemory, undefined, [res.states, res.transitions]);
      printDiagnostics(d, io);
      return 1;
    }
    if (res.error) {
      // No partial .aut that could pass for the model's state space.
      if (tmpFd !== undefined) closeSync(tmpFd);
      if (tmpPath) unlinkSync(tmpPath);
      return reportRuntimeError(res.error.error, io, res.traceTo(res.error.state));
    }
    const header = `des (0, ${res.transitions}, ${res.states})\n`;
    try {
      if (tmpFd !== undefined && out !== undefined && tmpPath !== undefined) {
        closeSync(tmpFd);
        // Prepend the header: copy the body after it, block by block.
        const fd = openSync(out, "w");
        writeSync(fd, header);
        const src = openSync(tmpPath, "r");
        const block = Buffer.alloc(1 << 20);
        for (;;) {
          const n = readSync(src, block, 0, block.length, null);
          if (n <= 0) break;
          writeSync(fd, block, 0, n);
        }
        closeSync(src);
        closeSync(fd);
        unlinkSync(tmpPath);
      } else if (printAut) {
        io.stdout.write(header);
        for (const c of chunks) io.stdout.write(c);
      }
    } catch (err) {
      if (tmpPath) {
        try {
          unlinkSync(tmpPath);
        } catch {
          // already gone
        }
      }
      io.stderr.write(`lntc explore: cannot write '${out}': ${(err as Error).message}\n`);
      return 2;
    }
    const secs = (Date.now() - t0) / 1000;
    if (!boolOpt(args, "quiet")) {
      io.stderr.write(
        `${res.states} states, ${res.transitions} transitions, ${res.deadlocks.length} deadlock${res.deadlocks.length === 1 ? "" : "s"}` +
          `${res.terminated.length > 0 ? `, ${res.terminated.length} terminal` : ""}${res.truncated ? ` (stopped at --max-states ${maxStates})` : ""}` +
          ` in ${secs.toFixed(2)} s\n`,
      );
    }
    if (boolOpt(args, "deadlocks")) {
      for (const d of res.deadlocks) {
        const tr = res.traceTo(d);
        io.stdout.write(`deadlock in state ${d} after ${tr.length} action${tr.length === 1 ? "" : "s"}:\n`);
        for (const l of tr) io.stdout.write(`  ${l}\n`);
      }
    }
    return 0;
  }
}

// ---------------------------------------------------------------------------
// Running in a worker thread with a large stack
//
// LNT functions recurse (a list function recurses once per element) and the
// interpreter evaluates them recursively: the main thread's ~1 MB stack would
// stop at a few hundred nested calls. The interpreter commands therefore run
// in a worker thread whose stack size we choose; the main thread only relays
// standard input and the exit status.

const STACK_MB = 512;

interface WorkerJob {
  readonly lntcSemantics: true;
  readonly command: string;
  readonly args: ParsedArgs;
  readonly cwd: string;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
}

/**
 * Runs `command` in a worker when the I/O is the process's own (the CLI);
 * in place otherwise (tests calling main with their own streams), or inside the worker.
 */
export async function runWithLargeStack(command: Command, args: ParsedArgs, io: CommandIO, usesStdin: boolean, body: () => Promise<number>): Promise<number> {
  if (!isMainThread || io.stdout !== process.stdout || io.stderr !== process.stderr || process.env["LNTC_NO_WORKER"]) return body();
  const job: WorkerJob = {
    lntcSemantics: true,
    command: command.name,
    args,
    cwd: io.cwd,
    stdoutTTY: Boolean(io.stdout.isTTY),
    stderrTTY: Boolean(io.stderr.isTTY),
  };
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: STACK_MB } });
  // Standard input goes to the worker as messages (text chunks, then null at
  // its end), so that the worker holds no handle that could keep it alive.
  const onData = (chunk: Buffer | string): void => worker.postMessage(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
  const onEnd = (): void => worker.postMessage(null);
  if (usesStdin) {
    io.stdin.on("data", onData);
    io.stdin.on("end", onEnd);
  }
  return new Promise<number>((resolve, reject) => {
    let status: number | undefined;
    const stopInput = (): void => {
      if (!usesStdin) return;
      // A live input may never end: stop reading it so that the process can exit.
      io.stdin.off("data", onData);
      io.stdin.off("end", onEnd);
      (io.stdin as NodeJS.ReadStream).destroy?.();
    };
    worker.on("message", (m: unknown) => {
      if (typeof m === "number") status = m;
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
        // The worker died without removing its temporary .aut (same process id).
        const out = args.values["output"];
        if (typeof out === "string") {
          try {
            unlinkSync(`${out}.tmp-${process.pid}`);
          } catch {
            // none was written
          }
        }
        const d = new DiagnosticBag();
        d.add(Msg.MemoryExhausted, undefined);
        printDiagnostics(d, io);
        status = 1;
        return;
      }
      reject(err);
    });
    worker.on("exit", () => {
      stopInput();
      resolve(status ?? 3);
    });
  });
}

if (!isMainThread && (workerData as WorkerJob | undefined)?.lntcSemantics) {
  const job = workerData as WorkerJob;
  if (job.stdoutTTY) Object.defineProperty(process.stdout, "isTTY", { value: true });
  if (job.stderrTTY) Object.defineProperty(process.stderr, "isTTY", { value: true });
  const input = new PassThrough();
  const port = parentPort!;
  port.on("message", (m: unknown) => {
    if (m === null) input.end();
    else if (typeof m === "string") input.write(m);
  });
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: input, cwd: job.cwd };
  const finish = (code: number): void => {
    port.postMessage(code);
    port.removeAllListeners("message");
    port.unref();
  };
  const find = async (): Promise<Command> => {
    if (job.command === "simulate") return (await import("./simulate.js")).simulateCommand;
    if (job.command === "trace-check") return (await import("./trace-check.js")).traceCheckCommand;
    return exploreCommand;
  };
  void find()
    .then((cmd) => cmd.run(job.args, io))
    .then(
      (code) => finish(code),
      (err: unknown) => {
        // As main.ts reports them, from this thread.
        if (err instanceof UsageError) {
          process.stderr.write(`lntc ${job.command}: ${err.message}\nRun 'lntc ${job.command} --help' for usage.\n`);
          finish(2);
          return;
        }
        const msg = err instanceof Error ? err.message : String(err);
        process.stderr.write(`lntc: internal error: ${msg} [LNT9001]\nThis is a bug in lntc; please report it with the model that caused it.\n`);
        if (process.env["LNTC_DEBUG"] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
        finish(3);
      },
    );
}
