/**
 * Deploy-time choices read from CDK context (`npx cdk deploy -c alarmEmail=desk@example.org`),
 * so that nobody has to edit code to deploy a second, throwaway or differently sized stack.
 * Every problem is reported at once, naming the context key and what was expected.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { PublisherLogLevel } from './fact-sheet-publisher';
import { DEFAULT_STACK_NAME } from './outputs';
import type { PublisherStackProps } from './publisher-stack';

export interface DeployChoices {
  readonly stackName: string;
  readonly stackProps: PublisherStackProps;
}

/** The context keys, as documented in docs/deploy.md. */
type ContextKey =
  | 'stackName'
  | 'bucketNamePrefix'
  | 'removalPolicy'
  | 'alarmEmail'
  | 'kmsKeyArn'
  | 'memorySize'
  | 'timeoutSeconds'
  | 'reservedConcurrency'
  | 'logLevel'
  | 'reconcileSchedule';

const LOG_LEVELS: readonly PublisherLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const REMOVAL_POLICIES = { retain: RemovalPolicy.RETAIN, destroy: RemovalPolicy.DESTROY } as const;

export class DeployContextError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid deploy context (-c key=value or cdk.json "context"):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DeployContextError';
    this.problems = problems;
  }
}

export function readDeployChoices(readContext: (key: ContextKey) => unknown): DeployChoices {
  const problems: string[] = [];
  const text = (key: ContextKey): string | undefined => {
    const value = readContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    // A number stays as written; a mapping or list from cdk.json is shown as written, not as "[object Object]".
    return (typeof value === 'string' ? value : JSON.stringify(value)).trim();
  };
  const oneOf = <T>(key: ContextKey, choices: Readonly<Record<string, T>>): T | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const choice = choices[value.toLowerCase()];
    if (choice === undefined) problems.push(`${key} "${value}": expected one of ${Object.keys(choices).join(', ')}`);
    return choice;
  };
  const wholeNumber = (key: ContextKey, min: number, max: number): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      problems.push(`${key} "${value}": expected a whole number from ${min} to ${max}`);
      return undefined;
    }
    return number;
  };

  const stackName = text('stackName') ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    problems.push(`stackName "${stackName}": expected a letter then letters, digits or hyphens (CloudFormation's rule)`);
  }
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problems.push(`alarmEmail "${alarmEmail}": expected an e-mail address`);
  }
  const kmsKeyArn = text('kmsKeyArn');
  if (kmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.test(kmsKeyArn)) {
    problems.push(`kmsKeyArn "${kmsKeyArn}": expected a key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<id> (not an alias)`);
  }
  const logLevel = text('logLevel')?.toUpperCase();
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as PublisherLogLevel)) {
    problems.push(`logLevel "${logLevel}": expected one of ${LOG_LEVELS.join(', ')}`);
  }
  // Lambda's own limits.
  const memorySize = wholeNumber('memorySize', 128, 10_240);
  const timeoutSeconds = wholeNumber('timeoutSeconds', 1, 900);
  const reservedConcurrency = wholeNumber('reservedConcurrency', 1, 10_000);
  const removalPolicy = oneOf('removalPolicy', REMOVAL_POLICIES);
  const bucketNamePrefix = text('bucketNamePrefix');
  const scheduleText = text('reconcileSchedule');
  let reconcileSchedule: ScheduleExpression | false | undefined;
  if (scheduleText === undefined) reconcileSchedule = undefined;
  else if (scheduleText.toLowerCase() === 'off') reconcileSchedule = false;
  else if (/^(rate|cron)\(.+\)$/.test(scheduleText)) reconcileSchedule = ScheduleExpression.expression(scheduleText);
  else problems.push(`reconcileSchedule "${scheduleText}": expected off, rate(…) or cron(…) as EventBridge Scheduler writes them`);

  if (problems.length > 0) throw new DeployContextError(problems);
  return {
    stackName,
    stackProps: {
      encryptionKeyArn: kmsKeyArn,
      publisher: {
        bucketNamePrefix,
        removalPolicy,
        alarmEmail,
        memorySize,
        timeout: timeoutSeconds === undefined ? undefined : Duration.seconds(timeoutSeconds),
        reservedConcurrency,
        logLevel: logLevel as PublisherLogLevel | undefined,
        reconcileSchedule,
      },
    },
  };
}
