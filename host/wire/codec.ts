// Encodes and decodes the Frames of host/wire/lntc.proto by hand: protobuf's wire format
// for four small messages, straight into one Buffer, with strict checks on the way in so
// that a frame that does not decode is a WireError, never a crash or a half-read value.

/** A frame that does not decode: the caller refuses it and logs the reason. */
export class WireError extends Error {}

export interface WireMessage {
  readonly toManager: boolean;
  readonly to: number;
  readonly payload: Uint8Array;
}

export interface Hello {
  readonly node: string;
  readonly deploymentHash: Uint8Array;
  readonly version: number;
}

export interface Batch {
  readonly from: string;
  readonly seq: number;
  readonly messages: readonly WireMessage[];
}

export interface Control {
  readonly from: string;
  readonly kind: number;
  readonly payload: Uint8Array;
}

export type Frame =
  | { readonly kind: "hello"; readonly hello: Hello }
  | { readonly kind: "batch"; readonly batch: Batch }
  | { readonly kind: "heartbeat" }
  | { readonly kind: "control"; readonly control: Control };

export const WIRE_VERSION = 1;

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

class Out {
  buf: Buffer;
  len = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  varint(v: number): void {
    // Values up to 2^53: split so that no bitwise operator truncates to 32 bits.
    this.room(10);
    let x = v;
    while (x >= 0x80) {
      this.buf[this.len++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.len++] = x;
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  stringField(field: number, s: string): void {
    if (s.length === 0) return;
    this.bytesField(field, Buffer.from(s, "utf8"));
  }
  /** Writes a nested message: encodes it into its own Out, then copies (messages are small). */
  message(field: number, fill: (o: Out) => void, hint = 32): void {
    const inner = new Out(hint);
    fill(inner);
    this.bytesField(field, inner.buf.subarray(0, inner.len));
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export function encodeFrame(f: Frame): Buffer {
  switch (f.kind) {
    case "hello": {
      const o = new Out(64);
      o.message(1, (h) => {
        h.stringField(1, f.hello.node);
        if (f.hello.deploymentHash.length > 0) h.bytesField(2, f.hello.deploymentHash);
        if (f.hello.version !== 0) {
          h.tag(3, VARINT);
          h.varint(f.hello.version);
        }
      });
      return o.finish();
    }
    case "batch": {
      let hint = 32 + f.batch.from.length * 3;
      for (const m of f.batch.messages) hint += m.payload.length + 16;
      const o = new Out(hint + 16);
      o.message(2, (b) => {
        b.stringField(1, f.batch.from);
        if (f.batch.seq !== 0) {
          b.tag(2, VARINT);
          b.varint(f.batch.seq);
        }
        for (const m of f.batch.messages) {
          b.message(3, (e) => {
            if (m.toManager) {
              e.tag(1, VARINT);
              e.varint(1);
            }
            if (m.to !== 0) {
              e.tag(2, VARINT);
              e.varint(m.to);
            }
            if (m.payload.length > 0) e.bytesField(3, m.payload);
          }, m.payload.length + 16);
        }
      }, hint);
      return o.finish();
    }
    case "heartbeat": {
      const o = new Out(2);
      o.bytesField(3, new Uint8Array(0));
      return o.finish();
    }
    case "control": {
      const o = new Out(32 + f.control.payload.length);
      o.message(4, (c) => {
        c.stringField(1, f.control.from);
        if (f.control.kind !== 0) {
          c.tag(2, VARINT);
          c.varint(f.control.kind);
        }
        if (f.control.payload.length > 0) c.bytesField(3, f.control.payload);
      });
      return o.finish();
    }
  }
}

class In {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end: number = buf.length, start = 0) {
    this.pos = start;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError("truncated varint");
      const b = this.buf[this.pos++]!;
      if (mul < 2 ** 53) v += (b & 0x7f) * mul;
      else if ((b & 0x7f) !== 0) throw new WireError("integer above 2^53");
      if ((b & 0x80) === 0) return v;
      mul *= 0x80;
    }
    throw new WireError("varint longer than 10 bytes");
  }
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new WireError("field number 0");
    return { field, wire: t % 8 };
  }
  sub(): In {
    const n = this.varint();
    if (n > this.end - this.pos) throw new WireError("length past the end of the frame");
    const s = new In(this.buf, this.pos + n, this.pos);
    this.pos += n;
    return s;
  }
  bytes(): Uint8Array {
    const s = this.sub();
    // A view, not a copy: payloads go straight into the runtime, which copies them anyway.
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + s.pos, s.end - s.pos);
  }
  string(): string {
    const s = this.sub();
    const text = new TextDecoder("utf-8", { fatal: false }).decode(this.buf.subarray(s.pos, s.end));
    return text;
  }
  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.varint();
        return;
      case I64:
        this.advance(8);
        return;
      case LEN:
        this.sub();
        return;
      case I32:
        this.advance(4);
        return;
      default:
        throw new WireError(`unknown wire type ${wire}`);
    }
  }
  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireError("truncated fixed-size field");
    this.pos += n;
  }
  expect(wire: number, want: number, what: string): void {
    if (wire !== want) throw new WireError(`${what} has wire type ${wire}, expected ${want}`);
  }
}

