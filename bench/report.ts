import { cpus, loadavg, totalmem } from 'node:os';
import type { LoadResult } from './load.js';
import type { PerTestResult } from './per-test.js';
import { FARM_KEYS, type TenantsResult } from './tenants.js';

export interface OpResult extends LoadResult {
  name: string;
  /**
   * req/s over the bare Fastify baseline: with rounds, the median of the rounds' ratios (each round the
   * baseline, then the operation); else over the median of the configuration's baseline measurements.
   */
  ratio: number;
  rounds?: { rps: number; baselineRps: number; ratio: number }[];
}

export interface ConfigResult {
  name: string;
  db: 'file' | ':memory:';
  instances: number;
  rowsPerInstance: number;
  fillSeconds: number;
  baselineRps: number;
  rssMiB: number;
  ops: OpResult[];
}

export interface Target {
  what: string;
  goal: string;
  actual: string;
  met: boolean;
}

export interface BenchResult {
  date: string;
  machine: { cpus: string; cores: number; memGiB: number; node: string; loadBefore: number[]; loadAfter: number[] };
  driver: string;
  connections: number;
  seconds: number;
  /** Rounds of baseline-then-operation for the operations with a ratio target. */
  rounds: number;
  coldStartMs: { median: number; samples: number[] };
  /** Round trips of a 1 MiB body of nested `[` and of a flat 1 MiB JSON string, both refused with 400. */
  oneMiBRefusalMs?: Record<'deep' | 'flat', { median: number; samples: number[] }>;
  configs: ConfigResult[];
  /** What a test pays: cold import and first start, reset(), one awaited create, beside bare Fastify. */
  perTest?: PerTestResult;
  tenants?: TenantsResult;
  targets: Target[];
}

/** The load average now, to two decimals. */
export const loadNow = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

/** The machine a run was on, with the load average before it (taken by the caller) and now. */
export function machineInfo(loadBefore: number[]): BenchResult['machine'] {
  return {
    cpus: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadBefore,
    loadAfter: loadNow(),
  };
}

const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function targets(r: Omit<BenchResult, 'targets'>, main: string, million: string | undefined): Target[] {
  const op = (config: string, name: string) =>
    r.configs.find((c) => c.name === config)?.ops.find((o) => o.name === name);
  const ratio = (name: string, goal: number): Target => {
    const o = op(main, name);
    return {
      what: `${name} / baseline (${main})`,
      goal: `≥ ${goal}`,
      actual: o ? o.ratio.toFixed(2) : 'not run',
      met: !!o && o.ratio >= goal,
    };
  };
  const rss = r.configs.find((c) => c.name === main)?.rssMiB ?? Infinity;
  const big = million ? op(million, 'list') : undefined;
  const alone = million ? op(million, 'list 1 connection') : undefined;
  return [
    ratio('list', 0.4),
    ratio('list status=pending', 0.35),
    ratio('create', 0.25),
    {
      what: 'cold start to healthy (median)',
      goal: '≤ 250 ms',
      actual: `${round(r.coldStartMs.median)} ms`,
      met: r.coldStartMs.median <= 250,
    },
    { what: `RSS after the whole run (${main})`, goal: '≤ 130 MiB', actual: `${round(rss)} MiB`, met: rss <= 130 },
    {
      what: `list p99 at 1M rows, 50 connections (${million ?? 'not run'})`,
      goal: '≤ 20 ms',
      actual: big ? `${round(big.p99, 1)} ms` : 'not run',
      met: !!big && big.p99 <= 20,
    },
    {
      what: `list p99 at 1M rows, 1 connection (${million ?? 'not run'})`,
      goal: '≤ 20 ms',
      actual: alone ? `${round(alone.p99, 1)} ms` : 'not run',
      met: !!alone && alone.p99 <= 20,
    },
    ...(r.perTest ? perTestTargets(r.perTest) : []),
    ...(r.tenants ? tenantsTargets(r.tenants) : []),
  ];
}

