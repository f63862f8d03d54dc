/**
 * What an operator watches: one CloudWatch dashboard with the publisher's own numbers (EMF,
 * lambdas/publisher/metrics.ts) beside the function's and the failure queue's, and the alarms
 * that say "look now" (docs/operations.md explains each graph and alarm).
 */
import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  HorizontalAnnotation,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_NAME_DIMENSION, METRIC_NAMES, METRICS_NAMESPACE, PUBLISHER_SERVICE_NAME } from '../lambdas/publisher/metric-names';
import { periodAlarm } from './alarms';

/** A render that takes this share of the timeout is a warning: the next, larger one may not finish. */
const NEAR_TIMEOUT_SHARE = 0.8;
const PERIOD = Duration.minutes(5);

interface Observability {
  readonly dashboard: Dashboard;
  readonly throttlesAlarm: Alarm;
  readonly nearTimeoutAlarm: Alarm;
}

export function observe(scope: Construct, fn: IFunction, failureQueue: IQueue, timeout: Duration): Observability {
  const dimensionsMap = { service: PUBLISHER_SERVICE_NAME, [FUNCTION_NAME_DIMENSION]: fn.functionName };
  const own = (metricName: string, statistic: string, label: string) =>
    new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap, statistic, period: PERIOD, label });
  const timeoutMs = timeout.toMilliseconds();

  const throttlesAlarm = periodAlarm(scope, 'FunctionThrottles', {
    description:
      'Lambda refused invocations for lack of concurrency (reserved concurrency or the account limit). S3 events are retried for up to 6 hours, then go to the failure queue: raise the limit or the reservation.',
    metric: fn.metricThrottles({ statistic: 'Sum' }),
  });
  const nearTimeoutAlarm = periodAlarm(scope, 'DurationNearTimeout', {
    description: `An invocation took more than ${NEAR_TIMEOUT_SHARE * 100} % of the ${timeout.toSeconds()} s timeout: a slightly larger document would time out. Look for the document in the logs (ms per record); raise memory (CPU) or the timeout.`,
    // The longest, not a percentile: one document near the limit is the warning, however rare.
    metric: fn.metricDuration({ statistic: 'Maximum' }),
    threshold: timeoutMs * NEAR_TIMEOUT_SHARE,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  });

  const dashboard = new Dashboard(scope, 'Dashboard', { defaultInterval: Duration.days(1) });
  dashboard.addWidgets(
    new TextWidget({
      markdown:
        '**Fact sheet publisher.** Rejected documents are the uploaders\' (errors/ reports), failed ones ours: they are retried, then wait in the failure queue (`npm run publish -- --redrive`).',
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Documents',
      left: [
        own(METRIC_NAMES.published, 'Sum', 'published'),
        own(METRIC_NAMES.publishedWithWarnings, 'Sum', 'published with warnings'),
        own(METRIC_NAMES.rejected, 'Sum', 'rejected (error report)'),
        own(METRIC_NAMES.failed, 'Sum', 'failed (retried)'),
      ],
      width: 12,
    }),
    new GraphWidget({
      title: 'Render time (ms)',
      left: [own(METRIC_NAMES.renderTime, 'p50', 'p50'), own(METRIC_NAMES.renderTime, 'p99', 'p99'), own(METRIC_NAMES.renderTime, 'Maximum', 'max')],
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Pages per fact sheet',
      left: [own(METRIC_NAMES.pages, 'Average', 'average'), own(METRIC_NAMES.pages, 'Maximum', 'max')],
      width: 8,
    }),
    new GraphWidget({
      title: 'PDF bytes',
      left: [own(METRIC_NAMES.pdfBytes, 'Average', 'average'), own(METRIC_NAMES.pdfBytes, 'Maximum', 'max')],
      width: 8,
    }),
    new GraphWidget({
      title: 'Cold starts',
      left: [own(METRIC_NAMES.coldStart, 'Sum', 'cold starts')],
      width: 8,
    }),
  );
  const nearTimeout: HorizontalAnnotation = { value: timeoutMs * NEAR_TIMEOUT_SHARE, label: 'alarm' };
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Function duration (ms)',
      left: [
        fn.metricDuration({ period: PERIOD, statistic: 'p50', label: 'p50' }),
        fn.metricDuration({ period: PERIOD, statistic: 'p99', label: 'p99' }),
        fn.metricDuration({ period: PERIOD, statistic: 'Maximum', label: 'max' }),
      ],
      leftAnnotations: [nearTimeout, { value: timeoutMs, label: 'timeout' }],
      width: 8,
    }),
    new GraphWidget({
      title: 'Function errors and throttles',
      left: [
        fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'errors' }),
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'throttles' }),
        fn.metricInvocations({ period: PERIOD, statistic: 'Sum', label: 'invocations' }),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Failure queue',
      left: [failureQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'messages waiting' })],
      width: 8,
    }),
  );
  return { dashboard, throttlesAlarm, nearTimeoutAlarm };
}
