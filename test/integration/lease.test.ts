import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/kube/lease.ts';
import { testKubeConfig } from '../env/kube.ts';
import { waitFor } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';

describe.skipIf(integrationSkipped)('LeaderElector against the real kube-apiserver', () => {
  const namespace = `lease-${Date.now().toString(36)}`;
  const electors: LeaderElector[] = [];

  beforeAll(async () => {
    await testKubeConfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await testKubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
  });

  function candidate(identity: string, log: string[]): LeaderElector {
    const e = new LeaderElector(testKubeConfig(), {
      namespace,
      name: 'canopy',
      identity,
      leaseDurationSeconds: 3,
      renewDeadlineSeconds: 2,
      retryPeriodSeconds: 0.2,
      onStartedLeading: () => log.push(`${identity} leads`),
      onStoppedLeading: () => log.push(`${identity} stops`),
    });
    electors.push(e);
    return e;
  }

  it('lets exactly one candidate lead, and hands over when the leader releases the lease', async () => {
    const log: string[] = [];
    const a = candidate('a', log);
    a.start();
    await waitFor('a to lead', () => Promise.resolve(a.isLeader ? true : undefined), { timeoutMs: 30_000 });
    const lease = await testKubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'canopy', namespace });
    expect(lease.spec?.holderIdentity).toBe('a');

    const b = candidate('b', log);
    b.start();
    // b must keep waiting while a renews: a full lease duration passes with a still leading.
    const deadline = Date.now() + 4_000;
    await waitFor('a lease duration to pass', () => Promise.resolve(Date.now() > deadline ? true : undefined), { timeoutMs: 10_000 });
    expect(b.isLeader).toBe(false);
    expect(a.isLeader).toBe(true);

    await a.stop();
    await waitFor('b to take over', () => Promise.resolve(b.isLeader ? true : undefined), { timeoutMs: 30_000 });
    const after = await testKubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'canopy', namespace });
    expect(after.spec?.holderIdentity).toBe('b');
    expect(after.spec?.leaseTransitions).toBe(1);
    expect(log).toEqual(['a leads', 'a stops', 'b leads']);
  });
});
