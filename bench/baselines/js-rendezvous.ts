// The in-process baseline for scenario 1: the best two-party rendezvous we can write by
// hand in JavaScript, with no protocol and no Wasm. A pinger sends n on PING, a ponger
// answers n+1 on PONG, for ever. Two versions: a direct synchronous handoff (parties are
// continuations on a run queue, the second party to arrive completes the rendezvous) and
// a promise-based channel (parties are async functions awaiting each other).
// Figures are per rendezvous: a round trip is two of them.

import { fileURLToPath } from "node:url";
import type { Figures, NotAvailable, RunContext } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { lastJson, lastLine, peakRssSelf, runChild } from "../harness/proc.js";
import { sampleAsync, sampleSync } from "../harness/stats.js";
import type { Sampled } from "../harness/stats.js";

type Receiver = (v: number) => void;

/** An unbuffered gate for one sender and one receiver, completing on a shared run queue. */
class HandoffGate {
  private sender: (() => void) | null = null;
  private value = 0;
  private receiver: Receiver | null = null;
  rendezvous = 0;
  constructor(private readonly queue: RunQueue) {}

  send(v: number, then: () => void): void {
    const r = this.receiver;
    if (r) {
      this.receiver = null;
      this.rendezvous++;
      this.queue.push(then);
      this.queue.pushValue(r, v);
    } else {
      this.sender = then;
      this.value = v;
    }
  }

  recv(then: Receiver): void {
    const s = this.sender;
    if (s) {
      this.sender = null;
      this.rendezvous++;
      this.queue.push(s);
      this.queue.pushValue(then, this.value);
    } else {
      this.receiver = then;
    }
  }
}

/**
 * A FIFO of continuations with a number argument, run until a count of rendezvous. A ring
 * of fixed size: with two parties at most two continuations are ever pending, and nothing
 * is allocated per rendezvous (allocation, hence GC, would dominate a 30 ns handoff).
 */
class RunQueue {
  private readonly fs: (Receiver | (() => void) | null)[] = new Array<null>(16).fill(null);
  private readonly vs = new Float64Array(16);
  private head = 0;
  private tail = 0;
  push(f: () => void): void {
    this.pushValue(f, 0);
  }
  pushValue(f: Receiver | (() => void), v: number): void {
    if (this.tail - this.head === 16) throw new Error("run queue full");
    this.fs[this.tail & 15] = f;
    this.vs[this.tail & 15] = v;
    this.tail++;
  }
  runUntil(done: () => boolean): void {
    while (this.head < this.tail && !done()) {
      const i = this.head & 15;
      const f = this.fs[i] as Receiver;
      this.fs[i] = null;
      this.head++;
      f(this.vs[i]!);
    }
  }
}

/** A running pingpong on handoff gates; `steps(k)` performs k more rendezvous. */
export function handoffPingpong(): { steps(k: number): void; readonly rendezvous: number; readonly lastValue: number } {
  const q = new RunQueue();
  const ping = new HandoffGate(q);
  const pong = new HandoffGate(q);
  // The pinger: PING(!n); PONG(?m) where m == n+1; n := m. Its continuations are made once.
  let n = 0;
  const pingerOnPong = (m: number): void => {
    if (m !== n + 1) throw new Error(`guard m == n+1 failed: ${m} after ${n}`);
    n = m;
    ping.send(n, pingerAfterPing);
  };
  const pingerAfterPing = (): void => pong.recv(pingerOnPong);
  // The ponger: PING(?x); PONG(!x+1).
  const pongerOnPing = (x: number): void => pong.send(x + 1, pongerStart);
  const pongerStart = (): void => ping.recv(pongerOnPing);
  ping.send(n, pingerAfterPing);
  pongerStart();
  let target = 0;
  const reached = (): boolean => ping.rendezvous + pong.rendezvous >= target;
  return {
    steps(k: number) {
      target = ping.rendezvous + pong.rendezvous + k;
      q.runUntil(reached);
    },
    get rendezvous() {
      return ping.rendezvous + pong.rendezvous;
    },
    get lastValue() {
      return n;
    },
  };
}