function decodeHello(i: In): Hello {
  let node = "";
  let deploymentHash: Uint8Array = new Uint8Array(0);
  let version = 0;
  while (!i.done()) {
    const { field, wire } = i.tag();
    if (field === 1) (i.expect(wire, LEN, "Hello.node"), (node = i.string()));
    else if (field === 2) (i.expect(wire, LEN, "Hello.deployment_hash"), (deploymentHash = i.bytes()));
    else if (field === 3) (i.expect(wire, VARINT, "Hello.version"), (version = i.varint()));
    else i.skip(wire);
  }
  return { node, deploymentHash, version };
}

function decodeMessage(i: In): WireMessage {
  let toManager = false;
  let to = 0;
  let payload: Uint8Array = new Uint8Array(0);
  while (!i.done()) {
    const { field, wire } = i.tag();
    if (field === 1) (i.expect(wire, VARINT, "Message.to_manager"), (toManager = i.varint() !== 0));
    else if (field === 2) {
      i.expect(wire, VARINT, "Message.to");
      to = i.varint();
      if (to > 0xffffffff) throw new WireError("Message.to above 2^32");
    } else if (field === 3) (i.expect(wire, LEN, "Message.payload"), (payload = i.bytes()));
    else i.skip(wire);
  }
  return { toManager, to, payload };
}

function decodeBatch(i: In): Batch {
  let from = "";
  let seq = 0;
  const messages: WireMessage[] = [];
  while (!i.done()) {
    const { field, wire } = i.tag();
    if (field === 1) (i.expect(wire, LEN, "Batch.from"), (from = i.string()));
    else if (field === 2) (i.expect(wire, VARINT, "Batch.seq"), (seq = i.varint()));
    else if (field === 3) (i.expect(wire, LEN, "Batch.messages"), messages.push(decodeMessage(i.sub())));
    else i.skip(wire);
  }
  return { from, seq, messages };
}

function decodeControl(i: In): Control {
  let from = "";
  let kind = 0;
  let payload: Uint8Array = new Uint8Array(0);
  while (!i.done()) {
    const { field, wire } = i.tag();
    if (field === 1) (i.expect(wire, LEN, "Control.from"), (from = i.string()));
    else if (field === 2) (i.expect(wire, VARINT, "Control.kind"), (kind = i.varint()));
    else if (field === 3) (i.expect(wire, LEN, "Control.payload"), (payload = i.bytes()));
    else i.skip(wire);
  }
  return { from, kind, payload };
}

/** Decodes one Frame; throws WireError if it is not a well-formed Frame with exactly one body. */
export function decodeFrame(buf: Uint8Array): Frame {
  const i = new In(buf);
  let frame: Frame | undefined;
  while (!i.done()) {
    const { field, wire } = i.tag();
    if (field >= 1 && field <= 4) {
      i.expect(wire, LEN, "Frame.body");
      const sub = i.sub();
      // proto3 oneof: the last body wins, but two bodies in one frame are never written by
      // lntc, so they are refused rather than silently merged.
      if (frame !== undefined) throw new WireError("a frame with two bodies");
      if (field === 1) frame = { kind: "hello", hello: decodeHello(sub) };
      else if (field === 2) frame = { kind: "batch", batch: decodeBatch(sub) };
      else if (field === 3) frame = { kind: "heartbeat" };
      else frame = { kind: "control", control: decodeControl(sub) };
    } else i.skip(wire);
  }
  if (frame === undefined) throw new WireError("an empty frame");
  return frame;
}
