import { describe, it, expect } from 'vitest';
import { planTargets, targetForPod, type PodForScrape } from '../../../../src/signals/sources/targets.ts';

const pod = (annotations: Record<string, string>, podIP = '10.0.0.7'): PodForScrape => ({
  namespace: 'ns',
  name: 'p-0',
  labels: { 'grove.io/podclique': 'pcs-0-worker' },
  annotations,
  podIP,
});

describe('targetForPod', () => {
  it('uses the prometheus.io annotations', () => {
    const t = targetForPod(pod({ 'prometheus.io/port': '8000', 'prometheus.io/path': '/stats', 'prometheus.io/scheme': 'https' }));
    expect(t).toEqual({ namespace: 'ns', pod: 'p-0', labels: { 'grove.io/podclique': 'pcs-0-worker' }, url: 'https://10.0.0.7:8000/stats' });
  });

  it("prefers Canopy's override over prometheus.io, and both over the policy default", () => {
    const annotated = pod({ 'prometheus.io/port': '8000', 'canopy.dev/metrics-port': '9400', 'prometheus.io/path': '/a', 'canopy.dev/metrics-path': 'b' });
    expect(targetForPod(annotated, { port: 1, path: '/c' })).toMatchObject({ url: 'http://10.0.0.7:9400/b' });
    expect(targetForPod(pod({}), { port: 8080, path: '/c', match: { model_name: 'm' } })).toMatchObject({ url: 'http://10.0.0.7:8080/c', match: { model_name: 'm' } });
  });

  it('defaults the path to /metrics and brackets IPv6 addresses', () => {
    expect(targetForPod(pod({ 'prometheus.io/port': '8000' }, 'fd00::5'))).toMatchObject({ url: 'http://[fd00::5]:8000/metrics' });
  });

  it('says why a pod has no target', () => {
    expect(targetForPod(pod({}))).toMatchObject({ reason: expect.stringContaining('no metrics port') as unknown });
    expect(targetForPod({ ...pod({ 'prometheus.io/port': '8000' }), podIP: undefined })).toMatchObject({ reason: 'pod has no IP yet' });
    expect(targetForPod(pod({ 'prometheus.io/port': 'http' }))).toMatchObject({ reason: expect.stringContaining('is not a port') as unknown });
    expect(targetForPod(pod({ 'prometheus.io/port': '70000' }))).toMatchObject({ reason: expect.stringContaining('is not a port') as unknown });
    expect(targetForPod(pod({ 'prometheus.io/port': '80', 'prometheus.io/scheme': 'ftp' }))).toMatchObject({ reason: expect.stringContaining('not http or https') as unknown });
    expect(targetForPod(pod({ 'prometheus.io/port': '80', 'prometheus.io/scrape': 'false' }))).toMatchObject({ reason: expect.stringContaining('scrape') as unknown });
  });
});

describe('planTargets', () => {
  it('splits pods into targets and skipped pods, in order', () => {
    const plan = planTargets([pod({ 'prometheus.io/port': '1' }), pod({}), { ...pod({}), name: 'p-2' }], { path: '/m' });
    expect(plan.targets.map((t) => t.url)).toEqual(['http://10.0.0.7:1/m']);
    expect(plan.skipped.map((s) => s.pod)).toEqual(['p-0', 'p-2']);
  });
});
