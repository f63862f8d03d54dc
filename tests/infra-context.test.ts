import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { DeployContextError, readDeployChoices } from '../infra/context';

/** A CDK context as `-c key=value` gives it: every value a string. */
const contextOf = (values: Record<string, string>) => (key: string) => values[key];

describe('deploy context', () => {
  it('deploys the default stack when nothing is given', () => {
    // Prepare: no -c at all. Act
    const choices = readDeployChoices(contextOf({}));

    // Assert
    expect(choices.stackName).toBe('FactSheetPublisher');
    expect(choices.stackProps.encryptionKeyArn).toBeUndefined();
    expect(Object.values(choices.stackProps.publisher ?? {}).filter((value) => value !== undefined)).toEqual([]);
  });

  it('turns -c strings into typed publisher props', () => {
    const keyArn = 'arn:aws:kms:eu-west-3:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab';

    const choices = readDeployChoices(
      contextOf({
        stackName: 'FactSheetPublisherDev',
        bucketNamePrefix: 'newsroom-dev',
        removalPolicy: 'Destroy',
        alarmEmail: 'desk@example.org',
        kmsKeyArn: keyArn,
        memorySize: '1536',
        timeoutSeconds: '45',
        reservedConcurrency: '20',
        logLevel: 'debug',
        reconcileSchedule: 'rate(12 hours)',
      }),
    );

    expect(choices.stackName).toBe('FactSheetPublisherDev');
    expect(choices.stackProps.encryptionKeyArn).toBe(keyArn);
    expect(choices.stackProps.publisher).toEqual({
      bucketNamePrefix: 'newsroom-dev',
      removalPolicy: RemovalPolicy.DESTROY,
      alarmEmail: 'desk@example.org',
      memorySize: 1536,
      timeout: Duration.seconds(45),
      reservedConcurrency: 20,
      logLevel: 'DEBUG',
      reconcileSchedule: ScheduleExpression.expression('rate(12 hours)'),
    });
    expect(readDeployChoices(contextOf({ reconcileSchedule: 'OFF' })).stackProps.publisher?.reconcileSchedule).toBe(false);
  });

  it('reports every bad value together, naming the key and what was expected', () => {
    let caught: unknown;
    try {
      readDeployChoices(
        contextOf({
          stackName: '1st stack',
          removalPolicy: 'snapshot',
          alarmEmail: 'desk',
          kmsKeyArn: 'alias/newsroom',
          memorySize: '64',
          timeoutSeconds: '2.5',
          reservedConcurrency: 'lots',
          logLevel: 'verbose',
          reconcileSchedule: 'daily',
        }),
      );
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(DeployContextError);
    expect((caught as DeployContextError).problems).toEqual([
      'stackName "1st stack": expected a letter then letters, digits or hyphens (CloudFormation\'s rule)',
      'alarmEmail "desk": expected an e-mail address',
      'kmsKeyArn "alias/newsroom": expected a key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<id> (not an alias)',
      'logLevel "VERBOSE": expected one of DEBUG, INFO, WARN, ERROR',
      'memorySize "64": expected a whole number from 128 to 10240',
      'timeoutSeconds "2.5": expected a whole number from 1 to 900',
      'reservedConcurrency "lots": expected a whole number from 1 to 10000',
      'removalPolicy "snapshot": expected one of retain, destroy',
      'reconcileSchedule "daily": expected off, rate(…) or cron(…) as EventBridge Scheduler writes them',
    ]);
  });
});
