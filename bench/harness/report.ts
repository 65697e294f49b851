// Turns a bench run into what people read: the terminal table (every figure beside its
// baselines and the ratios), bench/results/latest.md (the README's "Performance"
// section), latest.json, and a hand-written SVG chart of the latencies.

import type { BenchReport, Figures, Measurement, MessageTarget, Ratio, ResultRow, SimulatedMessages, Target, TargetResult } from "./types.js";
import { formatBytes, formatRate, formatRatio, formatUs } from "./stats.js";

const MODE_ORDER = { baseline: 0, embedded: 1, distributed: 2 } as const;

/** ours / baseline for every row that names baselines and both have figures. */
export function computeRatios(rows: readonly ResultRow[]): Ratio[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Ratio[] = [];
  for (const r of rows) {
    if (!r.figures) continue;
    for (const b of r.compareWith) {
      const base = byId.get(b)?.figures;
      if (!base) continue;
      out.push({ measurement: r.id, baseline: b, p50: r.figures.p50Us / base.p50Us, throughput: r.figures.perSecond / base.perSecond });
    }
  }
  return out;
}

/**
 * Targets are judged on our rows; a message target whose row has no count falls back on
 * the protocol simulator's count for the scenario, and says so.
 */
export function evaluateTargets(rows: readonly ResultRow[], targets: readonly Target[], msgTargets: readonly MessageTarget[], simulated: readonly SimulatedMessages[] = []): TargetResult[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: TargetResult[] = [];
  /** The first of the candidates with figures (and `has` true), else the first one, unmeasured. */
  const pick = (m: string | readonly string[], has: (r: ResultRow) => boolean = () => true): { id: string; row: ResultRow | undefined; fallback: boolean } => {
    const ids = typeof m === "string" ? [m] : m;
    const i = ids.findIndex((id) => {
      const r = byId.get(id);
      return r?.figures !== undefined && has(r);
    });
    return i >= 0 ? { id: ids[i]!, row: byId.get(ids[i]!), fallback: i > 0 } : { id: ids[0]!, row: byId.get(ids[0]!), fallback: false };
  };
  const why = (id: string, r: ResultRow | undefined): string => `${id}: ${r?.notAvailable ?? (r ? "no figure" : "not in this run")}`;
  for (const t of targets) {
    const { id, row: ours, fallback } = pick(t.measurement);
    const base = byId.get(t.baseline);
    if (!ours?.figures || !base?.figures) {
      out.push({ text: t.text, status: "not measured", detail: !ours?.figures ? why(id, ours) : why(t.baseline, base) });
      continue;
    }
    const ratio = ours.figures[t.metric] / base.figures[t.metric];
    const met = t.maxRatio !== undefined ? ratio <= t.maxRatio : ratio >= (t.minRatio ?? 1);
    const bound = t.maxRatio !== undefined ? `at most ${t.maxRatio}x` : `at least ${t.minRatio ?? 1}x`;
    const metric = t.metric === "p50Us" ? "p50" : "throughput";
    const on = fallback ? `; measured on ${ours.name}, until ${typeof t.measurement === "string" ? t.measurement : t.measurement[0]} is available` : "";
    out.push({ text: t.text, status: met ? "met" : "missed", ratio, detail: `${metric} ${formatRatio(ratio)} of ${base.name} (${bound})${on}` });
  }
  for (const t of msgTargets) {
    const { id, row: ours, fallback } = pick(t.measurement, (r) => r.figures?.messagesPerRendezvous !== undefined);
    const m = ours?.figures?.messagesPerRendezvous;
    const text = `${t.scenario}: messages per rendezvous below DLC's ${t.dlc} (${t.formula})`;
    if (m === undefined) {
      const sims = simulated.filter((x) => x.scenario === t.scenario);
      const unmeasured = why(id, ours);
      if (sims.length) {
        // Every placement the simulator ran must meet the target.
        const worst = Math.max(...sims.map((x) => x.messagesPerRendezvous));
        const each = sims.map((x) => `${x.system} ${x.messagesPerRendezvous.toFixed(2)}`).join(", ");
        out.push({ text, status: worst < t.dlc ? "met" : "missed", ratio: worst / t.dlc, detail: `by the protocol simulator: ${each} messages per rendezvous (runtime not measured: ${unmeasured})` });
      } else {
        out.push({ text, status: "not measured", detail: unmeasured });
      }
      continue;
    }
    const on = fallback ? `, measured on ${ours!.name}` : "";
    out.push({ text, status: m < t.dlc ? "met" : "missed", ratio: m / t.dlc, detail: `${m.toFixed(2)} messages per rendezvous, DLC ${t.dlc}${on}` });
  }
  return out;
}

