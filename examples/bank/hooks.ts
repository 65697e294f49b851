// The bank model (../shared/models/bank.lnt) served over HTTP: each request becomes a
// REQUEST action offered by the environment, its answer the REPLY action that follows.
// Run: npx lntc run ../shared/models/bank.lnt --hooks examples/bank/hooks.ts
// Port: BANK_PORT (default 8080; 0 lets the system choose, printed on stderr).

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

// The model's declarations (model.d.ts): lntc checks this module against them.
import type { Environment, Hooks, Op } from "lntc:model";

class BadRequest extends Error {}

function nat(u: URL, name: string): bigint {
  const s = u.searchParams.get(name);
  if (s === null || !/^[0-9]{1,15}$/.test(s)) throw new BadRequest(`'${name}' must be a natural number`);
  return BigInt(s);
}

function operation(req: IncomingMessage, u: URL): Op {
  const route = `${req.method ?? "GET"} ${u.pathname}`;
  switch (route) {
    case "POST /deposit":
      return { ctor: "DEPOSIT", amount: nat(u, "amount") };
    case "POST /withdraw":
      return { ctor: "WITHDRAW", amount: nat(u, "amount") };
    case "GET /balance":
      return { ctor: "QUERY" };
  }
  throw new BadRequest(`no route ${route}: POST /deposit, POST /withdraw, GET /balance`);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body) + "\n");
}

export default function bank(env: Environment): Hooks {
  // The server answers one request after the other: the REPLY that follows a REQUEST
  // is its answer, so two clients of one account never swap answers.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f);
    queue = p.catch(() => undefined);
    return p;
  };
  const server = createServer((req, res) => {
    let account: bigint, op: Op;
    try {
      const u = new URL(req.url ?? "/", "http://localhost");
      account = nat(u, "account");
      op = operation(req, u);
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { error: err.message });
      throw err;
    }
    void serially(async () => {
      await env.offer("REQUEST", [account, op]);
      const [, outcome] = await env.offer("REPLY", [account, env.any]);
      if (outcome.ctor === "OK") send(res, 200, { account: Number(account), balance: Number(outcome.balance) });
      else send(res, 400, { account: Number(account), error: outcome.reason });
    });
  });
  const port = Number(process.env["BANK_PORT"] ?? 8080);
  server.listen(port, "127.0.0.1", () => {
    const a = server.address();
    process.stderr.write(`bank: listening on http://127.0.0.1:${typeof a === "object" && a ? a.port : port}\n`);
  });
  return {
    // the environment acts on these gates only through its offers
    gates: { REQUEST: { accept: false }, REPLY: { accept: false } },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
