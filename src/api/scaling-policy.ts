// ScalingPolicy canopy.dev/v1alpha1: one zod schema is the single source for the TypeScript types, runtime
// validation of policy files and the CRD schema. A policy file in git is the same document as the CRD object.
//
// Unions that a structural CRD schema cannot express (oneOf with properties, anyOf + const) are written as
// optional fields plus a refinement, and string choices as z.enum, so the generated OpenAPI stays structural.
import { z } from 'zod';
import { ConditionSchema, ObjectMetaSchema, Time } from './schema/common.ts';
import { MetricSpecSchema, metricSpecIssues } from './schema/autoscaling.ts';

export const SCALING_POLICY_GROUP = 'canopy.dev';
export const SCALING_POLICY_VERSION = 'v1alpha1';
export const SCALING_POLICY_API_VERSION = `${SCALING_POLICY_GROUP}/${SCALING_POLICY_VERSION}`;
export const SCALING_POLICY_KIND = 'ScalingPolicy';
export const SCALING_POLICY_PLURAL = 'scalingpolicies';
export const SCALING_POLICY_SINGULAR = 'scalingpolicy';
export const SCALING_POLICY_SHORT_NAMES: readonly string[] = ['sp'];

/** Defaults applied when a field is left out; `canopy policy explain` prints them. */
export const SCALING_POLICY_DEFAULTS = {
  actuation: 'advisory',
  intervalSeconds: 15,
  percentile: 90,
  setMinReplicas: 1,
  setScaleWhen: 'Never',
  predictor: 'constant',
  horizonSeconds: 60,
  startupSeconds: 120,
  historySeconds: 600,
  holtAlpha: 0.5,
  holtBeta: 0.3,
  scaleInHeadroom: 0.8,
  minObservations: 5,
  queuePerReplica: 5,
  kvCacheUsage: 0.8,
} as const;


// Structural CRD schemas reject exclusive bounds, so strict bounds are refinements (checked at parse time,
// absent from the CRD) on top of an inclusive bound the CRD does carry.
const GT_ZERO = 'must be greater than 0';
/** ≥ 0 in the CRD; > 0 (and ≤ max) at parse time, with one message. */
const gtZero = (max?: number) => {
  const n = z.number().min(0, { abort: true, message: GT_ZERO });
  return (max === undefined ? n : n.max(max, { abort: true })).refine((v) => v > 0, { message: GT_ZERO });
};

const dnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase DNS name (a-z, 0-9, "-", ".")');

// --- autoscaling/v2 pieces: the MetricSpec is Grove's (src/api/schema/autoscaling.ts) plus the HPA's own
// checks on which target type each source accepts, so a lint catches what the API server would reject.

export const policyMetricSpecSchema = MetricSpecSchema.superRefine((m, ctx) => {
  for (const issue of metricSpecIssues(m)) ctx.addIssue({ code: 'custom', ...issue });
});

const hpaScalingPolicy = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: z.int().min(1),
  periodSeconds: z.int().min(1).max(1800),
});

const hpaScalingRules = z.strictObject({
  stabilizationWindowSeconds: z.int().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(hpaScalingPolicy).min(1).optional(),
  /** KEP-4951 per-direction tolerance; unset means the controller's 0.1. */
  tolerance: z.number().min(0).optional(),
});

/** autoscaling/v2 HorizontalPodAutoscalerBehavior, used verbatim for `hpa` roles and for the SLO roles' output. */
export const behaviorSchema = z.strictObject({ scaleUp: hpaScalingRules.optional(), scaleDown: hpaScalingRules.optional() });

// --- SLO pieces ------------------------------------------------------------------------------------------

const percentileTarget = z.strictObject({
  /** Which percentile of the latency distribution must meet the target, e.g. 90 for p90. */
  percentile: z.number().min(0).max(100).refine((v) => v > 0 && v < 100, { message: 'must be between 0 and 100, both excluded' }).default(SCALING_POLICY_DEFAULTS.percentile),
  targetSeconds: gtZero(),
});

/**
 * Capacity numbers for one replica. Either the iteration-level coefficients (t_prefill = a_p + b_p·tokens,
 * t_decode = a_d + b_d·batch + c_d·ΣKV) or capacities already measured at the SLO. Without a profile the
 * scaler fits latency against load online.
 */
