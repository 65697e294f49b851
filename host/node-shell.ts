// One node of a distributed run, around whatever executes the tasks and managers placed on
// it (a NodeEngine: the adapter over the model's Wasm, or a test's toy): start-up barrier,
// global quiescence detection with one verdict for every node (terminated or deadlock),
// a bound on the run's actions in all, stop on Ctrl-C, on a request from outside (the
// launcher) or on a peer's fault for every node, and the node's action log.
//
// Quiescence is detected by the first node of the deployment (the coordinator) with
// Mattern's four-counter method: it probes every node for (busy?, ended?, messages sent,
// messages received); two consecutive probe rounds in which no node is busy, the counts
// are unchanged and every sent message has been received mean that nothing is in flight
// and nothing can move: the run is over. Then all tasks ended means "terminated", anything
// else "deadlock". Counting messages between nodes is enough: messages among the
// components of one node never leave its engine, which reports itself busy while it has
// any to process.
//
// The step limit rides on the same probes: each node reports how many actions it logged
// (each action is logged by one node) and its own limit, if any; once the total reaches the
// smallest limit, the coordinator stops every node with the verdict "step-limit". The
// counts are those of the last probe round, so a few more actions may have been logged by
// then; `lntc run --nodes`, which sees every action as it is logged, asks for the stop
// itself (`NodeShellOptions.stop`) and keeps exactly the first N of the merged trace.

import { CONTROL_USER, StartupTimeout, type Transport, type WireMessage } from "./transport.js";
import { logLine, type Participation } from "./trace-log.js";

export type EngineStatus = "busy" | "waiting" | "ended";

export interface EngineOut {
  /** Protocol messages for components on another node. */
  send(node: string, messages: readonly WireMessage[]): void;
  /** An action this node logs (see trace-log.ts): participants with their sequence numbers. */
  action(parts: readonly Participation[], label: string): void;
  /** A message the engine could not take (logged, never a crash). */
  refuse(what: string): void;
  /** The engine cannot go on (a run-time error of the model): every node stops with this reason. */
  fail?(reason: string): void;
}

export interface NodeEngine {
  /** Called once every peer is connected: the local tasks make their first offers. */
  start(out: EngineOut): void;
  deliver(from: string, messages: readonly WireMessage[]): void;
  status(): EngineStatus;
  /** The run is over on every node: release what the engine holds. */
  stop(): void;
}

export type Verdict =
  | { readonly kind: "terminated" }
  | { readonly kind: "deadlock" }
  | { readonly kind: "interrupted"; readonly by: string }
  | { readonly kind: "peer-down"; readonly peer: string; readonly reason: string }
  | { readonly kind: "startup"; readonly missing: readonly string[]; readonly waitedMs: number }
  | { readonly kind: "failed"; readonly reason: string }
  /** A run-time error of the model (overflow, failed case, ...): the model is wrong, as for `lntc run`. */
  | { readonly kind: "model-error"; readonly reason: string }
  /** The run reached its step limit (`--steps`): `steps` actions in all. A stop, not a fault: status 0, as `lntc run`. */
  | { readonly kind: "step-limit"; readonly steps: number }
  /** The hooks of node `by` ended the run (`env.stop()`): a stop, status 0, as `lntc run --hooks`. */
  | { readonly kind: "hooks-stopped"; readonly by: string };

/** Exit status per verdict, as `lntc run`: 0 terminated, 1 deadlock; faults above. */
export function exitStatus(v: Verdict): number {
  switch (v.kind) {
    case "terminated":
    case "step-limit":
    case "hooks-stopped":
      return 0;
    case "deadlock":
    case "model-error":
      return 1;
    case "startup":
      return 3;
    case "failed":
      return 2;
    case "peer-down":
      return 4;
    case "interrupted":
      return 130;
  }
}

const VERDICT_KINDS: ReadonlySet<string> = new Set(["terminated", "deadlock", "interrupted", "peer-down", "startup", "failed", "model-error", "step-limit", "hooks-stopped"]);

