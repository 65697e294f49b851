// The deployment file: which nodes exist and where they listen, which tasks run where,
// and optionally where each gate is negotiated and where each gate's hooks run. Reads
// JSON with positions (deployment-json.ts), checks it against the schema of
// host/deployment.schema.json with diagnostics at file:line:col, and gives the
// deployment's hash that nodes compare in their Hello.

import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { SourceFile, Span } from "../src/frontend/source.js";
import type { DiagnosticBag } from "../src/frontend/diagnostics.js";
import { Msg } from "../src/frontend/diagnostic-messages.js";
import { JsonSyntaxError, parseJson, type JsonMember, type JsonValue } from "./deployment-json.js";
import type { NodeAddress } from "./transport.js";

export interface DeployNode extends NodeAddress {
  /** "host:port" as written. */
  readonly address: string;
  readonly span: Span | undefined;
}

/** A name -> node entry of `tasks`, `gates` or `hooks`, with where it was written. */
export interface Placed {
  readonly name: string;
  readonly node: string;
  readonly span: Span | undefined;
}

export interface DeployOptions {
  readonly startTimeoutMs: number;
  readonly peerTimeoutMs: number;
}

export interface Deployment {
  readonly path: string;
  readonly nodes: readonly DeployNode[];
  readonly tasks: readonly Placed[];
  readonly gates: readonly Placed[];
  readonly hooks: readonly Placed[];
  readonly options: DeployOptions;
  /** Where the `tasks` object is, for errors about tasks it lacks. */
  readonly tasksSpan: Span | undefined;
}

export const DEFAULT_OPTIONS: DeployOptions = { startTimeoutMs: 10_000, peerTimeoutMs: 1500 };

const NODE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const jsonKind = (v: JsonValue): string => (v.kind === "object" ? "an object" : v.kind === "array" ? "an array" : v.kind === "null" ? "null" : `a ${v.kind}`);

/** "host:port", "[v6]:port" -> host and port, or undefined. */
export function parseAddress(a: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(a);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  if (host === "0.0.0.0" || host === "::") return undefined;
  return { host, port };
}

/**
 * Reads a deployment file. Returns undefined when it has errors, all of them in `diags`.
 * Task, gate and hook names are checked against a model separately (placement.ts).
 */