/** Many tenants: the first pass's ratios to one key, and the RSS after each pass. */
export function tenantsTargets(t: TenantsResult): Target[] {
  const first = t.passes[0];
  const ratio = (op: 'list' | 'create', over: 'farm' | 'all', goal: number): Target => {
    const r = first?.[op][over === 'farm' ? 'farmRatio' : 'allRatio'];
    return {
      what: `${op} over ${over === 'farm' ? FARM_KEYS : t.keys} keys / over one key (tenants)`,
      goal: `≥ ${goal}`,
      actual: r === undefined ? 'not run' : r.toFixed(2),
      met: r !== undefined && r >= goal,
    };
  };
  const [one = Infinity, two = Infinity] = t.rssMiB.passes;
  return [
    ratio('list', 'farm', 0.9),
    ratio('create', 'farm', 0.9),
    ratio('list', 'all', 0.5),
    ratio('create', 'all', 0.7),
    { what: 'RSS after the tenants scenario', goal: '≤ 160 MiB', actual: `${round(two)} MiB`, met: two <= 160 },
    {
      what: 'RSS after the second tenants pass / after the first',
      goal: '≤ 1.10',
      actual: `${(two / one).toFixed(2)} (${round(one)} → ${round(two)} MiB)`,
      met: two / one <= 1.1,
    },
  ];
}

/** The tenants scenario's figures behind the targets, one line per pass and operation. */
export function tenantsLines(t: TenantsResult): string[] {
  return [
    `tenants: ${t.keys} keys × ${t.perKey} invitations, filled through the API in ${round(t.fillSeconds, 1)} s (${t.fillRequests} requests); RSS filled ${round(t.rssMiB.filled)} MiB, after each pass ${t.rssMiB.passes.map((m) => round(m)).join(', ')} MiB`,
    ...t.passes.flatMap((p, i) =>
      (['list', 'create'] as const).map(
        (op) =>
          `tenants pass ${i + 1} ${op}: one key ${round(p[op].oneRps)} req/s, ${FARM_KEYS} keys ${round(p[op].farmRps)} (${p[op].farmRatio.toFixed(2)}), ${t.keys} keys ${round(p[op].allRps)} (${p[op].allRatio.toFixed(2)}); rounds ${p[op].rounds.map((r) => `${round(r.one.rps)}/${round(r.farm.rps)}/${round(r.all.rps)}`).join(' · ')}`,
      ),
    ),
  ];
}

export function perTestTargets(p: PerTestResult): Target[] {
  const { start, reset, create } = p;
  return [
    {
      what: `import + first startEmulator() / bare Fastify import + listen (median of ${start.emulator.samples.length} cold processes each)`,
      goal: '≤ 1.5',
      actual: `${start.ratio.toFixed(2)} (${round(start.emulator.median.totalMs)} / ${round(start.fastify.median.totalMs)} ms)`,
      met: start.ratio <= 1.5,
    },
    {
      what: `reset() of ${reset.invitations} invitations (median of ${reset.samples})`,
      goal: '≤ 1 ms',
      actual: `${reset.medianMs.toFixed(2)} ms`,
      met: reset.medianMs <= 1,
    },
    {
      what: `one awaited create / bare Fastify POST (median of ${create.rounds.length} × ${create.perBlock} each)`,
      goal: '≤ 1.5',
      actual: `${create.ratio.toFixed(2)} (${create.emulatorMs.toFixed(2)} / ${create.fastifyMs.toFixed(2)} ms)`,
      met: create.ratio <= 1.5,
    },
  ];
}

