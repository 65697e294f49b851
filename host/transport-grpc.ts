// The Transport over gRPC: one long-lived bidirectional `Exchange` stream per pair of
// nodes, opened by the node whose name sorts first; batches of whatever is pending per
// peer, written while the stream accepts them and with a bounded number in flight;
// heartbeats so that a silent peer is found within the peer timeout; and refusal (logged,
// never a crash) of connections from addresses or names outside the deployment and of
// frames that do not decode. See docs/distributed.md for the choices.

import * as grpc from "@grpc/grpc-js";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { decodeFrame, encodeFrame, WIRE_VERSION, WireError, type Frame, type WireMessage } from "./wire/codec.js";
import { CONTROL_BYE, StartupTimeout, type NodeAddress, type Transport } from "./transport.js";

export const EXCHANGE_METHOD = "/lntc.wire.Node/Exchange";

export interface TlsFiles {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface GrpcTransportOptions {
  readonly nodes: readonly NodeAddress[];
  readonly self: string;
  /** Peers must present the same hash in their Hello. */
  readonly deploymentHash: Uint8Array;
  /** Mutual TLS; the certificates' common names are the node names. */
  readonly tls?: TlsFiles;
  /** Where refusals and faults are reported, one line each. */
  readonly log?: (line: string) => void;
  readonly startTimeoutMs?: number;
  readonly peerTimeoutMs?: number;
  readonly heartbeatMs?: number;
  /** Batches written and not yet acknowledged by grpc-js, per stream. */
  readonly maxInFlight?: number;
  /** Messages per batch at most. */
  readonly maxBatch?: number;
}

type Stream = grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>;

type Pending = { readonly kind: "message"; readonly m: WireMessage } | { readonly kind: "control"; readonly control: number; readonly payload: Uint8Array };

/** One peer: its stream once greeted, and what waits to be written to it. */
class Link {
  stream: Stream | null = null;
  client: grpc.Client | null = null;
  up = false;
  gone = false;
  leaving = false;
  pending: Pending[] = [];
  head = 0;
  seqOut = 0;
  seqIn = 0;
  inFlight = 0;
  blocked = false;
  scheduled = false;
  lastHeard = 0;
  lastSent = 0;
  lastDialError = "";
  constructor(readonly peer: NodeAddress, readonly dialer: boolean) {}
}

const identity = (b: Buffer): Buffer => b;

function channelOptions(): grpc.ChannelOptions {
  return {
    // Below grpc-js's 1 MiB default, a burst of writes meets back-pressure instead of the
    // retry buffer's O(queued) slow path (see /work/shared/notes/limits.md).
    "grpc.per_rpc_retry_buffer_size": 65536,
    "grpc.keepalive_time_ms": 500,
    "grpc.keepalive_timeout_ms": 1000,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 500,
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  };
}

/** "127.0.0.1:5000", "[::1]:5000", "::ffff:127.0.0.1:5000" -> the bare IP. */
export function peerIp(peer: string): string {
  let s = peer.replace(/^ipv[46]:/, "");
  const m = /^\[(.*)\](?::\d+)?$/.exec(s);
  if (m) s = m[1]!;
  else if (isIP(s) === 0) s = s.replace(/:\d+$/, "");
  return s.replace(/^::ffff:/i, "");
}

function hexShort(b: Uint8Array): string {
  return Buffer.from(b).toString("hex").slice(0, 12);
}

export class GrpcTransport implements Transport {
  readonly self: string;
  private readonly opts: Required<Omit<GrpcTransportOptions, "tls">> & { tls: TlsFiles | undefined };
  private readonly links = new Map<string, Link>();
  private server: grpc.Server | null = null;
  private allowedIps = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private messageHandler: (from: string, messages: readonly WireMessage[]) => void = () => {};
  private controlHandler: (from: string, kind: number, payload: Uint8Array) => void = () => {};
  private downHandler: (peer: string, reason: string) => void = () => {};
  private leftHandler: (peer: string) => void = () => {};
  private upWaiters: (() => void)[] = [];
  private abortStart: () => void = () => {};
  /** Frames refused since start, for tests and statistics. */
  refusedFrames = 0;
  refusedConnections = 0;
  /** The port actually bound (the deployment's, or the OS's choice for port 0). */
  boundPort = 0;