function rssCell(f: Figures): string {
  const v = f.rssBytes.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return "-";
  const max = Math.max(...v);
  return v.length === 1 ? formatBytes(max) : `${v.length} x <= ${formatBytes(max)}`;
}

/** With `terse`, baselines go by the last part of their id ("grpc", "go"), for the terminal. */
function ratioCell(row: ResultRow, ratios: readonly Ratio[], names: ReadonlyMap<string, string>, terse: boolean): string {
  const mine = ratios.filter((r) => r.measurement === row.id);
  if (mine.length === 0) return row.compareWith.length ? "(no baseline figures)" : "";
  const short = (id: string): string => (terse ? id.split("/").pop()! : names.get(id) ?? id);
  return mine.map((r) => `${short(r.baseline)}: p50 ${formatRatio(r.p50)}, rate ${formatRatio(r.throughput)}`).join("; ");
}

interface Cells {
  readonly scenario: string;
  readonly mode: string;
  readonly name: string;
  readonly rate: string;
  readonly p50: string;
  readonly p99: string;
  readonly msgs: string;
  readonly rss: string;
  readonly wasm: string;
  readonly start: string;
  readonly extra: string;
  readonly ratios: string;
}

function sortedRows(rows: readonly ResultRow[]): ResultRow[] {
  const order = new Map<string, number>();
  rows.forEach((r) => {
    if (!order.has(r.scenario)) order.set(r.scenario, order.size);
  });
  return [...rows].sort((a, b) => order.get(a.scenario)! - order.get(b.scenario)! || MODE_ORDER[a.mode] - MODE_ORDER[b.mode]);
}

function cells(report: BenchReport, terse = false): Cells[] {
  const names = new Map(report.rows.map((r) => [r.id, r.name]));
  return sortedRows(report.rows).map((r) => {
    const f = r.figures;
    const extra: string[] = [];
    if (f?.note) extra.push(f.note);
    const wasm = f?.wasmBytes?.length ? (f.wasmBytes.length === 1 ? formatBytes(f.wasmBytes[0]!) : `${f.wasmBytes.length} x <= ${formatBytes(Math.max(...f.wasmBytes))}`) : "";
    return {
      scenario: r.scenario,
      mode: r.mode,
      name: r.name,
      rate: f ? formatRate(f.perSecond) : "n/a",
      p50: f ? formatUs(f.p50Us) : "",
      p99: f ? formatUs(f.p99Us) : "",
      msgs: f?.messagesPerRendezvous !== undefined ? f.messagesPerRendezvous.toFixed(2) : "",
      rss: f ? rssCell(f) : "",
      wasm,
      start: f?.startupMs !== undefined ? `${f.startupMs.toFixed(0)} ms` : "",
      extra: f ? extra.join("; ") : `not available: ${r.notAvailable ?? "?"}`,
      ratios: f ? ratioCell(r, report.ratios, names, terse) : "",
    };
  });
}

const HEADERS: Cells = { scenario: "scenario", mode: "mode", name: "measurement", rate: "rdv/s", p50: "p50", p99: "p99", msgs: "msgs/rdv", rss: "peak RSS", wasm: ".wasm", start: "1st action", extra: "notes", ratios: "vs baselines" };
const COLUMNS: readonly (keyof Cells)[] = ["scenario", "mode", "name", "rate", "p50", "p99", "msgs", "rss", "wasm", "start", "ratios", "extra"];

