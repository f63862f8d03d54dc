/**
 * The numbers an operator watches, written as CloudWatch embedded metric format (EMF): one JSON
 * line per invocation in the function's own log, from which CloudWatch extracts the metrics. No
 * API call, no extra permission, nothing to wait for at the end of an invocation.
 *
 * Loaded at init with the rest of the handler rather than lazily: every invocation records
 * metrics, so deferring the import would only move its cost into the first request (measured in
 * docs/operations.md).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FUNCTION_NAME_DIMENSION, METRIC_NAMES, METRICS_NAMESPACE, PUBLISHER_SERVICE_NAME } from './metric-names';
import type { RecordOutcome } from './publisher';
import type { ReconcileStepResult } from './scheduled-reconcile';

type Unit = (typeof MetricUnit)['Count' | 'Milliseconds' | 'Bytes'];

interface MetricPoint {
  readonly name: (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
  readonly unit: Unit;
  readonly value: number;
}

/** What one record's outcome adds to the invocation's metrics. */
function metricsOf(outcome: RecordOutcome): MetricPoint[] {
  switch (outcome.status) {
    case 'published':
      return [
        { name: METRIC_NAMES.published, unit: MetricUnit.Count, value: 1 },
        ...(outcome.warnings.length > 0 ? [{ name: METRIC_NAMES.publishedWithWarnings, unit: MetricUnit.Count, value: 1 }] : []),
        { name: METRIC_NAMES.renderTime, unit: MetricUnit.Milliseconds, value: Math.round(outcome.renderMs) },
        { name: METRIC_NAMES.pages, unit: MetricUnit.Count, value: outcome.pages },
        { name: METRIC_NAMES.pdfBytes, unit: MetricUnit.Bytes, value: outcome.bytes },
      ];
    case 'rejected':
      return [{ name: METRIC_NAMES.rejected, unit: MetricUnit.Count, value: 1 }];
    case 'failed':
      return [{ name: METRIC_NAMES.failed, unit: MetricUnit.Count, value: 1 }];
    // Each document a picture change answers again has its own outcome, counted there.
    case 'unpublished':
    case 'followed':
    case 'skipped':
    case 'ignored':
      return [];
    default: {
      const unhandled: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * What one step of the scheduled reconcile counts. Zeros are written too: a graph of a run that
 * found nothing shows 0, not a gap, and a run's last step is the one that says it finished.
 */
function reconcileMetricsOf(step: ReconcileStepResult): MetricPoint[] {
  const count = (name: MetricPoint['name'], value: number): MetricPoint => ({ name, unit: MetricUnit.Count, value });
  return [
    count(METRIC_NAMES.reconcileChecked, step.republished + step.upToDate),
    count(METRIC_NAMES.reconcileRepublished, step.republished),
    count(METRIC_NAMES.reconcileUnanswered, step.unanswered),
    count(METRIC_NAMES.reconcileRemoved, step.removed),
    count(METRIC_NAMES.reconcileRelinked, step.relinked),
    count(METRIC_NAMES.reconcileFailed, step.failed.length),
    count(METRIC_NAMES.reconcileStoppedAtDeadline, step.stoppedAtDeadline ? 1 : 0),
    count(METRIC_NAMES.reconcileFinished, step.continueFrom === undefined ? 1 : 0),
  ];
}

export interface PublisherMetrics {
  /** Adds what `outcome` counts to the invocation's metrics. */
  record(this: void, outcome: RecordOutcome): void;
  /** Adds what a step of the scheduled reconcile counts. */
  reconciled(this: void, step: ReconcileStepResult): void;
  /** Writes the invocation's metrics (and, on the container's first invocation, ColdStart). */
  flush(this: void): void;
}

export function createMetrics(functionName: string | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME): PublisherMetrics {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? PUBLISHER_SERVICE_NAME,
    defaultDimensions: functionName === undefined ? {} : { [FUNCTION_NAME_DIMENSION]: functionName },
  });
  return {
    record(outcome) {
      for (const point of metricsOf(outcome)) metrics.addMetric(point.name, point.unit, point.value);
    },
    reconciled(step) {
      for (const point of reconcileMetricsOf(step)) metrics.addMetric(point.name, point.unit, point.value);
    },
    flush() {
      // Its function_name dimension is already a default one.
      metrics.captureColdStartMetric();
      // An invocation of duplicates only has nothing to count; Powertools then writes nothing.
      metrics.publishStoredMetrics();
    },
  };
}
