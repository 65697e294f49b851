// The vocabulary of `npm run bench`: what a measurement is, what it returns, and how a
// run's results are recorded, so that scenarios, baselines and reports agree on one shape.

/** The benchmark scenarios of the issue, plus the transport floor. */
export type ScenarioId =
  | "pingpong"
  | "barrier-2"
  | "barrier-4"
  | "barrier-8"
  | "philosophers-5"
  | "philosophers-16"
  | "paint"
  | "select-8"
  | "transport";

export type Mode = "embedded" | "distributed" | "baseline";

/** What one measurement found. Latencies are per rendezvous (or per round trip). */
export interface Figures {
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Protocol messages per rendezvous, counted by the runtime (never estimated). */
  readonly messagesPerRendezvous?: number;
  /** Peak resident set size of each process taking part, in bytes. */
  readonly rssBytes: readonly number[];
  /** Size of each compiled task module, in bytes. */
  readonly wasmBytes?: readonly number[];
  /** Time from launch to the first action, in milliseconds. */
  readonly startupMs?: number;
  /** How many rendezvous (or round trips) the figures are drawn from. */
  readonly samples?: number;
  readonly note?: string;
}

export interface NotAvailable {
  readonly notAvailable: string;
}

export function notAvailable(reason: string): NotAvailable {
  return { notAvailable: reason };
}

export function isNotAvailable(x: Figures | NotAvailable): x is NotAvailable {
  return (x as NotAvailable).notAvailable !== undefined;
}

/** What a measurement may use while it runs. */
export interface RunContext {
  readonly quick: boolean;
  /** Wall-clock time this measurement should take, about; it may stop early. */
  readonly budgetMs: number;
  /** Progress lines for the terminal (stderr), not part of the report. */
  log(line: string): void;
}

export interface Measurement {
  /** Stable key, used by comparisons and targets: e.g. "pingpong/embedded", "go/pingpong". */
  readonly id: string;
  readonly name: string;
  readonly scenario: ScenarioId;
  readonly mode: Mode;
  /** Ids of the measurements this one is compared with, in the table and the ratios. */
  readonly compareWith?: readonly string[];
  /** Share of the run's time budget, relative to the others (default 1). */
  readonly weight?: number;
  /**
   * Work before measuring that is not part of the figures (compiling a model, building a
   * program): bounded by the run's deadline, not by the measurement's time budget.
   */
  prepare?(ctx: RunContext): Promise<NotAvailable | undefined>;
  run(ctx: RunContext): Promise<Figures | NotAvailable>;
}

/** A figure we aim for, reported as met or missed, never asserted. */
export interface Target {
  readonly text: string;
  /** The measurement judged; with several, the first one measured, named in the result. */
  readonly measurement: string | readonly string[];
  readonly baseline: string;
  /** ours / baseline on this metric must be at most `maxRatio` (p50) or at least `minRatio` (perSecond). */
  readonly metric: "p50Us" | "perSecond";
  readonly maxRatio?: number;
  readonly minRatio?: number;
}

/** A protocol message target: messages per rendezvous below DLC's 2n+m. */
export interface MessageTarget {
  readonly scenario: ScenarioId;
  /** As in Target; when none has a count, the protocol simulator's counts are used. */
  readonly measurement: string | readonly string[];
  /** DLC's count for this scenario, with the formula that gave it. */
  readonly dlc: number;
  readonly formula: string;
}

/** A tooling benchmark (front end, reference explorer): free-form figures. */
export interface ToolingMeasurement {
  readonly id: string;
  readonly name: string;
  readonly weight?: number;
  run(ctx: RunContext): Promise<ToolingFigures | NotAvailable>;
}

export interface ToolingFigures {
  /** The headline, e.g. "1,234,567 lines/s". */
  readonly summary: string;
  readonly values: Readonly<Record<string, number>>;
}

/** Protocol messages per rendezvous counted by the protocol simulator on a scenario's system. */
export interface SimulatedMessages {
  readonly scenario: ScenarioId;
  readonly system: string;
  readonly rendezvous: number;
  readonly messagesPerRendezvous: number;
  readonly networkPerRendezvous: number;
  readonly abortsPerRendezvous: number;
  readonly dlc: number;
  readonly formula: string;
}

export interface ResultRow {
  readonly id: string;
  readonly name: string;
  readonly scenario: ScenarioId;
  readonly mode: Mode;
  readonly compareWith: readonly string[];
  readonly figures?: Figures;
  readonly notAvailable?: string;
  readonly elapsedMs: number;
}

export interface Ratio {
  readonly measurement: string;
  readonly baseline: string;
  /** ours.p50 / baseline.p50: above 1 is slower than the baseline. */
  readonly p50: number;
  /** ours.perSecond / baseline.perSecond: above 1 is faster than the baseline. */
  readonly throughput: number;
}

export interface TargetResult {
  readonly text: string;
  readonly status: "met" | "missed" | "not measured";
  readonly ratio?: number;
  readonly detail: string;
}

export interface BenchReport {
  readonly schema: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memBytes: number; readonly node: string; readonly platform: string };
  readonly totalMs: number;
  readonly notes: readonly string[];
  readonly rows: readonly ResultRow[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly TargetResult[];
  readonly messages: readonly SimulatedMessages[];
  readonly tooling: readonly { readonly id: string; readonly name: string; readonly figures?: ToolingFigures; readonly notAvailable?: string; readonly elapsedMs: number }[];
}
