// What a node needs from the network: send protocol messages to another node, hear
// messages and node-level control frames from the others, and learn when a peer is gone.
// The gRPC implementation is transport-grpc.ts; a test or an in-process deployment can
// provide another.

import type { WireMessage } from "./wire/codec.js";

export type { WireMessage } from "./wire/codec.js";

/** A node of the deployment as the transport sees it. */
export interface NodeAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface Transport {
  /** This node's name. */
  readonly self: string;
  /** Resolves when a stream to every peer is open and greeted; rejects with StartupTimeout. */
  start(): Promise<void>;
  /** Queues messages for a peer; they leave in one batch with whatever else is pending. */
  send(toNode: string, messages: readonly WireMessage[]): void;
  /** Queues a node-level control frame (kinds >= 16; 0-15 belong to the transport). */
  sendControl(toNode: string, kind: number, payload: Uint8Array): void;
  onMessages(handler: (from: string, messages: readonly WireMessage[]) => void): void;
  onControl(handler: (from: string, kind: number, payload: Uint8Array) => void): void;
  /** A peer vanished (stream broken or silent past the peer timeout) without saying goodbye. */
  onPeerDown(handler: (peer: string, reason: string) => void): void;
  /** A peer closed its transport in order (it said goodbye first). */
  onPeerLeft(handler: (peer: string) => void): void;
  /** Says goodbye to every peer, ends the streams and stops listening. */
  close(): Promise<void>;
}

/** Start-up gave up waiting: `missing` names the peers never greeted. */
export class StartupTimeout extends Error {
  constructor(readonly self: string, readonly missing: readonly string[], readonly waitedMs: number) {
    super(`node ${self}: no connection from ${missing.length === 1 ? "peer" : "peers"} ${missing.join(", ")} after ${waitedMs} ms`);
  }
}

/** Control kinds reserved by the transport. */
export const CONTROL_BYE = 1;
/** The first control kind free for node-level protocols. */
export const CONTROL_USER = 16;