const RIGHT: ReadonlySet<keyof Cells> = new Set(["rate", "p50", "p99", "msgs", "wasm", "start"]);

/** The terminal table: fixed-width columns, the scenario written once per group. */
export function terminalTable(report: BenchReport): string {
  const body = cells(report, true);
  const shown = body.map((c, i) => (i > 0 && body[i - 1]!.scenario === c.scenario ? { ...c, scenario: "" } : c));
  const widths = COLUMNS.map((k) => Math.min(k === "ratios" ? 110 : k === "extra" ? 60 : 40, Math.max(HEADERS[k].length, ...shown.map((c) => c[k].length))));
  const line = (c: Cells): string => COLUMNS.map((k, i) => {
    const v = c[k].length > widths[i]! ? c[k].slice(0, widths[i]! - 1) + "…" : c[k];
    return RIGHT.has(k) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!);
  }).join("  ").trimEnd();
  const out = [line(HEADERS), widths.map((w) => "-".repeat(w)).join("  ")];
  shown.forEach((c, i) => {
    if (i > 0 && c.scenario !== "") out.push("");
    out.push(line(c));
  });
  return out.join("\n");
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|");
}

export function targetsText(report: BenchReport): string[] {
  return report.targets.map((t) => `${t.status === "met" ? "met" : t.status === "missed" ? "MISSED" : "not measured"}: ${t.text} (${t.detail})`);
}

/** bench/results/latest.md: the "Performance" section for the README, with the date. */
export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push("## Performance", "");
  lines.push(`Measured by \`npm run bench${report.quick ? " -- --quick" : ""}\` on ${report.date.slice(0, 10)} (${report.date}), ` +
    `${m.cpus} × ${m.cpuModel}, ${formatBytes(m.memBytes)}, Node ${m.node}, ${m.platform}; the run took ${(report.totalMs / 1000).toFixed(0)} s. ` +
    "Rendezvous per second and latency per rendezvous (p50, p99); baselines were measured in the same run, and ratios are ours / baseline " +
    "(p50 above 1x is slower, rate above 1x is faster). Distributed runs put one task per node on loopback. " +
    "Peak RSS is per process; .wasm is the size of each compiled module; 1st action is the time from `lntc run` to its first action.", "");
  lines.push(`| ${COLUMNS.map((k) => HEADERS[k]).join(" | ")} |`);
  lines.push(`|${COLUMNS.map((k) => (RIGHT.has(k) ? "---:" : "---")).join("|")}|`);
  for (const c of cells(report)) {
    lines.push(`| ${COLUMNS.map((k) => mdEscape(c[k])).join(" | ")} |`);
  }
  lines.push("", "### Targets", "");
  for (const t of targetsText(report)) lines.push(`- ${t}`);
  if (report.messages.length) {
    lines.push("", "### Protocol messages per rendezvous (protocol simulator)", "");
    lines.push("Counted by the protocol core as the simulator runs each scenario's system, one task per node, averaged over seeds (aborted attempts included), beside DLC's count (docs: DLC.md §2.9).", "");
    lines.push("| scenario | system | rendezvous | msgs/rdv | network msgs/rdv | aborts/rdv | DLC | DLC formula |");
    lines.push("|---|---|---:|---:|---:|---:|---:|---|");
    for (const s of report.messages) {
      lines.push(`| ${s.scenario} | ${mdEscape(s.system)} | ${s.rendezvous} | ${s.messagesPerRendezvous.toFixed(2)} | ${s.networkPerRendezvous.toFixed(2)} | ${s.abortsPerRendezvous.toFixed(2)} | ${s.dlc} | ${s.formula} |`);
    }
  }
  if (report.tooling.length) {
    lines.push("", "### Tooling", "");
    lines.push("| benchmark | result |", "|---|---|");
    for (const t of report.tooling) lines.push(`| ${mdEscape(t.name)} | ${mdEscape(t.figures ? t.figures.summary : `not available: ${t.notAvailable ?? "?"}`)} |`);
  }
  if (report.notes.length) {
    lines.push("", "### Notes", "");
    for (const n of report.notes) lines.push(`- ${n}`);
  }
  lines.push("", "![latencies](latencies.svg)", "");
  return lines.join("\n");
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MODE_COLOURS = { baseline: "#7f8c8d", embedded: "#2874a6", distributed: "#b9770e" } as const;

