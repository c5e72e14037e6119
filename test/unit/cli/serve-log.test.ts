import { describe, expect, it } from 'vitest';
import { createLogger, levelShown as shown } from '../../../src/telemetry/log.ts';
import { createServeLog, lineLevel } from '../../../src/serve/log.ts';

describe('serve log levels', () => {
  it('a plain line is info; a component\'s structured line carries its own level', () => {
    expect(lineLevel('starting component adapter')).toBe('info');
    expect(lineLevel('scaler: {"ts":"t","level":"warn","msg":"scale refused"}')).toBe('warn');
    expect(lineLevel('{"level":"debug","msg":"tick"}')).toBe('debug');
    expect(lineLevel('scaler: {"level":"loud"}')).toBe('info');
    expect(lineLevel('scaler: {not json}')).toBe('info');
  });

  it('the threshold orders debug < info < warn < error', () => {
    expect(shown('debug', 'info')).toBe(false);
    expect(shown('info', 'info')).toBe(true);
    expect(shown('info', 'warn')).toBe(false);
    expect(shown('error', 'warn')).toBe(true);
  });

  it('--log-level=warn keeps the scaler\'s warnings and serve\'s errors, drops the progress lines', () => {
    const out: string[] = [];
    const log = createServeLog('warn', (t) => out.push(t), () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    const scaler = createLogger({ level: 'debug', write: (line) => { log(`scaler: ${line}`); }, now: () => new Date(0) });
    log('starting component adapter');
    scaler.info('synced');
    scaler.warn('FailedRescale');
    log('a component failed to start: boom', 'error');
    expect(out).toEqual([
      '2026-01-02T03:04:05.000Z scaler: {"ts":"1970-01-01T00:00:00.000Z","level":"warn","msg":"FailedRescale"}\n',
      '2026-01-02T03:04:05.000Z a component failed to start: boom\n',
    ]);
  });

  it('--log-level=debug shows everything', () => {
    const out: string[] = [];
    const log = createServeLog('debug', (t) => out.push(t));
    log('scaler: {"level":"debug","msg":"tick"}');
    log('plain');
    expect(out).toHaveLength(2);
  });
});