/** The per-test figures behind the targets, one line each. */
export function perTestLines(p: PerTestResult): string[] {
  const ms = (n: number) => `${round(n)} ms`;
  const start = (name: string, s: PerTestResult['start']['emulator']) =>
    `per test, cold ${name}: import ${ms(s.median.importMs)} + start ${ms(s.median.startMs)} = ${ms(s.median.totalMs)} (medians; from spawn: ready ${ms(s.median.readyWallMs)}, exited ${ms(s.median.exitWallMs)}); totals ${s.samples.map((x) => round(x.totalMs)).join(', ')}`;
  return [
    start('emulator', p.start.emulator),
    start('bare Fastify', p.start.fastify),
    `per test, reset() of ${p.reset.invitations} invitations: median ${p.reset.medianMs.toFixed(3)} ms, p90 ${p.reset.p90Ms.toFixed(3)} ms`,
    `per test, one awaited create, rounds' medians (emulator / bare Fastify ms): ${p.create.rounds.map((x) => `${x.emulatorMs.toFixed(3)} / ${x.fastifyMs.toFixed(3)}`).join('; ')}`,
  ];
}

export function table(r: BenchResult): string {
  const rows: string[][] = [['config', 'operation', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio']];
  for (const c of r.configs) {
    rows.push([c.name, 'bare Fastify baseline', String(round(c.baselineRps)), '', '', '', '', '1.00']);
    for (const o of c.ops) {
      rows.push([
        c.name,
        o.name,
        String(round(o.rps)),
        String(round(o.p50, 2)),
        String(round(o.p99, 2)),
        String(o.non2xx),
        String(o.errors),
        o.ratio.toFixed(2),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  const targetRows = r.targets.map((t) => `| ${t.met ? 'met' : 'MISSED'} | ${t.what} | ${t.goal} | ${t.actual} |`);
  const configs = r.configs.map(
    (c) =>
      `- ${c.name}: ${c.db}, ${c.instances} instance(s) × ${c.rowsPerInstance} rows, filled in ${round(c.fillSeconds, 1)} s, RSS after load ${round(c.rssMiB)} MiB`,
  );
  return [
    `${r.date}  ${r.machine.cores} × ${r.machine.cpus}, ${r.machine.memGiB} GiB, Node ${r.machine.node}`,
    `load generator: ${r.driver}, ${r.connections} connections, ${r.seconds} s per operation; load average before ${r.machine.loadBefore.join(' ')}, after ${r.machine.loadAfter.join(' ')}`,
    '',
    '| | target | goal | this run |',
    '|---|---|---|---|',
    ...targetRows,
    '',
    line(rows[0]!),
    rule,
    ...rows.slice(1).map(line),
    '',
    ...r.configs.flatMap((c) =>
      c.ops
        .filter((o) => o.rounds)
        .map(
          (o) =>
            `${c.name} ${o.name}: median of ${o.rounds!.length} rounds' ratios (baseline, then the operation), ${o.rounds!.map((x) => `${round(x.rps)}/${round(x.baselineRps)} = ${x.ratio.toFixed(2)}`).join('; ')}`,
        ),
    ),
    ...journalCost(r),
    '',
    `cold start to healthy: median ${round(r.coldStartMs.median)} ms of ${r.coldStartMs.samples.map((s) => round(s)).join(', ')}`,
    ...(r.oneMiBRefusalMs
      ? [
          `1 MiB body refused with 400, round trip: nested [ median ${r.oneMiBRefusalMs.deep.median.toFixed(1)} ms, flat string median ${r.oneMiBRefusalMs.flat.median.toFixed(1)} ms`,
        ]
      : []),
    ...(r.perTest ? perTestLines(r.perTest) : []),
    ...(r.tenants ? tenantsLines(r.tenants) : []),
    ...configs,
  ].join('\n');
}

/** The request journal's cost: each operation's ratio with the journal on over its ratio with it off, same run. */
function journalCost(r: BenchResult): string[] {
  const off = r.configs.find((c) => c.name.endsWith('-journal-off'));
  const on = off && r.configs.find((c) => c.name === off.name.replace(/-journal-off$/, ''));
  if (!on || !off) return [];
  return on.ops.flatMap((o) => {
    const other = off.ops.find((x) => x.name === o.name);
    if (!other) return [];
    return [
      `journal on / off, ${o.name}: ${round(o.rps)} / ${round(other.rps)} req/s, ratio to baseline ${o.ratio.toFixed(2)} / ${other.ratio.toFixed(2)} = ${(o.ratio / other.ratio).toFixed(2)}`,
    ];
  });
}
