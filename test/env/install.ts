import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./install.sh', import.meta.url));

/**
 * Runs install.sh (fast when everything is present; installs what is missing, or explains why it
 * cannot). Its output goes to our stderr so a long first build is visible.
 */
export function ensureInstalled(): void {
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(
      `test/env/install.sh failed (exit ${String(result.status ?? result.signal)}); see its message above. ` +
        'Set CANOPY_SKIP_INTEGRATION=1 to skip the integration tests.',
    );
  }
}
