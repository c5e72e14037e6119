// Client certificate verification against ONE trust bundle. TLS accepts any certificate
// (rejectUnauthorized: false) because the two authentication paths trust different CAs; each path then
// calls this with its own CA, so a certificate from the client CA can never pass as the front proxy.
import type { X509Certificate } from 'node:crypto';

const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const anyExtendedKeyUsageOid = '2.5.29.37.0';
const maxChainLength = 8;

export type ChainResult = { ok: true; chain: X509Certificate[] } | { ok: false; reason: string };

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(cert.validTo).getTime();
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  if (!issuer.ca || !child.checkIssued(issuer)) return false;
  try {
    return child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function usableForClientAuth(leaf: X509Certificate): boolean {
  // Without an extended key usage extension a certificate is good for any purpose (RFC 5280).
  const eku = leaf.keyUsage as string[] | undefined;
  return eku === undefined || eku.length === 0 || eku.includes(clientAuthOid) || eku.includes(anyExtendedKeyUsageOid);
}

/**
 * Builds a path from `leaf` through the presented `intermediates` to one of `roots`, checking signatures,
 * CA flags and validity periods at `now`. Presented certificates are never trusted as roots.
 */
export function verifyClientChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
): ChainResult {
  if (!validAt(leaf, now)) return { ok: false, reason: 'client certificate is expired or not yet valid' };
  if (!usableForClientAuth(leaf)) return { ok: false, reason: 'client certificate is not valid for client authentication' };
  const chain: X509Certificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < maxChainLength; depth++) {
    const root = roots.find((r) => signedBy(current, r));
    if (root !== undefined) {
      if (!validAt(root, now)) return { ok: false, reason: 'certificate authority is expired or not yet valid' };
      chain.push(root);
      return { ok: true, chain };
    }
    const next = intermediates.find((i) => !chain.includes(i) && signedBy(current, i) && validAt(i, now));
    if (next === undefined) return { ok: false, reason: 'certificate signed by unknown authority' };
    chain.push(next);
    current = next;
  }
  return { ok: false, reason: 'certificate chain too long' };
}