  constructor(options: GrpcTransportOptions) {
    this.self = options.self;
    this.opts = {
      nodes: options.nodes,
      self: options.self,
      deploymentHash: options.deploymentHash,
      tls: options.tls,
      log: options.log ?? ((line) => process.stderr.write(`lntc node ${options.self}: ${line}\n`)),
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
      peerTimeoutMs: options.peerTimeoutMs ?? 1500,
      heartbeatMs: options.heartbeatMs ?? 250,
      maxInFlight: options.maxInFlight ?? 8,
      maxBatch: options.maxBatch ?? 1024,
    };
    if (!options.nodes.some((n) => n.name === options.self)) throw new Error(`node '${options.self}' is not in the deployment`);
    for (const n of options.nodes) {
      if (n.name === options.self) continue;
      this.links.set(n.name, new Link(n, options.self < n.name));
    }
  }

  onMessages(h: (from: string, messages: readonly WireMessage[]) => void): void {
    this.messageHandler = h;
  }
  onControl(h: (from: string, kind: number, payload: Uint8Array) => void): void {
    this.controlHandler = h;
  }
  onPeerDown(h: (peer: string, reason: string) => void): void {
    this.downHandler = h;
  }
  onPeerLeft(h: (peer: string) => void): void {
    this.leftHandler = h;
  }

