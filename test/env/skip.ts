/**
 * CANOPY_SKIP_INTEGRATION=1 turns the real-cluster tier off (no root, no Debian, no time). Test files
 * use `describe.skipIf(integrationSkipped)` so vitest reports their tests as skipped, not passed.
 */
export const integrationSkipped: boolean = process.env['CANOPY_SKIP_INTEGRATION'] === '1';