/** A verdict from the network is checked before it decides this node's exit. */
export function isVerdict(v: unknown): v is Verdict {
  if (typeof v !== "object" || v === null) return false;
  const kind = String((v as { kind?: unknown }).kind);
  if (!VERDICT_KINDS.has(kind)) return false;
  // A step limit is printed with its count: a whole number of actions.
  if (kind === "step-limit") return isCount((v as { steps?: unknown }).steps);
  return true;
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

export function describeVerdict(v: Verdict): string {
  switch (v.kind) {
    case "terminated":
      return "terminated: every task ended";
    case "deadlock":
      return "deadlock: no task can move and no message is in flight";
    case "interrupted":
      return `stopped: interrupted at node ${v.by}`;
    case "peer-down":
      return `stopped: node ${v.peer} is down (${v.reason})`;
    case "startup":
      return `stopped: no connection from ${v.missing.join(", ")} after ${v.waitedMs} ms`;
    case "failed":
    case "model-error":
      return `stopped: ${v.reason}`;
    case "step-limit":
      return `stopped: step limit of ${v.steps} action${v.steps === 1 ? "" : "s"} reached (--steps)`;
    case "hooks-stopped":
      return `stopped by the hooks on node ${v.by}`;
  }
}

const PROBE = CONTROL_USER;
const STATUS = CONTROL_USER + 1;
const VERDICT = CONTROL_USER + 2;
const STOP = CONTROL_USER + 3;

interface Report {
  busy: boolean;
  ended: boolean;
  sent: number;
  received: number;
  /** Actions this node logged. */
  actions: number;
  /** This node's bound on the run's actions in all (--steps), or null. */
  limit: number | null;
}

const enc = (o: object): Uint8Array => Buffer.from(JSON.stringify(o));
function dec<T>(b: Uint8Array): T | undefined {
  try {
    return JSON.parse(Buffer.from(b).toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

export interface NodeShellOptions {
  readonly transport: Transport;
  /** Node names in deployment order; the first coordinates quiescence detection. */
  readonly nodes: readonly string[];
  readonly engine: NodeEngine;
  /** One log line at a time (the header first); omitted: no log. */
  readonly log?: (line: string) => void;
  readonly logHeader?: string;
  /** Between probe rounds when idle. */
  readonly probeMs?: number;
  /** Human-readable progress and faults (stderr). */
  readonly say?: (line: string) => void;
  /**
   * A bound on the actions of the whole run (`lntc node --steps N`): the coordinator stops
   * every node with the verdict "step-limit" once the nodes have logged this many in all
   * (the smallest bound given to any node wins).
   */
  readonly steps?: number;
  /**
   * A stop asked from outside this node (a launcher, `lntc node --control-stdin`): when it
   * resolves, this node stops every node with that verdict, as Ctrl-C does with
   * "interrupted". Give it to the coordinator alone when it may race with a verdict of
   * quiescence or of the step limit: the coordinator decides those, so every node then
   * gets the same one.
   */
  readonly stop?: Promise<Verdict>;
}

/** Runs the node until the run's verdict; resolves with it after closing the transport. */
export function runNode(o: NodeShellOptions): Promise<Verdict> {
  const t = o.transport;
  const self = t.self;
  const coordinator = o.nodes[0]!;
  const peers = o.nodes.filter((n) => n !== self);
  const say = o.say ?? ((l: string) => void process.stderr.write(`lntc node ${self}: ${l}\n`));
  const probeMs = o.probeMs ?? 20;
  let sent = 0;
  let received = 0;
  let logged = 0;
  let done = false;
  let started = false;
  let resolveRun: (v: Verdict) => void = () => {};
  const finished = new Promise<Verdict>((r) => (resolveRun = r));
  // Coordinator state: the current round's replies and the previous round's.
  let round = 0;
  let replies = new Map<string, Report>();
  let previous: Map<string, Report> | null = null;
  let probeTimer: NodeJS.Timeout | null = null;

  const finish = (v: Verdict, tell: boolean): void => {
    if (done) return;
    done = true;
    if (probeTimer) clearTimeout(probeTimer);
    if (tell) for (const p of peers) t.sendControl(p, v.kind === "interrupted" || v.kind === "peer-down" ? STOP : VERDICT, enc(v));
    try {
      o.engine.stop();
    } catch {
      // The run is over either way.
    }
    // Let the verdict frames leave before the streams end.
    setTimeout(() => void t.close().finally(() => resolveRun(v)), 20);
  };

  const mine = (): Report => {
    // A node still waiting for its peers, or holding early messages, counts as busy: its
    // tasks have not made their first offers yet.
    const s = o.engine.status();
    return { busy: !started || s === "busy", ended: started && s === "ended", sent, received, actions: logged, limit: o.steps ?? null };
  };

  const sameCounts = (a: Map<string, Report>, b: Map<string, Report>): boolean =>
    [...a].every(([n, r]) => {
      const q = b.get(n);
      return q !== undefined && q.sent === r.sent && q.received === r.received;
    });

  const startRound = (): void => {
    probeTimer = null;
    if (done) return;
    round++;
    replies = new Map([[self, mine()]]);
    for (const p of peers) t.sendControl(p, PROBE, enc({ round }));
    if (peers.length === 0) endRound();
  };

  const endRound = (): void => {
    const all = [...replies.values()];
    const limits = all.flatMap((r) => (r.limit === null ? [] : [r.limit]));
    if (limits.length > 0) {
      const limit = Math.min(...limits);
      if (all.reduce((s, r) => s + r.actions, 0) >= limit) {
        finish({ kind: "step-limit", steps: limit }, true);
        return;
      }
    }
    const quiet = all.every((r) => !r.busy) && all.reduce((s, r) => s + r.sent, 0) === all.reduce((s, r) => s + r.received, 0);
    if (quiet && previous !== null && sameCounts(replies, previous)) {
      finish(all.every((r) => r.ended) ? { kind: "terminated" } : { kind: "deadlock" }, true);
      return;
    }
    previous = quiet ? replies : null;
    probeTimer = setTimeout(startRound, quiet ? 0 : probeMs);
  };

  // A peer may start, and send, before this node has heard from every other peer: hold its
  // messages until the local tasks have started.
  const early: [string, readonly WireMessage[]][] = [];
  t.onMessages((from, ms) => {
    if (done) return;
    received += ms.length;
    if (started) o.engine.deliver(from, ms);
    else early.push([from, ms]);
  });
  t.onControl((from, kind, payload) => {
    if (done) return;
    if (kind === PROBE && self !== coordinator) {
      const p = dec<{ round: number }>(payload);
      if (p) t.sendControl(from, STATUS, enc({ round: p.round, ...mine() }));
    } else if (kind === STATUS && self === coordinator) {
      const r = dec<Report & { round: number }>(payload);
      if (!r || r.round !== round) return;
      replies.set(from, { busy: r.busy, ended: r.ended, sent: r.sent, received: r.received, actions: isCount(r.actions) ? r.actions : 0, limit: isCount(r.limit) ? r.limit : null });
      if (replies.size === o.nodes.length) endRound();
    } else if (kind === VERDICT || kind === STOP) {
      const v = dec<Verdict>(payload);
      if (v && isVerdict(v)) finish(v, false);
      else say(`refused a verdict from ${from} that does not decode`);
    }
  });
  t.onPeerDown((peer, reason) => {
    say(`node ${peer} is down (${reason}); stopping`);
    finish({ kind: "peer-down", peer, reason }, true);
  });
  // A peer that closed in order has sent its verdict first; nothing to do.
  t.onPeerLeft(() => {});

  const out: EngineOut = {
    send(node, messages) {
      if (done) return;
      sent += messages.length;
      t.send(node, messages);
    },
    action(parts, label) {
      logged++;
      o.log?.(logLine(parts, label));
    },
    refuse(what) {
      say(`refused ${what}`);
    },
    fail(reason) {
      say(reason);
      finish({ kind: "model-error", reason }, true);
    },
  };

  // Kept until the end, not `once`: from a terminal, Ctrl-C reaches every node of a local
  // run and the launcher forwards it too; a second SIGINT while stopping must not kill us.
  const onSigint = (): void => {
    if (done) return;
    say("interrupted; stopping every node");
    finish({ kind: "interrupted", by: self }, true);
  };
  process.on("SIGINT", onSigint);
  void o.stop?.then((v) => finish(v, true));

  void (async () => {
    try {
      await t.start();
    } catch (err) {
      if (err instanceof StartupTimeout) {
        say(err.message);
        done = true;
        await t.close();
        resolveRun({ kind: "startup", missing: err.missing, waitedMs: err.waitedMs });
        return;
      }
      // Cannot listen (address in use, not ours): a message and a status, not a stack trace.
      const reason = err instanceof Error ? err.message : String(err);
      say(reason);
      done = true;
      await t.close();
      resolveRun({ kind: "failed", reason });
      return;
    }
    if (done) return;
    if (o.logHeader !== undefined) o.log?.(o.logHeader);
    o.engine.start(out);
    started = true;
    for (const [from, ms] of early.splice(0)) o.engine.deliver(from, ms);
    if (self === coordinator) probeTimer = setTimeout(startRound, probeMs);
  })();

  return finished.finally(() => process.removeListener("SIGINT", onSigint));
}
