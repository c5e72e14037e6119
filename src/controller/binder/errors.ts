// One line for an API failure: client-node's ApiException message carries the headers and the raw body;
// the status code and the Status message say all that matters.
import { statusOf } from '../../kube/retry.ts';

export function errorText(err: unknown): string {
  const code = statusOf(err);
  const body = typeof err === 'object' && err !== null && 'body' in err ? err.body : undefined;
  if (code !== undefined && body !== undefined) {
    let message = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // not JSON: keep the text
    }
    return `HTTP ${code}: ${message}`;
  }
  return err instanceof Error ? err.message : JSON.stringify(err);
}
