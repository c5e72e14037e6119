import { describe, it, expect } from 'vitest';
import type { RequestHeaderConfig } from '../../../../src/adapter/auth/config.ts';
import { identityFromHeaders } from '../../../../src/adapter/auth/request-header.ts';

const config: RequestHeaderConfig = {
  ca: { pem: '', certificates: [] },
  usernameHeaders: ['X-Remote-User', 'X-Fallback-User'],
  uidHeaders: ['X-Remote-Uid'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
  allowedNames: [],
};

describe('identityFromHeaders', () => {
  it('takes the first non-empty username header, every group line and decoded extra keys', () => {
    expect(
      identityFromHeaders(
        {
          'x-remote-user': [''],
          'x-fallback-user': ['system:serviceaccount:kube-system:horizontal-pod-autoscaler'],
          'x-remote-group': ['system:serviceaccounts', 'system:authenticated'],
          'x-remote-extra-scopes%2fa': ['x', 'y'],
          'x-remote-extra-authentication.kubernetes.io%2fpod-name': ['hpa-0'],
          'x-remote-uid': ['u-1'],
          'x-unrelated': ['z'],
        },
        config,
      ),
    ).toEqual({
      username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
      uid: 'u-1',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      extra: { 'scopes/a': ['x', 'y'], 'authentication.kubernetes.io/pod-name': ['hpa-0'] },
    });
  });

  it('is not an identity without a username header', () => {
    expect(identityFromHeaders({ 'x-remote-group': ['g'] }, config)).toBeUndefined();
  });

  it('keeps a comma inside one group line as one group (no splitting)', () => {
    expect(identityFromHeaders({ 'x-remote-user': ['u'], 'x-remote-group': ['a, b'] }, config)?.groups).toEqual(['a, b']);
  });
});
