import { describe, it, expect } from 'vitest';
import { Authorizer } from '../../../../src/adapter/auth/authorize.ts';
import { FakeKubeAuthClient } from '../../../../src/adapter/auth/fake-kube-auth-client.ts';
import type { AccessAttributes } from '../../../../src/adapter/auth/kube-auth-client.ts';
import type { UserInfo } from '../../../../src/adapter/auth/identity.ts';

const hpa: UserInfo = { username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', groups: ['system:authenticated'], extra: {} };
const pods: AccessAttributes = {
  kind: 'resource',
  attributes: { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'm' },
};

function setup(allow: boolean): { client: FakeKubeAuthClient; authorizer: Authorizer; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const client = new FakeKubeAuthClient({ policy: () => allow });
  const authorizer = new Authorizer({ client, now: () => clock.now });
  return { client, authorizer, clock };
}

describe('Authorizer', () => {
  it('sends one SubjectAccessReview with the user and attributes, then answers from cache for 10 s', async () => {
    const { client, authorizer, clock } = setup(true);
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('allowed');
    expect(client.accessReviews).toEqual([{ user: hpa, access: pods }]);
    clock.now += 9_999;
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('allowed');
    expect(client.accessReviews.length).toBe(1);
    clock.now += 1;
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('allowed');
    expect(client.accessReviews.length).toBe(2);
  });

  it('caches denials for 10 s too', async () => {
    const { client, authorizer, clock } = setup(false);
    expect(await authorizer.authorize(hpa, pods)).toEqual({ kind: 'denied', reason: 'denied by fake policy' });
    client.policy = () => true;
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('denied');
    clock.now += 10_000;
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('allowed');
  });

  it('reviews different attributes or users separately', async () => {
    const { client, authorizer } = setup(true);
    await authorizer.authorize(hpa, pods);
    await authorizer.authorize(hpa, { kind: 'nonResource', attributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' } });
    await authorizer.authorize({ ...hpa, username: 'other' }, pods);
    expect(client.accessReviews.length).toBe(3);
  });

  it('allows system:masters without a review', async () => {
    const { client, authorizer } = setup(false);
    const r = await authorizer.authorize({ username: 'system:kube-aggregator', groups: ['system:masters'], extra: {} }, pods);
    expect(r.kind).toBe('allowed');
    expect(client.accessReviews).toEqual([]);
  });

  it('an unreachable API server is an error, not a cached denial', async () => {
    const { client, authorizer } = setup(true);
    client.failure = new Error('connection refused');
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('error');
    client.failure = undefined;
    expect((await authorizer.authorize(hpa, pods)).kind).toBe('allowed');
  });
});
