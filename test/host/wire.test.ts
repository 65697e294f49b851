// The hand-written codec of host/wire/lntc.proto: round trips, agreement with protobufjs
// reading the .proto itself (both ways), and arbitrary bytes refused with a WireError only.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { decodeFrame, encodeFrame, WireError, type Frame } from "../../host/wire/codec.js";
import { here } from "./helpers.js";

const protoPath = join(here, "..", "..", "..", "host", "wire", "lntc.proto");

const frames: Frame[] = [
  { kind: "hello", hello: { node: "node1", deploymentHash: new Uint8Array([1, 2, 3, 250]), version: 1 } },
  { kind: "batch", batch: { from: "n-é", seq: 2 ** 40 + 3, messages: [{ toManager: true, to: 0, payload: new Uint8Array([1, 0, 255]) }, { toManager: false, to: 4_000_000_000, payload: new Uint8Array(0) }] } },
  { kind: "batch", batch: { from: "x", seq: 1, messages: [] } },
  { kind: "heartbeat" },
  { kind: "control", control: { from: "b", kind: 17, payload: new Uint8Array([7]) } },
];

function plain(f: Frame): unknown {
  return JSON.parse(JSON.stringify(f, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
}

test("frames survive a round trip through the codec", () => {
  for (const f of frames) assert.deepEqual(plain(decodeFrame(encodeFrame(f))), plain(f));
});

interface PbType {
  decode(b: Uint8Array): object;
  encode(m: object): { finish(): Uint8Array };
  fromObject(o: object): object;
  toObject(m: object, o: object): Record<string, unknown>;
}
interface Pb {
  loadSync(path: string): { lookupType(name: string): PbType };
}

test("the codec agrees with protobufjs reading host/wire/lntc.proto", async (t) => {
  let pb: Pb;
  try {
    const name = "protobufjs";
    const m = (await import(name)) as { default: Pb };
    pb = m.default;
  } catch {
    t.skip("protobufjs is not installed (it comes with @grpc/grpc-js's proto-loader)");
    return;
  }
  const Frame = pb.loadSync(protoPath).lookupType("lntc.wire.Frame");
  for (const f of frames) {
    const theirs = Frame.toObject(Frame.decode(encodeFrame(f)), { longs: Number, bytes: Array, defaults: true, oneofs: true });
    assert.equal(theirs["body"], f.kind);
    if (f.kind === "batch") {
      const b = theirs["batch"] as { from: string; seq: number; messages: { toManager: boolean; to: number; payload: number[] }[] };
      assert.equal(b.from, f.batch.from);
      assert.equal(b.seq, f.batch.seq);
      assert.deepEqual(b.messages.map((m) => [m.toManager, m.to, m.payload]), f.batch.messages.map((m) => [m.toManager, m.to, [...m.payload]]));
    }
    if (f.kind === "hello") assert.deepEqual(theirs["hello"], { node: f.hello.node, deploymentHash: [...f.hello.deploymentHash], version: 1 });
    // And back: what protobufjs writes, the codec reads.
    const back = decodeFrame(Frame.encode(Frame.decode(encodeFrame(f))).finish());
    assert.deepEqual(plain(back), plain(f));
  }
});

test("arbitrary bytes either decode or raise a WireError, never anything else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeFrame(bytes);
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
      }
    }),
    { numRuns: 3000 },
  );
  // Mutations of valid frames, the likelier corruption.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: frames.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (i, pos, byte) => {
      const b = Buffer.from(encodeFrame(frames[i]!));
      b[pos % b.length] = byte;
      try {
        decodeFrame(b);
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
      }
    }),
    { numRuns: 3000 },
  );
});
