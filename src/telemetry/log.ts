/** Structured log lines (one JSON object per line on stderr), the format log pipelines in clusters expect. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Whether a line at `level` passes a `min` threshold. */
export function levelShown(level: LogLevel, min: LogLevel): boolean {
  return rank[level] >= rank[min];
}

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly unknown[] | object>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default. Tests pass an array sink. */
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const min = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (!levelShown(level, min)) return;
    write(JSON.stringify({ ts: now().toISOString(), level, msg, ...bound, ...fields }));
  };
  return {
    debug: (m, f) => { emit('debug', m, f); },
    info: (m, f) => { emit('info', m, f); },
    warn: (m, f) => { emit('warn', m, f); },
    error: (m, f) => { emit('error', m, f); },
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything, for pure code paths driven by tests and the simulator. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