const profile = z.strictObject({
  prefill: z
    .strictObject({
      /** a_p: fixed cost of one prefill iteration. */
      baseSeconds: z.number().min(0),
      /** b_p: cost per prompt token in the iteration. */
      secondsPerToken: gtZero(),
    })
    .optional(),
  decode: z
    .strictObject({
      /** a_d: fixed cost of one decode step. */
      baseSeconds: z.number().min(0),
      /** b_d: cost per running sequence. */
      secondsPerSequence: z.number().min(0),
      /** c_d: cost per KV-cache token held by the batch. */
      secondsPerKvToken: z.number().min(0),
      maxNumSeqs: z.int().min(1).optional(),
      kvCacheTokens: z.int().min(1).optional(),
    })
    .optional(),
  /** Prompt tokens per second one replica sustains while meeting the TTFT target. */
  promptTokensPerSecond: gtZero().optional(),
  /** Output tokens per second one replica sustains while meeting the ITL target. */
  outputTokensPerSecond: gtZero().optional(),
});

export const ROLE_SIGNALS = ['ttft', 'itl', 'requestRate', 'promptTokens', 'generationTokens', 'queue', 'kvCacheUsage'] as const;

const roleTarget = z
  .strictObject({
    /** Template name of a standalone clique in the PodCliqueSet. */
    podClique: dnsName.optional(),
    /** Template name of a PodCliqueScalingGroup: the role scales whole multi-pod instances. */
    podCliqueScalingGroup: dnsName.optional(),
  })
  .refine((t) => (t.podClique === undefined) !== (t.podCliqueScalingGroup === undefined), {
    message: 'set exactly one of podClique or podCliqueScalingGroup',
  });

