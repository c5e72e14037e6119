import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiException, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { waitFor } from './net.ts';

/** The CRD manifests (every document of every *.yaml/*.yml file) in `dir`, sorted by file name. */
export async function readCrdFiles(dir: string): Promise<{ file: string; crd: V1CustomResourceDefinition }[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: { file: string; crd: V1CustomResourceDefinition }[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as unknown;
      if (value === null || value === undefined) continue;
      const crd = value as V1CustomResourceDefinition;
      if (crd.kind !== 'CustomResourceDefinition') throw new Error(`${file}: expected a CustomResourceDefinition, got ${String(crd.kind)}`);
      out.push({ file, crd });
    }
  }
  return out;
}

const CRD_API = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface LiveCrd {
  metadata?: { resourceVersion?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Creates (or replaces) a CRD exactly as written and waits until it is Established; returns its name.
 *
 * Deliberately not ApiextensionsV1Api: its typed serializer maps model attributes, and a plain manifest
 * object's `enum`, `default` and `x-kubernetes-*` keys do not match the model's attribute names
 * (`_enum`, `_default`, `xKubernetes…`), so they are silently dropped. The generic custom-objects
 * calls send the body untouched.
 */
export async function applyCrd(kc: KubeConfig, crd: V1CustomResourceDefinition, timeoutMs = 60_000): Promise<string> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const name = crd.metadata?.name;
  if (name === undefined) throw new Error('CRD without metadata.name');
  try {
    await api.createClusterCustomObject({ ...CRD_API, body: crd });
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 409) throw error;
    const live = (await api.getClusterCustomObject({ ...CRD_API, name })) as LiveCrd;
    const body = structuredClone(crd);
    body.metadata = structuredClone(crd.metadata) ?? {};
    const resourceVersion = live.metadata?.resourceVersion;
    if (resourceVersion !== undefined) body.metadata.resourceVersion = resourceVersion;
    await api.replaceClusterCustomObject({ ...CRD_API, name, body });
  }
  await waitFor(
    `CRD ${name} to be Established`,
    async () => {
      const live = (await api.getClusterCustomObject({ ...CRD_API, name })) as LiveCrd;
      const established = live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      return established === true ? true : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
  return name;
}

/** Applies every CRD found in `dir` (e.g. charts/canopy/crds) and waits for each to be Established. */
export async function applyCrdDir(kc: KubeConfig, dir: string): Promise<string[]> {
  const crds = await readCrdFiles(dir);
  return Promise.all(crds.map(({ crd }) => applyCrd(kc, crd)));
}