/**
 * Latencies (p50 bar, p99 whisker) of every measured row, on a log scale, grouped by
 * scenario. Hand-written SVG, so that the chart needs no dependency.
 */
export function latencySvg(report: BenchReport): string {
  const rows = sortedRows(report.rows).filter((r) => r.figures && Number.isFinite(r.figures.p50Us) && r.figures.p50Us > 0);
  const rowH = 18;
  const labelW = 330;
  const plotW = 520;
  const top = 48;
  const height = top + rows.length * rowH + 40;
  const width = labelW + plotW + 80;
  const vals = rows.flatMap((r) => [r.figures!.p50Us, r.figures!.p99Us]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.floor(Math.log10(Math.min(...vals, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...vals, 10)));
  const x = (us: number): number => labelW + ((Math.log10(Math.max(us, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * plotW;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">Latency per rendezvous (p50 bar, p99 tick), log scale — ${xmlEscape(report.date.slice(0, 10))}${report.quick ? " (quick)" : ""}</text>`);
  let lx = 10;
  for (const [mode, colour] of Object.entries(MODE_COLOURS)) {
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="37">${mode}</text>`);
    lx += 90;
  }
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e).toFixed(1);
    const label = e < 0 ? `${10 ** (e + 3)} ns` : e < 3 ? `${10 ** e} µs` : `${10 ** (e - 3)} ms`;
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="#dddddd"/>`);
    out.push(`<text x="${gx}" y="${top + rows.length * rowH + 14}" text-anchor="middle">${xmlEscape(label)}</text>`);
  }
  rows.forEach((r, i) => {
    const f = r.figures!;
    const y = top + i * rowH;
    const colour = MODE_COLOURS[r.mode];
    const label = `${r.scenario} · ${r.name}`;
    out.push(`<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${xmlEscape(label.length > 52 ? label.slice(0, 51) + "…" : label)}</text>`);
    const w = Math.max(1, x(f.p50Us) - labelW);
    out.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${colour}"><title>${xmlEscape(`${r.name}: p50 ${formatUs(f.p50Us)}, p99 ${formatUs(f.p99Us)}`)}</title></rect>`);
    if (Number.isFinite(f.p99Us) && f.p99Us > 0) {
      const px = x(f.p99Us).toFixed(1);
      out.push(`<line x1="${(labelW + w).toFixed(1)}" y1="${y + rowH / 2}" x2="${px}" y2="${y + rowH / 2}" stroke="${colour}"/>`);
      out.push(`<line x1="${px}" y1="${y + 3}" x2="${px}" y2="${y + rowH - 3}" stroke="${colour}" stroke-width="2"/>`);
    }
    out.push(`<text x="${(Math.max(labelW + w, x(f.p99Us)) + 4).toFixed(1)}" y="${y + 12}" fill="#333333">${xmlEscape(formatUs(f.p50Us))}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Rows in the order measurements were declared, for the JSON file. */
export function rowOf(m: Measurement, result: { figures?: Figures; notAvailable?: string }, elapsedMs: number): ResultRow {
  return {
    id: m.id, name: m.name, scenario: m.scenario, mode: m.mode, compareWith: m.compareWith ?? [],
    ...(result.figures ? { figures: result.figures } : {}),
    ...(result.notAvailable !== undefined ? { notAvailable: result.notAvailable } : {}),
    elapsedMs,
  };
}
