// Which requests share one cached SubjectAccessReview decision: exactly those with the same user
// (name, uid, groups in any order, extra in any key order) and the same attributes.
import { describe, it, expect } from 'vitest';
import { accessAttributes, accessAttributesMemo } from '../../../../src/adapter/auth/attributes.ts';
import { Authorizer } from '../../../../src/adapter/auth/authorize.ts';
import { FakeKubeAuthClient } from '../../../../src/adapter/auth/fake-kube-auth-client.ts';
import type { UserInfo } from '../../../../src/adapter/auth/identity.ts';
import type { AccessAttributes } from '../../../../src/adapter/auth/kube-auth-client.ts';

const pods = (name: string): AccessAttributes => ({
  kind: 'resource',
  attributes: { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name, subresource: 'm' },
});

function setup(allowed: (user: UserInfo, access: AccessAttributes) => boolean): { client: FakeKubeAuthClient; authorizer: Authorizer } {
  const client = new FakeKubeAuthClient({ policy: (r) => allowed(r.user, r.access) });
  return { client, authorizer: new Authorizer({ client, now: () => 1_000_000 }) };
}

describe('Authorizer cache key', () => {
  it('different users never share a decision for the same attributes object', async () => {
    const { client, authorizer } = setup((u) => u.username === 'hpa');
    const access = pods('*');
    expect((await authorizer.authorize({ username: 'hpa', groups: [], extra: {} }, access)).kind).toBe('allowed');
    expect((await authorizer.authorize({ username: 'mallory', groups: [], extra: {} }, access)).kind).toBe('denied');
    expect((await authorizer.authorize({ username: 'hpa', uid: 'other', groups: [], extra: {} }, access)).kind).toBe('allowed');
    expect((await authorizer.authorize({ username: 'hpa', groups: ['g'], extra: {} }, access)).kind).toBe('allowed');
    expect((await authorizer.authorize({ username: 'hpa', groups: [], extra: { scopes: ['a'] } }, access)).kind).toBe('allowed');
    expect(client.accessReviews.map((r) => r.user)).toEqual([
      { username: 'hpa', groups: [], extra: {} },
      { username: 'mallory', groups: [], extra: {} },
      { username: 'hpa', uid: 'other', groups: [], extra: {} },
      { username: 'hpa', groups: ['g'], extra: {} },
      { username: 'hpa', groups: [], extra: { scopes: ['a'] } },
    ]);
  });

  it('group order and extra key order do not matter; extra values and group members do', async () => {
    const { client, authorizer } = setup(() => true);
    const access = pods('*');
    await authorizer.authorize({ username: 'u', groups: ['b', 'a'], extra: { y: ['1'], x: ['2'] } }, access);
    await authorizer.authorize({ username: 'u', groups: ['a', 'b'], extra: { x: ['2'], y: ['1'] } }, access);
    expect(client.accessReviews.length).toBe(1);
    await authorizer.authorize({ username: 'u', groups: ['a', 'b'], extra: { x: ['2'], y: ['2'] } }, access);
    await authorizer.authorize({ username: 'u', groups: ['a', 'c'], extra: { x: ['2'], y: ['1'] } }, access);
    expect(client.accessReviews.length).toBe(3);
  });

  it('equal attributes share a decision whether or not they are one object; different attributes do not', async () => {
    const { client, authorizer } = setup((_u, a) => a.kind === 'resource' && a.attributes.name === '*');
    const user: UserInfo = { username: 'u', groups: [], extra: {} };
    expect((await authorizer.authorize(user, pods('*'))).kind).toBe('allowed');
    expect((await authorizer.authorize(user, pods('*'))).kind).toBe('allowed');
    expect((await authorizer.authorize(user, pods('p-0'))).kind).toBe('denied');
    expect(client.accessReviews.length).toBe(2);
    // As the transport builds them: a fresh object per request, or the one remembered per path.
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/*/m';
    const segments = path.slice(1).split('/');
    expect((await authorizer.authorize(user, accessAttributes('GET', path, segments))).kind).toBe('allowed');
    expect(client.accessReviews.length).toBe(3);
    expect((await authorizer.authorize(user, accessAttributes('GET', path, segments))).kind).toBe('allowed');
    expect((await authorizer.authorize(user, accessAttributesMemo('GET', path, segments))).kind).toBe('allowed');
    expect((await authorizer.authorize(user, accessAttributesMemo('GET', path, segments))).kind).toBe('allowed');
    expect(client.accessReviews.length).toBe(3);
    const other = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/p-0/m';
    expect((await authorizer.authorize(user, accessAttributesMemo('GET', other, other.slice(1).split('/')))).kind).toBe('denied');
    expect(client.accessReviews.length).toBe(4);
  });

  it('an attributes object changed between calls is keyed by what it says now', async () => {
    const { client, authorizer } = setup((_u, a) => a.kind === 'resource' && a.attributes.name === '*');
    const user: UserInfo = { username: 'u', groups: [], extra: {} };
    const attributes = { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'm' };
    const access: AccessAttributes = { kind: 'resource', attributes };
    expect((await authorizer.authorize(user, access)).kind).toBe('allowed');
    attributes.name = 'p-0';
    expect((await authorizer.authorize(user, access)).kind).toBe('denied');
    expect(client.accessReviews.length).toBe(2);
  });

  it('a user name that looks like part of the key cannot borrow another decision', async () => {
    const { client, authorizer } = setup((u) => u.username === 'a');
    const access = pods('*');
    expect((await authorizer.authorize({ username: 'a', groups: [], extra: {} }, access)).kind).toBe('allowed');
    const forged: UserInfo = { username: 'a","",[],[]]\n{"kind"', groups: [], extra: {} };
    expect((await authorizer.authorize(forged, access)).kind).toBe('denied');
    expect(client.accessReviews.length).toBe(2);
  });
});
