import { describe, expect, it } from 'vitest';
import { podRequests } from '../../../../src/controller/placement/requests.ts';

describe('podRequests', () => {
  it('sums regular containers', () => {
    expect(
      podRequests({
        containers: [
          { name: 'a', resources: { requests: { cpu: '500m', 'nvidia.com/gpu': 2 } } },
          { name: 'b', resources: { requests: { cpu: '1', memory: '1Mi' } } },
        ],
      }),
    ).toEqual({ cpu: 1500, 'nvidia.com/gpu': 2, memory: 2 ** 20 });
  });

  it('takes the larger of the containers and any single init container', () => {
    expect(
      podRequests({
        containers: [{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
        initContainers: [
          { name: 'i1', resources: { requests: { cpu: '3' } } },
          { name: 'i2', resources: { requests: { cpu: '2', memory: '2Gi' } } },
        ],
      }),
    ).toEqual({ cpu: 3000, memory: 2 * 2 ** 30 });
  });

  it('adds sidecar init containers to the running total and to later init containers', () => {
    const sidecar = { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '1' } } };
    expect(
      podRequests({
        containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }],
        initContainers: [sidecar, { name: 'i', resources: { requests: { cpu: '2500m' } } }],
      }),
    ).toEqual({ cpu: 3500 });
  });

  it('ignores containers without requests', () => {
    expect(podRequests({ containers: [{ name: 'a' }] })).toEqual({});
  });
});