const role = z
  .strictObject({
    name: dnsName,
    target: roleTarget,
    mode: z.enum(['hpa', 'slo']),
    /** Per PodCliqueSet replica. Unset means the target's minAvailable. */
    minReplicas: z.int().min(0).optional(),
    /** Per PodCliqueSet replica. */
    maxReplicas: z.int().min(1),
    metrics: z.array(policyMetricSpecSchema).optional(),
    /** Overrides spec.behavior for this role. */
    behavior: behaviorSchema.optional(),
    slo: z
      .strictObject({
        ttft: percentileTarget.optional(),
        itl: percentileTarget.optional(),
        /**
         * With both targets: `shared` when one engine time-shares prefill and decode (aggregated serving: the
         * phases' work adds up), `separate` when an instance has its own prefill and decode engines (the busier
         * phase sets the count).
         */
        phaseEngines: z.enum(['shared', 'separate']).default('shared'),
        /**
         * For a scaling group whose member cliques serve different phases (prefill and decode workers): which
         * member PodCliques (template names, as in cliqueNames) serve which phase. Every request passes both
         * phases and both count it, so the group's sums double the request rate and the prompt tokens; with
         * this, arrivals and prompt tokens are read from the prefill members and output tokens from the decode
         * members. A member in neither list is not counted.
         */
        phaseCliques: z.strictObject({ prefill: z.array(dnsName).min(1), decode: z.array(dnsName).min(1) }).optional(),
      })
      .optional(),
    /** Signals the SLO decision reads; unset means every signal that fits the role's phase. */
    signals: z.array(z.enum(ROLE_SIGNALS)).optional(),
    thresholds: z
      .strictObject({
        queuePerReplica: gtZero().default(SCALING_POLICY_DEFAULTS.queuePerReplica),
        kvCacheUsage: gtZero(1).default(SCALING_POLICY_DEFAULTS.kvCacheUsage),
      })
      .optional(),
    profile: profile.optional(),
    /** GPUs per replica (per instance for a scaling group); unset means read from the pod template resources. */
    gpusPerReplica: z.number().min(0).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.minReplicas !== undefined && r.minReplicas > r.maxReplicas) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `minReplicas ${r.minReplicas} is above maxReplicas ${r.maxReplicas}` });
    }
    if (r.mode === 'slo') {
      if (r.slo?.ttft === undefined && r.slo?.itl === undefined) {
        ctx.addIssue({ code: 'custom', path: ['slo'], message: 'slo mode needs slo.ttft, slo.itl or both' });
      }
      if (r.metrics !== undefined) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'metrics apply to hpa mode only' });
      const phases = r.slo?.phaseCliques;
      if (phases !== undefined) {
        const at = ['slo', 'phaseCliques'];
        if (r.target.podCliqueScalingGroup === undefined) {
          ctx.addIssue({ code: 'custom', path: at, message: 'phaseCliques applies to a podCliqueScalingGroup target only' });
        }
        // A clique serves one phase, once: a repeat would count its traffic twice, the very thing this field prevents.
        const seen = new Map<string, { phase: string; k: number }>();
        for (const phase of ['prefill', 'decode'] as const) {
          phases[phase].forEach((name, k) => {
            const other = seen.get(name);
            if (other === undefined) seen.set(name, { phase, k });
            else {
              const also = `${other.phase}[${other.k}]`;
              const message = other.phase === phase ? `duplicate clique "${name}" (also ${also})` : `clique "${name}" is also a ${other.phase} clique (${also}): a clique serves one phase`;
              ctx.addIssue({ code: 'custom', path: [...at, phase, k], message });
            }
          });
        }
      }
    } else if (r.slo !== undefined || r.profile !== undefined || r.signals !== undefined) {
      const field = r.slo !== undefined ? 'slo' : r.profile !== undefined ? 'profile' : 'signals';
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies to slo mode only` });
    }
  });

export const scalingPolicySpecSchema = z
  .strictObject({
    targetRef: z.strictObject({
      apiVersion: z.literal('grove.io/v1alpha1').default('grove.io/v1alpha1'),
      kind: z.literal('PodCliqueSet').default('PodCliqueSet'),
      name: dnsName,
    }),
    actuation: z.enum(['scale', 'advisory']).default(SCALING_POLICY_DEFAULTS.actuation),
    /** Decision period; the shell calls decide() this often. */
    intervalSeconds: z.int().min(1).max(3600).default(SCALING_POLICY_DEFAULTS.intervalSeconds),
    roles: z.array(role).min(1),
    set: z
      .strictObject({
        minReplicas: z.int().min(0).default(SCALING_POLICY_DEFAULTS.setMinReplicas),
        /** Unset means minReplicas: the set never grows on its own. */
        maxReplicas: z.int().min(0).optional(),
        /** When the PodCliqueSet's own replicas change (roles are sized per set replica). */
        scaleWhen: z.enum(['Never', 'AnyRoleAtMaximum', 'AllRolesAtMaximum']).default(SCALING_POLICY_DEFAULTS.setScaleWhen),
      })
      .default({ minReplicas: SCALING_POLICY_DEFAULTS.setMinReplicas, scaleWhen: SCALING_POLICY_DEFAULTS.setScaleWhen }),
    /** Band for prefill replicas / decode replicas, checked on set-wide totals at every decision. */
    ratio: z.strictObject({ prefillRole: dnsName, decodeRole: dnsName, min: gtZero(), max: gtZero() }).optional(),
    /** Behavior for slo roles (hpa roles take their own or this one). */
    behavior: behaviorSchema.optional(),
    gpuBudget: z.strictObject({ maxGpus: z.number().min(0) }).optional(),
    prediction: z
      .strictObject({
        predictor: z.enum(['constant', 'linear', 'holt']).default(SCALING_POLICY_DEFAULTS.predictor),
        /** How long the decided replicas must carry the load after they are ready. */
        horizonSeconds: z.number().min(0).default(SCALING_POLICY_DEFAULTS.horizonSeconds),
        /** Time from ordering a replica to it serving; demand is forecast this much earlier. */
        startupSeconds: z.number().min(0).default(SCALING_POLICY_DEFAULTS.startupSeconds),
        /** How much demand history the predictors and the online fit keep. */
        historySeconds: gtZero().default(SCALING_POLICY_DEFAULTS.historySeconds),
        alpha: gtZero(1).default(SCALING_POLICY_DEFAULTS.holtAlpha),
        beta: gtZero(1).default(SCALING_POLICY_DEFAULTS.holtBeta),
      })
      .default({
        predictor: SCALING_POLICY_DEFAULTS.predictor,
        horizonSeconds: SCALING_POLICY_DEFAULTS.horizonSeconds,
        startupSeconds: SCALING_POLICY_DEFAULTS.startupSeconds,
        historySeconds: SCALING_POLICY_DEFAULTS.historySeconds,
        alpha: SCALING_POLICY_DEFAULTS.holtAlpha,
        beta: SCALING_POLICY_DEFAULTS.holtBeta,
      }),
    scaleIn: z
      .strictObject({
        /** Scale in only if the load spread over fewer replicas stays under this fraction of capacity and SLO. */
        headroom: gtZero(1).default(SCALING_POLICY_DEFAULTS.scaleInHeadroom),
        /** Observations needed before an online latency fit is trusted. */
        minObservations: z.int().min(2).default(SCALING_POLICY_DEFAULTS.minObservations),
      })
      .default({ headroom: SCALING_POLICY_DEFAULTS.scaleInHeadroom, minObservations: SCALING_POLICY_DEFAULTS.minObservations }),
  })
  .superRefine((s, ctx) => {
    const names = new Map<string, number>();
    const targets = new Map<string, number>();
    s.roles.forEach((r, i) => {
      const seen = names.get(r.name);
      if (seen !== undefined) ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `duplicate role name "${r.name}" (also roles[${seen}])` });
      names.set(r.name, i);
      const key = r.target.podClique !== undefined ? `pclq/${r.target.podClique}` : `pcsg/${r.target.podCliqueScalingGroup ?? ''}`;
      const other = targets.get(key);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['roles', i, 'target'], message: `roles[${other}] already scales this target: one writer per target` });
      targets.set(key, i);
    });
    if (s.set.maxReplicas !== undefined && s.set.maxReplicas < s.set.minReplicas) {
      ctx.addIssue({ code: 'custom', path: ['set', 'maxReplicas'], message: `set.maxReplicas ${s.set.maxReplicas} is below set.minReplicas ${s.set.minReplicas}` });
    }
    if (s.ratio !== undefined) {
      const r = s.ratio;
      if (r.min > r.max) ctx.addIssue({ code: 'custom', path: ['ratio', 'min'], message: `ratio.min ${r.min} is above ratio.max ${r.max}` });
      if (r.prefillRole === r.decodeRole) ctx.addIssue({ code: 'custom', path: ['ratio', 'decodeRole'], message: 'prefillRole and decodeRole must differ' });
      for (const key of ['prefillRole', 'decodeRole'] as const) {
        if (!names.has(r[key])) ctx.addIssue({ code: 'custom', path: ['ratio', key], message: `no role named "${r[key]}"` });
      }
    }
  });

// --- status ------------------------------------------------------------------------------------------------
// The scaler's stabilization memory is persisted here, typed, so a restarted or newly elected scaler keeps
// honouring the windows and rate policies (the HPA controller keeps the same lists in process only).

/** One stabilization recommendation: the replicas a decision asked for, and when. */
const historyRecommendationSchema = z.strictObject({ replicas: z.int().min(0), time: Time });

/** One scale that was written: replicas added (scaleUpEvents) or removed (scaleDownEvents). */
const historyScaleEventSchema = z.strictObject({
  replicaChange: z.int().min(1),
  time: Time,
  /**
   * Set once the event was older than the direction's longest policy period when a later event was stored;
   * it never clears, and the next event takes the place of the last outdated one (as the HPA does).
   */
  outdated: z.boolean().optional(),
});

const scalingHistoryFields = {
  recommendations: z.array(historyRecommendationSchema).optional(),
  scaleUpEvents: z.array(historyScaleEventSchema).optional(),
  scaleDownEvents: z.array(historyScaleEventSchema).optional(),
};

/** Stabilization recommendations and scale events of an slo role (lists left out when empty). */
export const scalingHistoryStatusSchema = z.strictObject(scalingHistoryFields);

/** The history of the HPA an hpa role runs for one target object (one per PodCliqueSet replica). */
export const hpaObjectStatusSchema = z.strictObject({
  /** The PodClique or PodCliqueScalingGroup, e.g. svc-0-decode. */
  name: z.string(),
  pcsReplicaIndex: z.int().min(0),
  ...scalingHistoryFields,
});

export const scalingPolicyRoleStatusSchema = z.strictObject({
  name: z.string(),
  target: z.strictObject({ kind: z.enum(['PodClique', 'PodCliqueScalingGroup']), name: z.string() }),
  current: z.int(),
  desired: z.int(),
  reason: z.string(),
  inputs: z.record(z.string(), z.number()),
  lastScaleTime: Time.optional(),
  history: scalingHistoryStatusSchema.optional(),
  /** hpa roles: one entry per target object, every object of the role listed (empty histories too). */
  objects: z.array(hpaObjectStatusSchema).optional(),
});

export const scalingPolicyStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  lastDecisionTime: z.string().optional(),
  set: z.strictObject({ current: z.int(), desired: z.int(), reason: z.string(), lastScaleTime: Time.optional() }).optional(),
  roles: z.array(scalingPolicyRoleStatusSchema).optional(),
  /**
   * Deprecated, never written: the untyped history of the previous version ({role: "<role>[i]/up", ...}).
   * Still read for one release so an upgraded scaler keeps the old scaler's memory; remove it after that.
   */
  recommendations: z.array(z.strictObject({ role: z.string(), replicas: z.int(), time: z.string() })).optional(),
  conditions: z.array(ConditionSchema).optional(),
});

export const scalingPolicySchema = z.strictObject({
  apiVersion: z.literal(SCALING_POLICY_API_VERSION),
  kind: z.literal(SCALING_POLICY_KIND),
  // A policy file needs a name; everything else in ObjectMeta is as Kubernetes has it.
  metadata: ObjectMetaSchema.extend({ name: dnsName }),
  spec: scalingPolicySpecSchema,
  status: scalingPolicyStatusSchema.optional(),
});

/** A policy as written (defaults not applied). */
export type ScalingPolicyInput = z.input<typeof scalingPolicySchema>;
/** A policy after parsing: every documented default filled in. */
export type ScalingPolicy = z.output<typeof scalingPolicySchema>;
export type ScalingPolicySpec = ScalingPolicy['spec'];
export type ScalingPolicyRole = ScalingPolicySpec['roles'][number];
export type ScalingPolicyStatus = z.output<typeof scalingPolicyStatusSchema>;
export type ScalingPolicyRoleStatus = z.output<typeof scalingPolicyRoleStatusSchema>;
export type ScalingHistoryStatus = z.output<typeof scalingHistoryStatusSchema>;
export type HpaObjectStatus = z.output<typeof hpaObjectStatusSchema>;
export type RoleProfile = NonNullable<ScalingPolicyRole['profile']>;
export type HpaBehavior = z.output<typeof behaviorSchema>;
export type PolicyMetricSpec = z.output<typeof policyMetricSpecSchema>;

/** The metric a Pods, Object or External metric names; undefined for Resource metrics. */
export function policyMetricName(m: PolicyMetricSpec): string | undefined {
  return m.pods?.metric.name ?? m.object?.metric.name ?? m.external?.metric.name;
}
export type RoleSignal = (typeof ROLE_SIGNALS)[number];
export type PercentileTarget = z.output<typeof percentileTarget>;

export interface ScalingPolicyIssue {
  /** Field path inside the document, e.g. ['spec', 'roles', 0, 'maxReplicas']. */
  path: readonly (string | number)[];
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ScalingPolicyIssue[] };

/** Validates one document and applies the defaults. */
export function parseScalingPolicy(doc: unknown): ParseResult<ScalingPolicy> {
  const r = scalingPolicySchema.safeParse(doc);
  if (r.success) return { ok: true, value: r.data };
  const issues: ScalingPolicyIssue[] = [];
  for (const i of r.error.issues) {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    // One finding per misspelled key, located at the key itself.
    if (i.code === 'unrecognized_keys') for (const key of i.keys) issues.push({ path: [...path, key], message: `unknown field "${key}"` });
    else issues.push({ path, message: i.message });
  }
  return { ok: false, issues };
}

/** Renders a field path the way Kubernetes does: spec.roles[0].maxReplicas. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** Which phase an SLO role serves follows from its targets: TTFT only → prefill, ITL only → decode, both → aggregated. */
export type RolePhase = 'prefill' | 'decode' | 'aggregated';

export function rolePhase(r: Pick<ScalingPolicyRole, 'slo'>): RolePhase {
  const ttft = r.slo?.ttft !== undefined;
  const itl = r.slo?.itl !== undefined;
  return ttft && itl ? 'aggregated' : ttft ? 'prefill' : 'decode';
}

const PHASE_SIGNALS: Record<RolePhase, readonly RoleSignal[]> = {
  prefill: ['ttft', 'requestRate', 'promptTokens', 'queue'],
  decode: ['itl', 'requestRate', 'generationTokens', 'kvCacheUsage'],
  aggregated: ROLE_SIGNALS,
};

// Parsed policies are plain immutable data; the set is remembered per role object (it is asked for every decision).
const signalCache = new WeakMap<object, ReadonlySet<RoleSignal>>();

export function roleSignals(r: Pick<ScalingPolicyRole, 'slo' | 'signals'>): ReadonlySet<RoleSignal> {
  let set = signalCache.get(r);
  if (set === undefined) {
    set = new Set(r.signals ?? PHASE_SIGNALS[rolePhase(r)]);
    signalCache.set(r, set);
  }
  return set;
}

export function roleTargetKind(r: Pick<ScalingPolicyRole, 'target'>): 'PodClique' | 'PodCliqueScalingGroup' {
  return r.target.podClique !== undefined ? 'PodClique' : 'PodCliqueScalingGroup';
}

export function roleTargetName(r: Pick<ScalingPolicyRole, 'target'>): string {
  return r.target.podClique ?? r.target.podCliqueScalingGroup ?? '';
}
