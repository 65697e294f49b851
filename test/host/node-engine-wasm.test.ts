// The node engine over a compiled model's Wasm, without a network: what another node sends
// is checked before the Wasm sees it. A payload that does not decode, or a message for a
// task or manager of another node, is refused (named, with its sender), and the node
// neither fails nor stops.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { compiled } from "../backend/helpers.js";
import { sharedModels } from "../util/paths.js";
import { WasmEngine, WasmModel } from "../../host/node-engine-wasm.js";
import type { WireMessage } from "../../host/transport.js";
import { Commit, NegRef, MSG_ABORT } from "../../runtime-as/protocol/index.js";

test("a node refuses a protocol message that does not decode or is not for it, and goes on", async () => {
  const b = await compiled(join(sharedModels, "pingpong.lnt"));
  if (typeof b === "string") assert.fail(b);
  const m = b.generated.manifest;
  // PINGER (task 0) and the gates on node a; PONGER (task 1) on node b
  const engine = new WasmEngine(new WasmModel(b.wasm, m, 1), m, {
    self: "a",
    nodes: ["a", "b"],
    taskNode: ["a", "b"],
    gateNode: m.gates.map(() => "a"),
    taskNames: m.tasks.map((t) => t.name),
  });
  const refused: string[] = [];
  const sent: { node: string; messages: readonly WireMessage[] }[] = [];
  const failed: string[] = [];
  engine.start({ send: (node, messages) => sent.push({ node, messages }), action: () => {}, refuse: (w) => refused.push(w), fail: (r) => failed.push(r) });
  assert.equal(sent.length, 0, "PINGER's READY stays on node a, with the manager");
  engine.deliver("b", [{ toManager: true, to: 0, payload: Uint8Array.of(1, 200) }]);
  assert.match(refused[0] ?? "", /from b that does not decode/);
  engine.deliver("b", [{ toManager: false, to: 1, payload: new Commit(0, 1, 1, 0, 0, [Uint8Array.of(0)]).encode() }]);
  assert.match(refused[1] ?? "", /from b for task 1, which is not on this node/);
  engine.deliver("b", [{ toManager: true, to: 1, payload: new NegRef(MSG_ABORT, 1, 1, 1, 1, 0).encode() }]);
  assert.match(refused[2] ?? "", /for manager 1, which is not on this node/);
  assert.deepEqual(failed, []);
  assert.equal(engine.status(), "waiting");
});
