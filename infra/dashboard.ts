/**
 * What an operator watches: one CloudWatch dashboard with the publisher's own numbers (EMF,
 * lambdas/publisher/metrics.ts) beside the function's and the failure queue's, and the alarms
 * that say "look now" (docs/operations.md explains each graph and alarm).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  HorizontalAnnotation,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
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

/**
 * Uploads a reconcile found unanswered in a day, beyond which events are being lost upstream (a
 * notification configuration changed, the function refusing them) rather than the odd upload
 * still on its way while the reconcile ran: it republished them, but the cause needs fixing.
 */
const LOST_UPLOADS_PER_DAY = 10;
/** Left to a run between its schedule and its last step, before "no reconcile finished" counts. */
const RECONCILE_SLACK_HOURS = 1;
/** CloudWatch evaluates an alarm with one-hour periods over at most 7 days. */
const MAX_EVALUATION_HOURS = 7 * 24;

interface ReconcileObservability {
  /** Absent when the schedule's interval is not known (a cron that skips days, a one-off `at`). */
  readonly notFinishedAlarm?: Alarm;
  readonly lostUploadsAlarm: Alarm;
}

/**
 * The scheduled reconcile's own numbers (one EMF line per step, lambdas/publisher/metrics.ts) on
 * the dashboard, and its two alarms: no run finished within the schedule's interval, and a run
 * that found many uploads nothing had answered.
 */
export function observeReconcile(scope: Construct, fn: IFunction, dashboard: Dashboard, schedule: ScheduleExpression): ReconcileObservability {
  const dimensionsMap = { service: PUBLISHER_SERVICE_NAME, [FUNCTION_NAME_DIMENSION]: fn.functionName };
  const sum = (metricName: string, period: Duration, label?: string) =>
    new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap, statistic: 'Sum', period, label });
  // A run is a few minutes a day: hourly sums show each run as one point.
  const hourly = (metricName: string, label: string) => sum(metricName, Duration.hours(1), label);

  const lostUploadsAlarm = new Alarm(scope, 'ReconcileFoundLostUploads', {
    alarmDescription: `The reconcile found ${LOST_UPLOADS_PER_DAY} or more uploads in a day that nothing had answered: their S3 events were lost (the bucket notification, the function refusing events, the failure queue expired). They were published again; find the cause (reconciled log lines list them as unansweredKeys).`,
    metric: sum(METRIC_NAMES.reconcileUnanswered, Duration.days(1)),
    threshold: LOST_UPLOADS_PER_DAY,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

  const hours = reconcileIntervalHours(schedule);
  const window = hours === undefined ? undefined : hours + RECONCILE_SLACK_HOURS;
  const notFinishedAlarm =
    window === undefined || window > MAX_EVALUATION_HOURS
      ? undefined
      : new Alarm(scope, 'ReconcileNotFinished', {
          alarmDescription: `No scheduled reconcile finished in ${window} h: the schedule did not invoke the function, or a run stopped part-way (FunctionErrors, the failure queue, reconcile could not check log lines). Until one finishes, lost uploads stay unpublished.`,
          metric: sum(METRIC_NAMES.reconcileFinished, Duration.hours(1)),
          threshold: 1,
          evaluationPeriods: window,
          datapointsToAlarm: window,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          // No step at all is the failure this alarm is for.
          treatMissingData: TreatMissingData.BREACHING,
        });

  dashboard.addWidgets(
    new GraphWidget({
      title: 'Reconcile: what it found (per hour)',
      left: [
        hourly(METRIC_NAMES.reconcileRepublished, 'republished'),
        hourly(METRIC_NAMES.reconcileUnanswered, 'of which unanswered (event lost)'),
        hourly(METRIC_NAMES.reconcileRemoved, 'orphans removed'),
        hourly(METRIC_NAMES.reconcileRelinked, 'picture-index entries repaired'),
        hourly(METRIC_NAMES.reconcileFailed, 'could not check'),
      ],
      right: [hourly(METRIC_NAMES.reconcileChecked, 'documents checked')],
      leftAnnotations: [{ value: LOST_UPLOADS_PER_DAY, label: 'lost uploads alarm (per day)' }],
      width: 16,
    }),
    new GraphWidget({
      title: 'Reconcile runs (per hour)',
      left: [hourly(METRIC_NAMES.reconcileFinished, 'finished'), hourly(METRIC_NAMES.reconcileStoppedAtDeadline, 'steps stopped at their deadline')],
      width: 8,
    }),
  );
  return { notFinishedAlarm, lostUploadsAlarm };
}

/**
 * Hours between two runs of `schedule`, where the expression says: a rate, or a cron that runs
 * every day (any day of month, month, weekday and year) at one or more hours.
 */
function reconcileIntervalHours(schedule: ScheduleExpression): number | undefined {
  const expression = schedule.expressionString;
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate !== null) {
    const hoursPerUnit = { minute: 1 / 60, hour: 1, day: 24 }[(rate[2] ?? '').replace(/s$/, '') as 'minute' | 'hour' | 'day'];
    return Math.ceil(Number(rate[1]) * hoursPerUnit);
  }
  return /^cron\(\S+ \S+ [*?] \* [*?] \*\)$/.test(expression) ? 24 : undefined;
}
