import { trace, type Tracer } from '@opentelemetry/api';

/** Spans go through the global API; they are no-ops until startTracing() installs an SDK. */
export function tracer(): Tracer {
  return trace.getTracer('canopy', '0.1.0');
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry NodeSDK only when the standard OTEL_* variables ask for an exporter, so a plain run
 * pays nothing. Exporter, endpoint and resource come from those variables.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<TracingHandle | undefined> {
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && env.OTEL_TRACES_EXPORTER === undefined) return undefined;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? 'canopy' });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