/** An unbuffered channel whose parties await each other through promises. */
class PromiseGate {
  private senders: { v: number; resolve: () => void }[] = [];
  private receivers: ((v: number) => void)[] = [];
  rendezvous = 0;
  send(v: number): Promise<void> {
    const r = this.receivers.shift();
    if (r) {
      this.rendezvous++;
      r(v);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.senders.push({ v, resolve }));
  }
  recv(): Promise<number> {
    const s = this.senders.shift();
    if (s) {
      this.rendezvous++;
      s.resolve();
      return Promise.resolve(s.v);
    }
    return new Promise((resolve) => this.receivers.push(resolve));
  }
}

/** A running pingpong of two async functions; `steps(k)` resolves after k more rendezvous. */
export function promisePingpong(): { steps(k: number): Promise<void>; stop(): void; readonly rendezvous: number } {
  const ping = new PromiseGate();
  const pong = new PromiseGate();
  let stopped = false;
  let waiter: { target: number; resolve: () => void } | null = null;
  const count = (): number => ping.rendezvous + pong.rendezvous;
  const check = (): void => {
    if (waiter && count() >= waiter.target) {
      const w = waiter;
      waiter = null;
      w.resolve();
    }
  };
  void (async () => {
    let n = 0;
    while (!stopped) {
      await ping.send(n);
      check();
      const m = await pong.recv();
      check();
      if (m !== n + 1) throw new Error(`guard m == n+1 failed: ${m} after ${n}`);
      n = m;
    }
  })();
  void (async () => {
    while (!stopped) {
      const x = await ping.recv();
      await pong.send(x + 1);
    }
  })();
  return {
    steps(k: number) {
      return new Promise<void>((resolve) => {
        waiter = { target: count() + k, resolve };
        check();
      });
    },
    stop() {
      stopped = true;
    },
    get rendezvous() {
      return count();
    },
  };
}

/** Figures of one version, measured in this process. */
export async function measureInProcess(kind: "handoff" | "promise", budgetMs: number): Promise<Sampled> {
  if (kind === "handoff") {
    const pp = handoffPingpong();
    return sampleSync((k) => pp.steps(k), budgetMs, 256);
  }
  const pp = promisePingpong();
  const s = await sampleAsync((k) => pp.steps(k), budgetMs, 256);
  pp.stop();
  return s;
}

/** Measures one version in a child Node process of its own, for a fair peak RSS. */
export function measureJs(kind: "handoff" | "promise"): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    const r = await runChild(process.execPath, [fileURLToPath(import.meta.url), kind, String(Math.round(ctx.budgetMs))], { timeoutMs: ctx.budgetMs * 2 + 10_000 });
    const j = lastJson(r.stdout);
    if (r.code !== 0 || !j) return notAvailable(`the JS ${kind} baseline failed: ${lastLine(r.stderr) || (r.timedOut ? "timed out" : `exit ${r.code}`)}`);
    return {
      perSecond: Number(j["perSecond"]),
      p50Us: Number(j["p50Us"]),
      p99Us: Number(j["p99Us"]),
      samples: Number(j["samples"]),
      rssBytes: [Number(j["maxRssBytes"])],
      note: "one Node process, per rendezvous",
    };
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2];
  if (kind !== "handoff" && kind !== "promise") {
    process.stderr.write("usage: js-rendezvous.js handoff|promise BUDGET_MS\n");
    process.exit(2);
  }
  const s = await measureInProcess(kind, Number(process.argv[3] ?? 2000));
  process.stdout.write(JSON.stringify({ ...s, maxRssBytes: peakRssSelf() }) + "\n");
  // The promise version leaves its two parties waiting for ever: nothing else keeps the process.
  process.exit(0);
}
