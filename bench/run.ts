// `npm run bench`: measures our rendezvous scenarios and, in the same run, the baselines
// a user would compare them with; prints the table with ratios, checks the figures against
// the issue's targets (reported, never asserted) and writes bench/results/latest.json,
// latest.md (the README's "Performance" section) and latencies.svg.
//
//   npm run bench                 full run, under ten minutes
//   npm run bench -- --quick      under one minute; installs nothing
//   options: --only TEXT (measurements whose id contains TEXT), --no-install,
//            --out DIR (default bench/results), --fake (fake measurements, for the tests)

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchPlan } from "./harness/runner.js";
import { memoryNote, runBench, writeOutputs } from "./harness/runner.js";
import { targetsText, terminalTable } from "./harness/report.js";
import type { Measurement, ToolingMeasurement } from "./harness/types.js";
import { notAvailable } from "./harness/types.js";
import { runChild, which } from "./harness/proc.js";
import { MESSAGE_TARGETS, TARGETS, measurements } from "./registry.js";
import { benchSourceDir } from "./scenarios.js";

interface Options {
  readonly quick: boolean;
  readonly fake: boolean;
  readonly install: boolean;
  readonly only: string | undefined;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Options | string {
  let quick = false, fake = false, install = true;
  let only: string | undefined;
  let out = join(benchSourceDir(), "results");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") quick = true;
    else if (a === "--fake") fake = true;
    else if (a === "--no-install") install = false;
    else if (a === "--only" && argv[i + 1] !== undefined) only = argv[++i];
    else if (a === "--out" && argv[i + 1] !== undefined) out = argv[++i]!;
    else return `unknown option '${a}' (options: --quick, --only TEXT, --no-install, --out DIR, --fake)`;
  }
  return { quick, fake, install, only, out };
}

/** Fake measurements that return at once: the shape of a real run, for the harness's test. */
export function fakeMeasurements(): { measurements: Measurement[]; tooling: ToolingMeasurement[] } {
  const fig = (p50Us: number, extra: object = {}) => async () => ({ perSecond: 1e6 / p50Us, p50Us, p99Us: p50Us * 2.5, rssBytes: [50 << 20], samples: 1000, ...extra });
  return {
    measurements: [
      { id: "transport/tcp", name: "fake TCP <floor> & \"quotes\"", scenario: "transport", mode: "baseline", run: fig(70, { rssBytes: [45 << 20, 44 << 20] }) },
      { id: "transport/grpc", name: "fake gRPC | pipe", scenario: "transport", mode: "baseline", compareWith: ["transport/tcp"], run: fig(118) },
      { id: "pingpong/go", name: "fake Go", scenario: "pingpong", mode: "baseline", run: fig(0.1) },
      { id: "pingpong/erlang", name: "fake Erlang", scenario: "pingpong", mode: "baseline", run: async () => notAvailable("erl is absent (fake)") },
      { id: "pingpong/embedded", name: "fake embedded", scenario: "pingpong", mode: "embedded", compareWith: ["pingpong/go", "pingpong/erlang"], run: fig(0.08, { messagesPerRendezvous: 0, wasmBytes: [12_000, 13_000] }) },
      { id: "pingpong/distributed", name: "fake distributed", scenario: "pingpong", mode: "distributed", compareWith: ["transport/grpc", "transport/tcp"], run: fig(150, { messagesPerRendezvous: 3, startupMs: 420, rssBytes: [56 << 20, 57 << 20] }) },
      { id: "barrier-4/distributed", name: "fake barrier", scenario: "barrier-4", mode: "distributed", compareWith: ["transport/grpc"], run: async () => { throw new Error("boom (fake)"); } },
    ],
    tooling: [
      { id: "tooling/fake", name: "fake tooling", run: async () => ({ summary: "42 things/s", values: { perSecond: 42 } }) },
    ],
  };
}

