import { describe, it, expect } from 'vitest';
import { createAdapterMetrics, requestRecorder } from '../../../src/adapter/telemetry.ts';

describe('requestRecorder', () => {
  it('counts each request under its code, folded method and route, and observes its duration', async () => {
    const metrics = createAdapterMetrics();
    const record = requestRecorder(metrics);
    record('GET', 200, 'selector', 0.002);
    record('GET', 200, 'selector', 0.0004);
    record('GET', 404, 'selector', 0.001);
    record('BREW', 405, 'discovery', 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain('canopy_adapter_requests_total{code="200",verb="GET",route="selector"} 2\n');
    expect(text).toContain('canopy_adapter_requests_total{code="404",verb="GET",route="selector"} 1\n');
    expect(text).toContain('canopy_adapter_requests_total{code="405",verb="OTHER",route="discovery"} 1\n');
    expect(text).toContain('canopy_adapter_request_duration_seconds_count{verb="GET",route="selector"} 3\n');
    expect(text).toContain('canopy_adapter_request_duration_seconds_bucket{le="0.0005",verb="GET",route="selector"} 1\n');
    expect(text).toContain('canopy_adapter_request_duration_seconds_bucket{le="0.001",verb="GET",route="selector"} 2\n');
    const sum = /canopy_adapter_request_duration_seconds_sum\{verb="GET",route="selector"\} (\S+)\n/.exec(text)?.[1];
    expect(Number(sum)).toBeCloseTo(0.0034, 12);
  });
});
