// Progress on stderr: a redrawn bar on a terminal, one plain line per step otherwise (logs, CI, pipes).
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

export interface Progress {
  update(done: number, note: string): void;
  finish(note: string): void;
}

export function createProgress(stream: ProgressStream, total: number, label: string, width = 24): Progress {
  const tty = stream.isTTY === true;
  const bar = (done: number): string => {
    const filled = Math.round((Math.min(done, total) / Math.max(1, total)) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  return {
    update(done, note) {
      if (tty) stream.write(`\r\x1b[2K${label} ${bar(done)} ${String(done)}/${String(total)} ${note}`);
      else stream.write(`${label}: ${String(done)}/${String(total)} ${note}\n`);
    },
    finish(note) {
      stream.write(tty ? `\r\x1b[2K${label} ${bar(total)} ${note}\n` : `${label}: ${note}\n`);
    },
  };
}
