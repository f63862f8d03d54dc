/**
 * The function's and the failure queue's alarms all work alike: one five-minute period past the
 * threshold fires, a period without data (no invocation, an empty queue) is no breach, so an idle
 * publisher stays quiet. The construct sends each alarm and its end to the alarm topic. The
 * scheduled reconcile's two alarms watch days, not minutes, and are built beside their metrics
 * (dashboard.ts, observeReconcile).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/** Short enough to notify within minutes of a problem. */
const ALARM_PERIOD = Duration.minutes(5);

interface PeriodAlarmProps {
  /** What it means and what to do, as the operator reads it in the notification. */
  readonly description: string;
  /** Its period is the alarm's, ALARM_PERIOD. */
  readonly metric: Metric;
  /** @default 1: one error, throttle or waiting message is already one too many */
  readonly threshold?: number;
  /** @default reaching the threshold */
  readonly comparison?: ComparisonOperator;
}

export function periodAlarm(scope: Construct, id: string, props: PeriodAlarmProps): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric.with({ period: ALARM_PERIOD }),
    threshold: props.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: props.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
