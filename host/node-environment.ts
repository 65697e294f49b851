// The environment party of a node: the hooks of the gates whose hooks the deployment puts
// on this node, seen by the hook runner (src/cli/hooks.ts) as it sees an embedded run. The
// environment is one more task of this node's driver, negotiated by this node's manager
// (a hooked gate is negotiated where its hooks run), so its `accept` hook is a call, as in
// the embedded run. Actions happen between the runner's calls here: a firing of the
// environment, or the end of the run, wakes the runner through `onActivity`.

import type { EnvironmentRun, RunResult } from "./embedded/instance.js";
import { VALUES_ENVIRONMENT, type EnvOffer } from "./model-wasm.js";
import type { WasmModel } from "./node-engine-wasm.js";

/** Why the hooks stopped a node: the runner's own exception, carried through the Wasm. */
export class HookFailure extends Error {
  constructor(readonly reason: unknown) {
    super("the hooks stopped the run");
  }
}

export class NodeEnvironment implements EnvironmentRun {
  onEnvAccept: ((offer: number, values: Uint8Array[]) => boolean) | undefined;
  onActivity: (() => void) | undefined;
  /** The offers as last published, and offers set while the driver had messages to deliver. */
  private published: readonly EnvOffer[] = [];
  private deferred: readonly EnvOffer[] | undefined;
  private fired: RunResult | undefined;
  private ended: RunResult | undefined;
  private enabled = false;

  /** `busy`: the driver has local messages to deliver; `kick`: new offers are in, the engine takes a turn. */
  constructor(private readonly m: WasmModel, private readonly busy: () => boolean, private readonly kick: () => void) {}

  get steps(): number {
    return this.m.x.steps();
  }

  /** Whether the hooks may still take part (the run then waits for them, as the embedded run does). */
  get live(): boolean {
    return this.enabled && this.ended === undefined;
  }

  enableEnvironment(gates: readonly number[]): void {
    this.enabled = true;
    this.m.enableEnvironment(gates);
  }

  setEnvOffers(offers: readonly EnvOffer[]): void {
    if (this.ended) return;
    // The environment fired and the runner has not taken it yet (its next run() call will):
    // these offers predate it (a pending offer that fired would be offered again).
    if (this.fired !== undefined) return;
    // A COMMIT for the environment's current step may be among the messages the driver
    // has yet to deliver: new offers wait until they are all in.
    if (this.busy()) this.deferred = offers;
    else {
      this.publish(offers);
      this.kick();
    }
  }

  run(): RunResult {
    const steps = this.steps;
    if (this.fired) {
      const f = this.fired;
      this.fired = undefined;
      return f;
    }
    if (this.ended) return this.ended;
    // nothing for the environment now: the runner waits for onActivity
    return { end: "deadlock", steps, waits: [] };
  }

  /** The engine's turn is over (`idle`: no local message left): a firing is reported, deferred offers published. */
  afterTurn(idle: boolean): void {
    if (!this.enabled) return;
    const offer = this.m.x.envTake();
    if (offer >= 0) {
      const envOffer = this.published[offer]!;
      this.fired = { end: "environment", steps: this.steps, offer, envOffer, gate: this.m.x.envGate(), values: this.m.values(VALUES_ENVIRONMENT) };
      // offers set before this firing was known are stale: the runner sets them again
      this.deferred = undefined;
      this.onActivity?.();
    }
    if (idle && this.deferred !== undefined) {
      const d = this.deferred;
      this.deferred = undefined;
      this.publish(d);
    }
  }

  /** The run is over on every node (or failed): the runner returns this. */
  finish(result: RunResult): void {
    this.ended ??= result;
    this.onActivity?.();
  }

  private publish(offers: readonly EnvOffer[]): void {
    this.published = offers;
    this.m.publishEnvOffers(offers);
  }
}
