// What `npm run bench` measures: every scenario in both of our modes, the baselines each
// is compared with, and the targets of the issue. Our rows come from bench/embedded.ts and
// bench/distributed.ts when those exist (see scenarios.ts); everything else is here.

import type { Measurement, MessageTarget, Target } from "./harness/types.js";
import { measureJs } from "./baselines/js-rendezvous.js";
import { measureTcpPingpong } from "./baselines/tcp-pingpong.js";
import { erlangPingpong, goBarrier, goPingpong } from "./baselines/native.js";
import type { NativeOptions } from "./baselines/native.js";
import { SCENARIOS, dlcCount, ourPreparation, ourRuntime, plugInChild } from "./scenarios.js";

export const BASELINE = {
  tcp: "transport/tcp",
  grpc: "transport/grpc",
  transport: "transport/lntc",
  jsHandoff: "pingpong/js-handoff",
  jsPromise: "pingpong/js-promise",
  goPingpong: "pingpong/go",
  erlang: "pingpong/erlang",
  goBarrier: (n: number) => `barrier-${n}/go`,
} as const;


export function measurements(native: NativeOptions): Measurement[] {
  const out: Measurement[] = [
    { id: BASELINE.tcp, name: "raw TCP ping-pong, 2 Node processes", scenario: "transport", mode: "baseline", weight: 1.5, run: measureTcpPingpong },
    {
      id: BASELINE.grpc, name: "raw gRPC bidi-stream ping-pong, 2 Node processes", scenario: "transport", mode: "baseline", weight: 1.5, compareWith: [BASELINE.tcp],
      run: plugInChild("grpc-rtt", "measureGrpcPingpong", "raw grpc-js bidirectional stream, 32 B, per round trip (bench/grpc-rtt.ts)"),
    },
    {
      id: BASELINE.transport, name: "lntc GrpcTransport ping-pong, 2 nodes", scenario: "transport", mode: "baseline", weight: 1.5, compareWith: [BASELINE.grpc, BASELINE.tcp],
      run: plugInChild("grpc-rtt", "measureTransportPingpong", "one 9-byte protocol message each way, per round trip (bench/grpc-rtt.ts)"),
    },
  ];
  for (const s of SCENARIOS) {
    const embeddedBase: string[] = [];
    if (s.id === "pingpong") {
      out.push(
        { id: BASELINE.jsHandoff, name: "hand-written JS, direct handoff", scenario: s.id, mode: "baseline", run: measureJs("handoff") },
        { id: BASELINE.jsPromise, name: "hand-written JS, promises", scenario: s.id, mode: "baseline", run: measureJs("promise") },
        { id: BASELINE.goPingpong, name: "Go, unbuffered channels", scenario: s.id, mode: "baseline", run: goPingpong(native) },
        { id: BASELINE.erlang, name: "Erlang, messages", scenario: s.id, mode: "baseline", run: erlangPingpong(native) },
      );
      embeddedBase.push(BASELINE.jsHandoff, BASELINE.jsPromise, BASELINE.goPingpong, BASELINE.erlang);
    } else if (s.id.startsWith("barrier-")) {
      const n = s.parties;
      out.push({ id: BASELINE.goBarrier(n), name: `Go, ${n}-party channel barrier`, scenario: s.id, mode: "baseline", run: goBarrier(n, native) });
      embeddedBase.push(BASELINE.goBarrier(n));
    } else {
      // No native program of this scenario: the nearest native rendezvous stands beside it.
      embeddedBase.push(BASELINE.goPingpong);
    }
    out.push(
      { id: `${s.id}/embedded`, name: `lntc run (embedded, ${s.tasks} tasks)`, scenario: s.id, mode: "embedded", weight: 2, compareWith: embeddedBase, prepare: ourPreparation("embedded", s)!, run: ourRuntime("embedded", s) },
      { id: `${s.id}/distributed`, name: `lntc run --nodes ${s.tasks}`, scenario: s.id, mode: "distributed", weight: 2, compareWith: [BASELINE.grpc, BASELINE.transport, BASELINE.tcp], run: ourRuntime("distributed", s) },
    );
  }
  return out;
}

export const TARGETS: readonly Target[] = [
  { text: "embedded two-party exchange at least as fast as Go's unbuffered channels", measurement: "pingpong/embedded", baseline: BASELINE.goPingpong, metric: "perSecond", minRatio: 1 },
  { text: "distributed two-party rendezvous p50 within 1.5x of the gRPC round trip", measurement: "pingpong/distributed", baseline: BASELINE.grpc, metric: "p50Us", maxRatio: 1.5 },
  { text: "distributed 4-party barrier on 4 nodes within 2x of the gRPC round trip", measurement: "barrier-4/distributed", baseline: BASELINE.grpc, metric: "p50Us", maxRatio: 2 },
];

export const MESSAGE_TARGETS: readonly MessageTarget[] = SCENARIOS.map((s) => {
  const d = dlcCount(s.id);
  return { scenario: s.id, measurement: [`${s.id}/distributed`], dlc: d.messages, formula: d.formula };
});