  async start(): Promise<void> {
    await this.resolveAddresses();
    await this.listen();
    const now = Date.now();
    for (const l of this.links.values()) {
      l.lastHeard = now;
      if (l.dialer) this.dial(l);
    }
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(this.opts.heartbeatMs / 4)));
    this.timer.unref();
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if ([...this.links.values()].every((l) => l.up || l.gone)) {
          clearTimeout(t);
          resolve();
          return true;
        }
        return false;
      };
      const t = setTimeout(() => {
        const missing = [...this.links.values()].filter((l) => !l.up).map((l) => l.peer.name);
        reject(new StartupTimeout(this.self, missing, Date.now() - started));
      }, this.opts.startTimeoutMs);
      // Closed while starting (Ctrl-C, a verdict from a peer): stop waiting at once.
      this.abortStart = () => {
        clearTimeout(t);
        resolve();
      };
      const wait = (): void => {
        if (!check()) this.upWaiters.push(wait);
      };
      wait();
    });
  }

  send(toNode: string, messages: readonly WireMessage[]): void {
    const l = this.link(toNode);
    if (l.gone) return;
    for (const m of messages) l.pending.push({ kind: "message", m });
    this.schedule(l);
  }

  sendControl(toNode: string, kind: number, payload: Uint8Array): void {
    const l = this.link(toNode);
    if (l.gone) return;
    l.pending.push({ kind: "control", control: kind, payload });
    this.schedule(l);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.abortStart();
    if (this.timer) clearInterval(this.timer);
    const ends: Promise<void>[] = [];
    for (const l of this.links.values()) {
      if (l.up && !l.gone && l.stream) {
        l.pending.push({ kind: "control", control: CONTROL_BYE, payload: new Uint8Array(0) });
        // Written past the in-flight bound: goodbye must not wait for a slow peer.
        this.flush(l, true);
        const s = l.stream;
        ends.push(new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 300);
          s.once("finish", () => {
            clearTimeout(t);
            resolve();
          });
          s.end();
        }));
      }
      l.gone = true;
    }
    await Promise.all(ends);
    for (const l of this.links.values()) {
      l.client?.close();
      if (l.stream && "cancel" in l.stream) l.stream.cancel();
    }
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        // Calls from a vanished peer never end by themselves: do not wait for them long.
        const t = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 100);
        server.tryShutdown(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  // ---- connections --------------------------------------------------------

  private link(name: string): Link {
    const l = this.links.get(name);
    if (!l) throw new Error(`node ${this.self}: no peer named '${name}'`);
    return l;
  }

  private async resolveAddresses(): Promise<void> {
    for (const n of this.opts.nodes) {
      if (isIP(n.host)) this.allowedIps.add(n.host);
      else {
        try {
          for (const a of await lookup(n.host, { all: true })) this.allowedIps.add(a.address);
        } catch (err) {
          this.opts.log(`cannot resolve the address of node ${n.name} (${n.host}): ${(err as Error).message}`);
        }
      }
    }
    // A connection to a loopback address arrives from 127.0.0.1 or ::1.
    if ([...this.allowedIps].some((a) => a.startsWith("127.") || a === "::1")) {
      this.allowedIps.add("127.0.0.1");
      this.allowedIps.add("::1");
    }
  }

  private credentials(): { server: grpc.ServerCredentials; channel(expected: string): grpc.ChannelCredentials } {
    const tls = this.opts.tls;
    if (!tls) return { server: grpc.ServerCredentials.createInsecure(), channel: () => grpc.credentials.createInsecure() };
    return {
      server: grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true),
      // Nodes are named by their certificates' common names, not by host names: the check
      // is that the server is the node we dialled, whatever address it has.
      channel: (expected) =>
        grpc.credentials.createSsl(tls.ca, tls.key, tls.cert, {
          checkServerIdentity: (_host, cert) =>
            cert.subject?.CN === expected ? undefined : new Error(`certificate of '${cert.subject?.CN}', expected node '${expected}'`),
        }),
    };
  }

  private async listen(): Promise<void> {
    const me = this.opts.nodes.find((n) => n.name === this.self)!;
    const server = new grpc.Server({
      "grpc.keepalive_time_ms": 500,
      "grpc.keepalive_timeout_ms": 1000,
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
      "grpc.max_send_message_length": 64 * 1024 * 1024,
    });
    const service: grpc.ServiceDefinition = {
      Exchange: {
        path: EXCHANGE_METHOD,
        requestStream: true,
        responseStream: true,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    server.addService(service, { Exchange: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.accept(call) });
    const host = isIP(me.host) === 6 ? `[${me.host}]` : me.host;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${me.port}`, this.credentials().server, (err, port) => (err ? reject(new Error(`node ${this.self}: cannot listen on ${me.host}:${me.port}: ${err.message}`)) : resolve(port))),
    );
    this.server = server;
  }

  private refuse(call: grpc.ServerDuplexStream<Buffer, Buffer>, why: string): void {
    this.refusedConnections++;
    this.opts.log(`refused a connection from ${call.getPeer()}: ${why}`);
    call.emit("error", { code: grpc.status.PERMISSION_DENIED, details: why });
  }

  /** A peer with a smaller name dialled us: check its address, then its Hello. */
  private accept(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
    call.on("error", () => {});
    if (this.closing) {
      call.emit("error", { code: grpc.status.UNAVAILABLE, details: "node closing" });
      return;
    }
    const ip = peerIp(call.getPeer());
    if (!this.allowedIps.has(ip)) return this.refuse(call, `address ${ip} is not in the deployment`);
    let link: Link | null = null;
    const helloTimer = setTimeout(() => {
      if (link === null) this.refuse(call, "no Hello within 5 s");
    }, 5000);
    helloTimer.unref();
    call.on("data", (buf: Buffer) => {
      if (link !== null) return this.receive(link, buf);
      let f: Frame;
      try {
        f = decodeFrame(buf);
      } catch (err) {
        clearTimeout(helloTimer);
        return this.refuse(call, `first frame does not decode: ${(err as Error).message}`);
      }
      clearTimeout(helloTimer);
      if (f.kind !== "hello") return this.refuse(call, `first frame is a ${f.kind}, not a Hello`);
      const h = f.hello;
      if (h.version !== WIRE_VERSION) return this.refuse(call, `wire version ${h.version}, expected ${WIRE_VERSION}`);
      if (!Buffer.from(h.deploymentHash).equals(Buffer.from(this.opts.deploymentHash))) {
        return this.refuse(call, `node '${h.node}' runs another deployment (hash ${hexShort(h.deploymentHash)}, ours ${hexShort(this.opts.deploymentHash)})`);
      }
      const l = this.links.get(h.node);
      if (!l) return this.refuse(call, `unknown node name '${h.node}'`);
      if (l.dialer) return this.refuse(call, `node '${h.node}' dialled us, but we dial it (the smaller name dials)`);
      if (l.up || l.gone) return this.refuse(call, `node '${h.node}' is already connected`);
      if (this.opts.tls) {
        const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
        if (cn !== h.node) return this.refuse(call, `node '${h.node}' presented the certificate of '${cn ?? "nobody"}'`);
      }
      link = l;
      l.stream = call;
      call.write(encodeFrame({ kind: "hello", hello: { node: this.self, deploymentHash: this.opts.deploymentHash, version: WIRE_VERSION } }));
      this.markUp(l);
    });
    const lost = (why: string): void => {
      clearTimeout(helloTimer);
      if (link !== null) this.lost(link, why);
    };
    call.on("end", () => lost("stream ended"));
    call.on("cancelled", () => lost("connection lost"));
    call.on("close", () => lost("connection closed"));
  }

  /** Opens the stream to a peer with a larger name; retries until it is up or start-up times out. */
  private dial(l: Link): void {
    if (this.closing || l.up || l.gone) return;
    const addr = `${isIP(l.peer.host) === 6 ? `[${l.peer.host}]` : l.peer.host}:${l.peer.port}`;
    const client = new grpc.Client(addr, this.credentials().channel(l.peer.name), channelOptions());
    l.client = client;
    const call = client.makeBidiStreamRequest<Buffer, Buffer>(EXCHANGE_METHOD, identity, identity, new grpc.Metadata({ waitForReady: true }));
    let greeted = false;
    let finished = false;
    call.write(encodeFrame({ kind: "hello", hello: { node: this.self, deploymentHash: this.opts.deploymentHash, version: WIRE_VERSION } }));
    call.on("data", (buf: Buffer) => {
      if (greeted) return this.receive(l, buf);
      let f: Frame;
      try {
        f = decodeFrame(buf);
      } catch (err) {
        return finish(`its first frame does not decode: ${(err as Error).message}`);
      }
      if (f.kind !== "hello" || f.hello.node !== l.peer.name || !Buffer.from(f.hello.deploymentHash).equals(Buffer.from(this.opts.deploymentHash))) {
        return finish(`it answered as ${f.kind === "hello" ? `node '${f.hello.node}' (hash ${hexShort(f.hello.deploymentHash)})` : `a ${f.kind}`}`);
      }
      greeted = true;
      l.stream = call;
      this.markUp(l);
    });
    const finish = (why: string): void => {
      if (finished) return;
      finished = true;
      if (greeted) return this.lost(l, why);
      call.cancel();
      client.close();
      if (this.closing || l.gone) return;
      if (why !== l.lastDialError) this.opts.log(`dialling ${l.peer.name} at ${addr}: ${why}; retrying`);
      l.lastDialError = why;
      setTimeout(() => this.dial(l), 200).unref();
    };
    call.on("error", (err: grpc.ServiceError) => finish(err.details || err.message));
    call.on("end", () => finish("stream ended"));
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code !== grpc.status.OK) finish(s.details);
    });
  }

  private markUp(l: Link): void {
    l.up = true;
    l.lastHeard = Date.now();
    l.lastSent = 0;
    this.schedule(l);
    for (const w of this.upWaiters.splice(0)) w();
  }

  private lost(l: Link, why: string): void {
    if (l.gone) return;
    l.gone = true;
    l.pending = [];
    l.head = 0;
    if (this.closing) return;
    if (l.stream && "cancel" in l.stream) l.stream.cancel();
    l.client?.close();
    if (l.leaving) this.leftHandler(l.peer.name);
    else this.downHandler(l.peer.name, why);
    for (const w of this.upWaiters.splice(0)) w();
  }

  // ---- frames -------------------------------------------------------------

  private receive(l: Link, buf: Buffer): void {
    l.lastHeard = Date.now();
    if (l.gone) return;
    let f: Frame;
    try {
      f = decodeFrame(buf);
    } catch (err) {
      this.refusedFrames++;
      const why = err instanceof WireError ? err.message : String(err);
      this.opts.log(`refused a frame of ${buf.length} bytes from ${l.peer.name}: it does not decode (${why})`);
      return;
    }
    switch (f.kind) {
      case "hello":
        this.refusedFrames++;
        this.opts.log(`refused a second Hello from ${l.peer.name}`);
        return;
      case "heartbeat":
        return;
      case "control":
        if (f.control.kind === CONTROL_BYE) {
          l.leaving = true;
          return;
        }
        this.controlHandler(l.peer.name, f.control.kind, f.control.payload);
        return;
      case "batch": {
        const b = f.batch;
        if (b.from !== l.peer.name) {
          this.refusedFrames++;
          this.opts.log(`refused a batch on the stream of ${l.peer.name} that claims to come from '${b.from}'`);
          return;
        }
        if (b.seq !== l.seqIn + 1) {
          this.refusedFrames++;
          this.opts.log(`refused batch ${b.seq} from ${l.peer.name}: expected batch ${l.seqIn + 1}`);
          l.seqIn = Math.max(l.seqIn, b.seq);
          return;
        }
        l.seqIn = b.seq;
        if (b.messages.length > 0) this.messageHandler(l.peer.name, b.messages);
        return;
      }
    }
  }

  private schedule(l: Link): void {
    if (l.scheduled) return;
    l.scheduled = true;
    // Everything sent during the current turn of the event loop leaves in one batch.
    queueMicrotask(() => this.flush(l, false));
  }

  private flush(l: Link, force: boolean): void {
    l.scheduled = false;
    const s = l.stream;
    if (!l.up || l.gone || s === null) return;
    while (l.head < l.pending.length && (force || (l.inFlight < this.opts.maxInFlight && !l.blocked))) {
      const first = l.pending[l.head]!;
      let frame: Buffer;
      if (first.kind === "control") {
        l.head++;
        frame = encodeFrame({ kind: "control", control: { from: this.self, kind: first.control, payload: first.payload } });
      } else {
        const messages: WireMessage[] = [];
        while (l.head < l.pending.length && messages.length < this.opts.maxBatch) {
          const p = l.pending[l.head]!;
          if (p.kind !== "message") break;
          messages.push(p.m);
          l.head++;
        }
        frame = encodeFrame({ kind: "batch", batch: { from: this.self, seq: ++l.seqOut, messages } });
      }
      this.write(l, s, frame);
    }
    if (l.head === l.pending.length) {
      l.pending = [];
      l.head = 0;
    } else if (l.head > 4096) {
      l.pending = l.pending.slice(l.head);
      l.head = 0;
    }
  }

  private write(l: Link, s: Stream, frame: Buffer): void {
    l.inFlight++;
    l.lastSent = Date.now();
    const ok = s.write(frame, () => {
      l.inFlight--;
      if (l.head < l.pending.length) this.schedule(l);
    });
    if (!ok && !l.blocked) {
      l.blocked = true;
      s.once("drain", () => {
        l.blocked = false;
        this.schedule(l);
      });
    }
  }

  /** Heartbeats on idle streams; a peer silent past the timeout is down. */
  private tick(): void {
    const now = Date.now();
    for (const l of this.links.values()) {
      if (!l.up || l.gone || l.stream === null) continue;
      if (now - l.lastHeard > this.opts.peerTimeoutMs) {
        this.lost(l, `silent for ${now - l.lastHeard} ms`);
        continue;
      }
      if (now - l.lastSent >= this.opts.heartbeatMs && l.inFlight < this.opts.maxInFlight) this.write(l, l.stream, encodeFrame({ kind: "heartbeat" }));
    }
  }
}
