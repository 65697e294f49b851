// The negotiation protocol core, pure: task side, manager side, codec and oracle.
/// <reference path="./portable.d.ts" />

export * from "./codec.js";
export * from "./effects.js";
export * from "./oracle.js";
export * from "./task.js";
export * from "./manager.js";
