// The file system side of the front end, for the CLI.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { FrontendHost } from "../frontend/index.js";

export const nodeHost: FrontendHost = {
  readFile(path: string): string | undefined {
    try {
      if (statSync(path).isDirectory()) throw new Error("is a directory");
      return readFileSync(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  },
  resolveImport(name: string, fromPath: string): string | undefined {
    const dir = dirname(fromPath);
    const want = `${name}.lnt`.toLowerCase();
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return undefined;
    }
    const exact = entries.find((e) => e === `${name}.lnt`);
    const hit = exact ?? entries.find((e) => e.toLowerCase() === want);
    return hit === undefined ? undefined : join(dir, basename(hit));
  },
};
