import { describe, expect, it } from 'vitest';
import { decideLease, padMicroTime, type LeaseRecord } from '../../../src/kube/lease.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const lease = (holder: string | undefined, renewedAt: number | undefined): LeaseRecord => ({
  holder,
  renewTime: renewedAt === undefined ? undefined : at(renewedAt),
  leaseDurationSeconds: 15,
  transitions: 0,
  resourceVersion: '1',
});

describe('decideLease', () => {
  it('creates a missing lease', () => {
    expect(decideLease(undefined, 'me', t0)).toEqual({ kind: 'create' });
  });
  it('renews its own lease even when expired', () => {
    expect(decideLease(lease('me', -100), 'me', t0)).toEqual({ kind: 'renew' });
  });
  it('waits while another holder is inside its lease duration', () => {
    expect(decideLease(lease('other', 0), 'me', at(14.999))).toEqual({ kind: 'wait', holder: 'other', expiresAt: at(15) });
  });
  it('takes over exactly when the lease expires', () => {
    expect(decideLease(lease('other', 0), 'me', at(15))).toEqual({ kind: 'takeover', from: 'other' });
  });
  it('takes over a released lease (empty holder) at once', () => {
    expect(decideLease(lease('', 0), 'me', at(1))).toEqual({ kind: 'takeover', from: '' });
    expect(decideLease(lease(undefined, undefined), 'me', at(1))).toEqual({ kind: 'takeover', from: undefined });
  });
});

describe('padMicroTime', () => {
  it('pads millisecond timestamps to the six digits metav1.MicroTime requires, and nothing else', () => {
    const body = JSON.stringify({ spec: { renewTime: new Date('2026-01-01T00:00:00.907Z'), holderIdentity: 'a.b.000Z', n: 1 } });
    expect(padMicroTime(body)).toBe('{"spec":{"renewTime":"2026-01-01T00:00:00.907000Z","holderIdentity":"a.b.000Z","n":1}}');
  });
  it('leaves timestamps that already have microseconds alone', () => {
    expect(padMicroTime('{"t":"2026-01-01T00:00:00.907000Z"}')).toBe('{"t":"2026-01-01T00:00:00.907000Z"}');
  });
});
