// `canopy loadtest --url URL --trace T [...]`: replays a trace against a live OpenAI-compatible endpoint,
// measures TTFT / ITL from the client, scores them like the simulator does, writes the HTML report, the
// fitted engine profile (the JSON `simulate` / `tune` read) and a JSON summary.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadTestReportInput } from '../../loadtest/report.ts';
import { runLoadTest, type LoadTestProgress, type LoadTestResult } from '../../loadtest/run.ts';
import type { LoadTestApi } from '../../loadtest/prompt.ts';
import type { Distribution } from '../../loadtest/summary.ts';
import { builtinProfile } from '../../sim/engine/profiles.ts';
import type { EngineProfile } from '../../sim/engine/profile.ts';
import { renderReport } from '../../sim/report/render.ts';
import { formatLatency, formatPercent } from '../../sim/report/format.ts';
import { DEFAULT_SLO, type Slo } from '../../sim/score/slo.ts';
import { parseAzureTrace } from '../../sim/workload/azure.ts';
import { parseMooncakeTrace } from '../../sim/workload/mooncake.ts';
import type { SimRequest } from '../../sim/workload/request.ts';

export type TraceFormat = 'azure' | 'mooncake';

export interface LoadTestCliOptions {
  readonly url: string;
  readonly trace: string;
  readonly format: TraceFormat;
  readonly rateScale: number;
  readonly maxRequests: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly model: string | undefined;
  readonly api: LoadTestApi;
  readonly seed: number;
  readonly slo: Slo;
  readonly template: EngineProfile;
  readonly report: string | undefined;
  readonly profileOut: string | undefined;
  readonly json: string | undefined;
}

/** Raw commander values (strings). */
export interface RawLoadTestOptions {
  readonly url: string;
  readonly trace: string;
  readonly format?: string;
  readonly rateScale?: string;
  readonly maxRequests?: string;
  readonly duration?: string;
  readonly concurrency?: string;
  readonly timeout?: string;
  readonly model?: string;
  readonly api?: string;
  readonly seed?: string;
  readonly sloTtft?: string;
  readonly sloItl?: string;
  readonly template?: string;
  readonly report?: string;
  readonly profileOut?: string;
  readonly json?: string;
}

function positive(name: string, raw: string | undefined, fallback: number | undefined, integer: boolean, errors: string[]): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    errors.push(`${name} must be a positive ${integer ? 'whole number' : 'number'}, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return value;
}

/** Pure: checks and converts the command line; the errors are usage errors (exit 2). */
export function parseLoadTestOptions(raw: RawLoadTestOptions): { options?: LoadTestCliOptions; errors: string[] } {
  const errors: string[] = [];
  try {
    const u = new URL(raw.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') errors.push(`--url must be http(s), got ${raw.url}`);
  } catch {
    errors.push(`--url is not a URL: ${JSON.stringify(raw.url)}`);
  }
  const format = raw.format ?? (/\.jsonl?$/i.test(raw.trace) ? 'mooncake' : 'azure');
  if (format !== 'azure' && format !== 'mooncake') errors.push(`--format must be azure or mooncake, got ${JSON.stringify(format)}`);
  const api = raw.api ?? 'completions';
  if (api !== 'completions' && api !== 'chat') errors.push(`--api must be completions or chat, got ${JSON.stringify(api)}`);
  const rateScale = positive('--rate-scale', raw.rateScale, 1, false, errors) ?? 1;
  const maxRequests = positive('--max-requests', raw.maxRequests, undefined, true, errors);
  const durationSeconds = positive('--duration', raw.duration, undefined, false, errors);
  const concurrency = positive('--concurrency', raw.concurrency, 256, true, errors) ?? 256;
  const timeoutSeconds = positive('--timeout', raw.timeout, 120, false, errors) ?? 120;
  const ttft = positive('--slo-ttft', raw.sloTtft, DEFAULT_SLO.ttftSeconds, false, errors) ?? DEFAULT_SLO.ttftSeconds;
  const itl = positive('--slo-itl', raw.sloItl, DEFAULT_SLO.itlSeconds, false, errors) ?? DEFAULT_SLO.itlSeconds;
  const seed = raw.seed === undefined ? 1 : Number(raw.seed);
  if (!Number.isInteger(seed)) errors.push(`--seed must be a whole number, got ${JSON.stringify(raw.seed)}`);
  let template: EngineProfile | undefined;
  try {
    template = builtinProfile(raw.template);
  } catch (error) {
    errors.push(`--template: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (errors.length > 0 || template === undefined) return { errors };
  return {
    errors,
    options: {
      url: raw.url,
      trace: raw.trace,
      format: format as TraceFormat,
      rateScale,
      maxRequests,
      durationSeconds,
      concurrency,
      timeoutSeconds,
      model: raw.model,
      api: api as LoadTestApi,
      seed,
      slo: { ttftSeconds: ttft, itlSeconds: itl, quantile: DEFAULT_SLO.quantile ?? 0.9 },
      template,
      report: raw.report,
      profileOut: raw.profileOut,
      json: raw.json,
    },
  };
}

