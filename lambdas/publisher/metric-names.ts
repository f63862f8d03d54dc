/**
 * The names under which the function's metrics reach CloudWatch: written by metrics.ts, read by
 * the dashboard and alarms in infra/, so that a rename cannot leave a graph without data.
 */
export const METRICS_NAMESPACE = 'FactSheetPublisher';
/** The `service` dimension Powertools puts on every metric (POWERTOOLS_SERVICE_NAME). */
export const PUBLISHER_SERVICE_NAME = 'factsheet-publisher';
/** The second dimension, so that two deployments in one account and region keep their own numbers. */
export const FUNCTION_NAME_DIMENSION = 'function_name';

export const METRIC_NAMES = {
  published: 'Published',
  publishedWithWarnings: 'PublishedWithWarnings',
  rejected: 'Rejected',
  failed: 'Failed',
  renderTime: 'RenderTime',
  pages: 'Pages',
  pdfBytes: 'PdfBytes',
  /** Powertools' own name for it. */
  coldStart: 'ColdStart',
  // One set per step of the scheduled reconcile (docs/operations.md, "The daily reconcile").
  reconcileChecked: 'ReconcileChecked',
  reconcileRepublished: 'ReconcileRepublished',
  reconcileUnanswered: 'ReconcileUnanswered',
  reconcileRemoved: 'ReconcileRemoved',
  reconcileRelinked: 'ReconcileIndexRepaired',
  reconcileFailed: 'ReconcileFailed',
  reconcileStoppedAtDeadline: 'ReconcileStoppedAtDeadline',
  reconcileFinished: 'ReconcileFinished',
} as const;