export function readDeployment(file: SourceFile, diags: DiagnosticBag): Deployment | undefined {
  let root: JsonValue;
  try {
    root = parseJson(file);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      diags.add(Msg.DeploySyntax, err.span, [err.what]);
      return undefined;
    }
    throw err;
  }
  const before = diags.errorCount;
  const fileSpan: Span = { file, start: 0, end: 0 };
  if (root.kind !== "object") {
    diags.add(Msg.DeployType, root.span, ["the deployment", "an object", jsonKind(root)]);
    return undefined;
  }
  const top = members(root, "the deployment", ["nodes", "tasks", "gates", "hooks", "options", "$schema"], diags);
  const nodes: DeployNode[] = [];
  const declared = new Set<string>();
  const nodesV = top.get("nodes");
  if (!nodesV) diags.add(Msg.DeployMissing, root.span ?? fileSpan, ["the deployment", "nodes", "the list of nodes, each with a name and an address"]);
  else if (nodesV.value.kind !== "array") diags.add(Msg.DeployType, nodesV.value.span, ["'nodes'", "an array", jsonKind(nodesV.value)]);
  else {
    if (nodesV.value.items.length === 0) diags.add(Msg.DeployEmpty, nodesV.value.span);
    const byName = new Map<string, DeployNode>();
    const byAddress = new Map<string, DeployNode>();
    nodesV.value.items.forEach((item, i) => {
      const what = `node ${i + 1}`;
      if (item.kind !== "object") {
        diags.add(Msg.DeployType, item.span, [what, "an object with a name and an address", jsonKind(item)]);
        return;
      }
      const m = members(item, what, ["name", "address"], diags);
      const name = stringMember(item, m, what, "name", "the node's name", diags);
      const address = stringMember(item, m, what, "address", "where the node listens, host:port", diags);
      // A node declared with an error is still a node: no cascade of 'unknown node' below.
      if (name !== undefined) declared.add(name.value);
      if (name === undefined || address === undefined) return;
      if (!NODE_NAME.test(name.value)) {
        diags.add(Msg.DeployBadName, name.span, [name.value]);
        return;
      }
      const a = parseAddress(address.value);
      if (!a) {
        diags.add(Msg.DeployBadAddress, address.span, [address.value, name.value]);
        return;
      }
      const node: DeployNode = { name: name.value, host: a.host, port: a.port, address: address.value, span: name.span };
      const dup = byName.get(name.value);
      if (dup) {
        diags.add(Msg.DeployDuplicateNode, name.span, [name.value], dup.span ? [{ message: Msg.DeployFirstHere.text, span: dup.span }] : []);
        return;
      }
      const key = `${a.host.toLowerCase()}:${a.port}`;
      const same = byAddress.get(key);
      if (same && a.port !== 0) {
        diags.add(Msg.DeployDuplicateAddress, address.span, [same.name, name.value, address.value]);
        return;
      }
      byName.set(name.value, node);
      byAddress.set(key, node);
      nodes.push(node);
    });
  }
  const nodeNames = new Set(nodes.map((n) => n.name));
  const placedMap = (key: string, required: boolean, what: string): { list: Placed[]; span: Span | undefined } => {
    const list: Placed[] = [];
    const m = top.get(key);
    if (!m) {
      if (required) diags.add(Msg.DeployMissing, root.span, ["the deployment", key, what]);
      return { list, span: undefined };
    }
    if (m.value.kind !== "object") {
      diags.add(Msg.DeployType, m.value.span, [`'${key}'`, `an object mapping ${what}`, jsonKind(m.value)]);
      return { list, span: m.value.span };
    }
    const seen = new Map<string, Span>();
    for (const mem of m.value.members) {
      const first = seen.get(mem.key);
      if (first) {
        diags.add(Msg.DeployDuplicateKey, mem.keySpan, [mem.key, `'${key}'`], [{ message: Msg.DeployFirstHere.text, span: first }]);
        continue;
      }
      seen.set(mem.key, mem.keySpan);
      if (mem.value.kind !== "string") {
        diags.add(Msg.DeployType, mem.value.span, [`the node of '${mem.key}'`, "a node name", jsonKind(mem.value)]);
        continue;
      }
      if (nodes.length > 0 && !nodeNames.has(mem.value.value)) {
        if (declared.has(mem.value.value)) continue;
        diags.add(Msg.DeployUnknownNode, mem.value.span, [mem.value.value, [...nodeNames].join(", ")]);
        continue;
      }
      list.push({ name: mem.key, node: mem.value.value, span: mem.keySpan });
    }
    return { list, span: m.value.span };
  };
  const tasks = placedMap("tasks", true, "task names to node names");
  const gates = placedMap("gates", false, "gate names to node names");
  const hooks = placedMap("hooks", false, "gate names to node names");
  let options = DEFAULT_OPTIONS;
  const optV = top.get("options");
  if (optV) {
    if (optV.value.kind !== "object") diags.add(Msg.DeployType, optV.value.span, ["'options'", "an object", jsonKind(optV.value)]);
    else {
      const om = members(optV.value, "'options'", ["startTimeoutMs", "peerTimeoutMs"], diags);
      const num = (k: keyof DeployOptions, min: number, max: number): number => {
        const v = om.get(k);
        if (!v) return DEFAULT_OPTIONS[k];
        if (v.value.kind !== "number" || !Number.isInteger(v.value.value) || v.value.value < min || v.value.value > max) {
          diags.add(Msg.DeployBadOption, v.value.span, [k, min, max]);
          return DEFAULT_OPTIONS[k];
        }
        return v.value.value;
      };
      options = { startTimeoutMs: num("startTimeoutMs", 100, 3_600_000), peerTimeoutMs: num("peerTimeoutMs", 200, 600_000) };
    }
  }
  if (diags.errorCount > before) return undefined;
  return { path: file.path, nodes, tasks: tasks.list, gates: gates.list, hooks: hooks.list, options, tasksSpan: tasks.span };
}

function members(obj: JsonValue & { kind: "object" }, what: string, allowed: readonly string[], diags: DiagnosticBag): Map<string, JsonMember> {
  const out = new Map<string, JsonMember>();
  for (const m of obj.members) {
    if (!allowed.includes(m.key)) {
      diags.add(Msg.DeployUnknownKey, m.keySpan, [m.key, what, allowed.filter((k) => k !== "$schema").join(", ")]);
      continue;
    }
    const first = out.get(m.key);
    if (first) {
      diags.add(Msg.DeployDuplicateKey, m.keySpan, [m.key, what], [{ message: Msg.DeployFirstHere.text, span: first.keySpan }]);
      continue;
    }
    out.set(m.key, m);
  }
  return out;
}

function stringMember(obj: JsonValue & { kind: "object" }, m: Map<string, JsonMember>, what: string, key: string, meaning: string, diags: DiagnosticBag): { value: string; span: Span } | undefined {
  const v = m.get(key);
  if (!v) {
    diags.add(Msg.DeployMissing, obj.span, [what, key, meaning]);
    return undefined;
  }
  if (v.value.kind !== "string") {
    diags.add(Msg.DeployType, v.value.span, [`'${key}' of ${what}`, "a string", jsonKind(v.value)]);
    return undefined;
  }
  return { value: v.value.value, span: v.value.span };
}

/**
 * The deployment's identity: SHA-256 of its nodes, placements and hooks in a canonical
 * form (options are left out: two nodes may wait for their peers for different times).
 */
export function deploymentHash(d: Pick<Deployment, "nodes" | "tasks" | "gates" | "hooks">): Uint8Array {
  const byName = (a: Placed, b: Placed): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const canon = {
    nodes: d.nodes.map((n) => [n.name, n.host, n.port]),
    tasks: [...d.tasks].sort(byName).map((p) => [p.name, p.node]),
    gates: [...d.gates].sort(byName).map((p) => [p.name, p.node]),
    hooks: [...d.hooks].sort(byName).map((p) => [p.name, p.node]),
  };
  return new Uint8Array(createHash("sha256").update(JSON.stringify(canon)).digest());
}