/** Toolchain versions for the notes; cheap, and says which native references were used. */
async function versions(): Promise<string[]> {
  const notes: string[] = [];
  if (which("go")) {
    const r = await runChild("go", ["version"], { timeoutMs: 10_000 });
    if (r.code === 0) notes.push(`Go: ${r.stdout.trim()}`);
  }
  if (which("erl")) {
    const r = await runChild("erl", ["-noshell", "-eval", 'io:format("~s", [erlang:system_info(otp_release)]), halt().'], { timeoutMs: 15_000 });
    if (r.code === 0) notes.push(`Erlang/OTP ${r.stdout.trim()} (escript)`);
  }
  return notes;
}

export async function main(argv: readonly string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (typeof opts === "string") {
    process.stderr.write(`bench: ${opts}\n`);
    return 2;
  }
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  const notes: string[] = [];
  let ms: Measurement[];
  let tooling: ToolingMeasurement[];
  let messages: BenchPlan["messages"];
  if (opts.fake) {
    ({ measurements: ms, tooling } = fakeMeasurements());
  } else {
    // Installing Go or Erlang from Debian takes a minute or more: never in --quick mode.
    const installMs = opts.quick || !opts.install ? 0 : 180_000;
    if (opts.quick) notes.push("quick mode: short measurements, and missing native toolchains (Go, Erlang) are not installed");
    ms = measurements({ installMs });
    const { checkTooling, exploreTooling, nodeStartupTooling, wasmBuildTooling } = await import("./tooling.js");
    tooling = [checkTooling, exploreTooling, wasmBuildTooling, nodeStartupTooling];
    const { simulatedMessages } = await import("./sim-messages.js");
    messages = () => simulatedMessages(opts.quick);
    notes.push(...(await versions()), memoryNote());
  }
  if (opts.only !== undefined) {
    const only = opts.only;
    ms = ms.filter((m) => m.id.includes(only));
    tooling = tooling.filter((m) => m.id.includes(only));
    if (!"messages".includes(only)) messages = undefined;
  }
  const plan: BenchPlan = {
    quick: opts.quick || opts.fake,
    measurements: ms,
    tooling,
    ...(messages ? { messages } : {}),
    targets: TARGETS,
    messageTargets: MESSAGE_TARGETS,
    // Measuring time; start-ups, builds and warm-ups come on top (about a third more).
    budgetMs: opts.fake ? 100 : opts.quick ? 20_000 : 330_000,
    deadlineMs: opts.fake ? 10_000 : opts.quick ? 36_000 : 480_000,
    maxShareMs: opts.quick ? 2_000 : 15_000,
    overrunSlackMs: opts.quick ? 10_000 : 30_000,
    notes,
    log,
  };
  const report = await runBench(plan);
  const files = writeOutputs(report, opts.out);
  process.stdout.write("\n" + terminalTable(report) + "\n\nTargets (reported, not asserted):\n");
  for (const t of targetsText(report)) process.stdout.write(`  ${t}\n`);
  if (report.messages.length) {
    process.stdout.write("\nProtocol messages per rendezvous (protocol simulator, one task per node):\n");
    for (const s of report.messages) {
      process.stdout.write(`  ${s.scenario.padEnd(16)} ${s.messagesPerRendezvous.toFixed(2).padStart(6)} (network ${s.networkPerRendezvous.toFixed(2)}, aborts ${s.abortsPerRendezvous.toFixed(2)}) vs DLC ${s.dlc} = ${s.formula}\n`);
    }
  }
  if (report.tooling.length) {
    process.stdout.write("\nTooling:\n");
    for (const t of report.tooling) process.stdout.write(`  ${t.name}: ${t.figures?.summary ?? `not available: ${t.notAvailable ?? "?"}`}\n`);
  }
  for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`\n${(report.totalMs / 1000).toFixed(0)} s; wrote ${files.json}, ${files.md}, ${files.svg}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