export function readTrace(file: string, text: string, format: TraceFormat): SimRequest[] {
  return format === 'mooncake' ? parseMooncakeTrace(text, { file }) : parseAzureTrace(text, { file });
}

function line(name: string, d: Distribution): string {
  return `  ${name.padEnd(5)} p50 ${formatLatency(d.p50)}, p90 ${formatLatency(d.p90)}, p99 ${formatLatency(d.p99)} (${String(d.count)} samples)`;
}

/** Pure: the human summary printed at the end. */
export function formatLoadTestSummary(result: LoadTestResult, slo: Slo): string {
  const s = result.summary;
  const fitted = result.fit.profile;
  const lines = [
    `requests: ${String(s.requests)} sent, ${String(s.completed)} completed, ${String(s.errors)} errors, ${String(s.timeouts)} timeouts in ${s.wallSeconds.toFixed(1)} s`,
    line('TTFT', s.ttft),
    line('ITL', s.itl),
    line('TPOT', s.tpot),
    line('e2e', s.e2e),
    `SLO (TTFT ≤ ${formatLatency(slo.ttftSeconds)}, ITL ≤ ${formatLatency(slo.itlSeconds)} at p${String(Math.round((slo.quantile ?? 0.9) * 100))}): ${formatPercent(s.requestAttainment)} of requests, ${formatPercent(s.windowAttainment)} of 1-min windows`,
    fitted === undefined
      ? `profile: not fitted (${result.fit.notes.join('; ')})`
      : `profile: prefill ${(fitted.prefill.baseSeconds * 1000).toFixed(2)} ms + ${(fitted.prefill.perTokenSeconds * 1e6).toFixed(2)} µs/token + ${fitted.prefill.quadraticSeconds.toExponential(2)} s/token²; decode ${(fitted.decode.baseSeconds * 1000).toFixed(2)} ms + ${(fitted.decode.perSequenceSeconds * 1000).toFixed(3)} ms/seq + ${(fitted.decode.perKvTokenSeconds * 1e6).toFixed(3)} µs/KV token (${String(result.fit.prefillObservations)} prefills, ${String(result.fit.decodeObservations)} gaps)`,
    ...result.fit.notes.map((n) => `  note: ${n}`),
    ...s.sampleErrors.map((e) => `  error: ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The served model when the user gave none: the first of GET /v1/models. */
async function discoverModel(url: string): Promise<string> {
  const res = await fetch(new URL('/v1/models', url), { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /v1/models: HTTP ${String(res.status)}; pass --model`);
  const body = (await res.json()) as { data?: { id?: unknown }[] };
  const id = body.data?.[0]?.id;
  if (typeof id !== 'string') throw new Error('GET /v1/models listed no model; pass --model');
  return id;
}

async function execute(o: LoadTestCliOptions): Promise<number> {
  let requests: SimRequest[];
  let text: string;
  try {
    text = readFileSync(o.trace, 'utf8');
    requests = readTrace(o.trace, text, o.format);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const model = o.model ?? (await discoverModel(o.url));
  let lastPrint = 0;
  const progress = (p: LoadTestProgress): void => {
    if (p.done < p.planned && p.elapsed - lastPrint < 2) return;
    lastPrint = p.elapsed;
    process.stderr.write(`[loadtest] ${p.elapsed.toFixed(1)} s: ${String(p.sent)}/${String(p.planned)} sent, ${String(p.done)} done, ${String(p.failed)} failed\n`);
  };
  process.stderr.write(`[loadtest] ${o.url} model ${model}: ${String(requests.length)} trace requests, rate scale ${String(o.rateScale)}\n`);
  const result = await runLoadTest({
    url: o.url,
    requests,
    rateScale: o.rateScale,
    concurrencyLimit: o.concurrency,
    timeoutSeconds: o.timeoutSeconds,
    model,
    api: o.api,
    maxRequests: o.maxRequests,
    durationSeconds: o.durationSeconds,
    seed: o.seed,
    slo: o.slo,
    fitTemplate: o.template,
    onProgress: progress,
  });
  process.stdout.write(formatLoadTestSummary(result, o.slo));
  if (o.report !== undefined) {
    const input = loadTestReportInput(result, {
      traceName: basename(o.trace),
      traceChecksum: `sha256:${createHash('sha256').update(text).digest('hex')}`,
      url: o.url,
      model,
      rateScale: o.rateScale,
      seed: o.seed,
      slo: o.slo,
    });
    writeFileSync(o.report, renderReport(input));
    process.stderr.write(`[loadtest] report written to ${o.report}\n`);
  }
  if (o.profileOut !== undefined) {
    if (result.fit.profile === undefined) process.stderr.write(`[loadtest] no profile written: ${result.fit.notes.join('; ')}\n`);
    else writeFileSync(o.profileOut, `${JSON.stringify(result.fit.profile, null, 2)}\n`);
  }
  if (o.json !== undefined) {
    writeFileSync(o.json, `${JSON.stringify({ summary: result.summary, fit: { profile: result.fit.profile, notes: result.fit.notes } }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  }
  // Failing requests are a result of the test, not an error of the command; nothing answering is.
  return result.summary.completed === 0 && result.summary.requests > 0 ? 1 : 0;
}

export function registerLoadtest(program: Command): void {
  program
    .command('loadtest')
    .description('Replay a trace against an OpenAI-compatible endpoint, measure TTFT/ITL, fit an engine profile')
    .requiredOption('--url <url>', 'base URL of the endpoint, e.g. http://127.0.0.1:8000')
    .requiredOption('--trace <file>', 'Azure LLM 2023 CSV or Mooncake JSONL trace')
    .option('--format <format>', 'azure or mooncake (default: from the file extension)')
    .option('--rate-scale <x>', 'thin (< 1) or replicate (> 1) requests; timestamps are kept', '1')
    .option('--max-requests <n>', 'send at most this many requests')
    .option('--duration <seconds>', 'send only the requests of the first this many seconds')
    .option('--concurrency <n>', 'requests in flight at most', '256')
    .option('--timeout <seconds>', 'per-request timeout', '120')
    .option('--model <name>', 'model name (default: the first of /v1/models)')
    .option('--api <api>', 'completions or chat', 'completions')
    .option('--seed <n>', 'seed of the thinning / replication draws', '1')
    .option('--slo-ttft <seconds>', 'TTFT SLO at p90', String(DEFAULT_SLO.ttftSeconds))
    .option('--slo-itl <seconds>', 'ITL SLO at p90', String(DEFAULT_SLO.itlSeconds))
    .option('--template <profile>', 'built-in profile whose limits the fitted profile copies')
    .option('--report <file>', 'write the HTML report here')
    .option('--profile-out <file>', 'write the fitted engine profile (JSON) here')
    .option('--json <file>', 'write the summary (JSON) here')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (raw: RawLoadTestOptions) => {
      const { options, errors } = parseLoadTestOptions(raw);
      if (options === undefined) {
        process.stderr.write(`${errors.join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        process.exitCode = await execute(options);
      } catch (error) {
        process.stderr.write(`loadtest: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
