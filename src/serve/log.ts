// serve's log: one line per event on stderr, `<RFC 3339 time> <line>`, filtered by --log-level.
// Components log through a `(line) => void`; a line is at `info` unless it says otherwise, either by
// the caller's explicit level or, for a component's structured logger, by the JSON object's `level`
// after its `component: ` prefix (the scaler writes those).
import { LOG_LEVELS } from './options.ts';
import { levelShown, type LogLevel } from '../telemetry/log.ts';

export type ServeLog = (line: string, level?: LogLevel) => void;

/** The level a line carries. Pure. */
export function lineLevel(line: string): LogLevel {
  const json = /^(?:[\w-]+: )?(\{.*\})$/.exec(line)?.[1];
  if (json === undefined) return 'info';
  try {
    const parsed: unknown = JSON.parse(json);
    const level = typeof parsed === 'object' && parsed !== null && 'level' in parsed ? parsed.level : undefined;
    return LOG_LEVELS.find((l) => l === level) ?? 'info';
  } catch {
    return 'info';
  }
}

export function createServeLog(min: LogLevel, write: (text: string) => void = (t) => process.stderr.write(t), now: () => Date = () => new Date()): ServeLog {
  return (line, level) => {
    if (levelShown(level ?? lineLevel(line), min)) write(`${now().toISOString()} ${line}\n`);
  };
}
