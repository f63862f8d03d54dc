import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEY_LAYOUT } from '../lambdas/publisher/keys';
import { publisherVersion } from '../infra/publisher-version';
import { PublisherStack } from '../infra/publisher-stack';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
// How cdk-nag and the helper below print the bucket name of a stack called "Test".
const BUCKET = 'test-<AWS::AccountId>-<AWS::Region>';
const BUCKET_ARN = `arn:<AWS::Partition>:s3:::${BUCKET}`;

/** The feature flags `cdk synth` runs with, and no asset bundling: tests/bundle.test.ts covers that. */
function testApp(): App {
  const { context } = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: object };
  return new App({ builtinCloudFormationValidation: false, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
}

/** CloudFormation intrinsics flattened into readable text: `{ Ref: X }` → `<X>`, joins joined. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  const intrinsic = value as Record<string, unknown>;
  if ('Ref' in intrinsic) return `<${String(intrinsic.Ref)}>`;
  if ('Fn::GetAtt' in intrinsic) return `<${(intrinsic['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Sid?: string;
}
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A resource as the template holds it, with the properties these tests read typed as written. */
interface Resource<P> {
  readonly Properties: P;
  readonly DeletionPolicy?: string;
}
interface PolicyProperties {
  readonly PolicyDocument: { readonly Statement: Statement[] };
}

function resourcesOf<P = Record<string, unknown>>(template: Template, type: string, props?: object): Resource<P>[] {
  return Object.values(template.findResources(type, props)) as Resource<P>[];
}

function logicalIdOf(template: Template, type: string, props?: object): string {
  const ids = Object.keys(template.findResources(type, props));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** The role the function runs as (the scheduler has its own). */
function functionRoleId(template: Template): string {
  return logicalIdOf(template, 'AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
  });
}

describe('PublisherStack', () => {
  let app: App;
  let nag: AwsSolutionsChecks;
  let template: Template;
  let variant: Template;
  let twiceADayTemplate: Template;
  let weeklyTemplate: Template;

  beforeAll(() => {
    app = testApp();
    const stack = new PublisherStack(app, 'Test');
    const variantStack = new PublisherStack(app, 'Variant', {
      encryptionKeyArn: KEY_ARN,
      publisher: {
        bucketNamePrefix: 'newsroom-dev',
        removalPolicy: RemovalPolicy.DESTROY,
        alarmEmail: 'desk@example.org',
        reservedConcurrency: 5,
        memorySize: 2048,
        logLevel: 'DEBUG',
        maxSourceBytes: 2_000_000,
        timeout: Duration.seconds(60),
        reconcileSchedule: false,
      },
    });
    const twiceADay = new PublisherStack(app, 'TwiceADay', { publisher: { reconcileSchedule: ScheduleExpression.rate(Duration.hours(12)) } });
    const weekly = new PublisherStack(app, 'Weekly', { publisher: { reconcileSchedule: ScheduleExpression.expression('cron(0 3 ? * MON *)') } });
    nag = new AwsSolutionsChecks(app, { verbose: true });
    Validations.of(app).addPlugins(nag);
    // One synthesis for the whole file; it fails on any unacknowledged cdk-nag finding.
    template = Template.fromStack(stack);
    variant = Template.fromStack(variantStack);
    twiceADayTemplate = Template.fromStack(twiceADay);
    weeklyTemplate = Template.fromStack(weekly);
  });

  describe('bucket', () => {
    it('blocks public access, enforces TLS, encrypts, versions and logs access', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: { 'Fn::Join': ['-', ['test', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^PublisherAccessLogs') } },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('^PublisherBucket') },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('expires noncurrent versions after 30 days by default', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })]),
        },
      });
    });

    it('keeps both buckets when the stack is deleted, unless told otherwise', () => {
      const buckets = resourcesOf(template, 'AWS::S3::Bucket');
      expect(buckets.map((bucket) => bucket.DeletionPolicy)).toEqual(['Retain', 'Retain']);
      expect(template.findResources('Custom::S3AutoDeleteObjects')).toEqual({});

      const disposable = resourcesOf(variant, 'AWS::S3::Bucket');
      expect(disposable.map((bucket) => bucket.DeletionPolicy)).toEqual(['Delete', 'Delete']);
      variant.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    });

    it('uses the given KMS key instead of S3-managed keys', () => {
      variant.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: { 'Fn::Join': ['-', ['newsroom-dev', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true },
          ],
        },
      });
      variant.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN }]),
        },
      });
    });

    it('refuses a bucket name prefix S3 would refuse, saying what is expected', () => {
      const build = () => new PublisherStack(testApp(), 'Bad', { publisher: { bucketNamePrefix: 'News_Room' } });
      expect(build).toThrow(/bucketNamePrefix "News_Room".*expected 1 to 33 lowercase letters, digits or inner hyphens/);
    });
  });

  describe('function', () => {
    it('runs the bundled handler on Node.js 22, arm64, with its own log group and configuration', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 1024,
        Timeout: 30,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^PublisherFunctionLogs') }, LogFormat: 'JSON' },
        Environment: {
          Variables: {
            BUCKET_NAME: { 'Fn::Join': ['-', ['test', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] },
            CONTENT_PREFIX: DEFAULT_KEY_LAYOUT.contentPrefix,
            FACTSHEETS_PREFIX: DEFAULT_KEY_LAYOUT.factsheetsPrefix,
            ERRORS_PREFIX: DEFAULT_KEY_LAYOUT.errorsPrefix,
            TEMPLATES_DIR: '/var/task/templates',
            FONTS_DIR: '/var/task/fonts',
            PUBLISHER_VERSION: publisherVersion(REPOSITORY_ROOT),
            LOG_LEVEL: 'INFO',
            POWERTOOLS_SERVICE_NAME: Match.anyValue(),
            RENDER_DEADLINE_MS: '15000',
          },
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });

    it('takes memory, concurrency, log level, size limit and timeout (the render deadline is half of it) from its props', () => {
      variant.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 2048,
        ReservedConcurrentExecutions: 5,
        LoggingConfig: { ApplicationLogLevel: 'DEBUG' },
        Timeout: 60,
        Environment: { Variables: Match.objectLike({ LOG_LEVEL: 'DEBUG', MAX_SOURCE_BYTES: '2000000', RENDER_DEADLINE_MS: '30000' }) },
      });
      const [defaultFunction] = resourcesOf<{ Environment: { Variables: Record<string, string> } }>(template, 'AWS::Lambda::Function');
      expect(defaultFunction?.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
      expect(defaultFunction?.Properties.Environment.Variables).not.toHaveProperty('MAX_SOURCE_BYTES');
    });
  });

  describe('trigger', () => {
    it('notifies the function of creations and removals under content/ only', () => {
      const functionId = logicalIdOf(template, 'AWS::Lambda::Function');
      const [bucket] = resourcesOf(template, 'AWS::S3::Bucket', { Properties: { VersioningConfiguration: {} } });
      const onContent = { S3Key: { Rules: [{ Name: 'prefix', Value: DEFAULT_KEY_LAYOUT.contentPrefix }] } };

      expect(bucket?.Properties.NotificationConfiguration).toEqual({
        LambdaConfigurations: [
          { Event: 's3:ObjectCreated:*', Filter: onContent, Function: { 'Fn::GetAtt': [functionId, 'Arn'] } },
          { Event: 's3:ObjectRemoved:*', Filter: onContent, Function: { 'Fn::GetAtt': [functionId, 'Arn'] } },
        ],
      });
      // Outputs can only re-trigger the function if their prefix lies under the filtered one.
      for (const output of [DEFAULT_KEY_LAYOUT.factsheetsPrefix, DEFAULT_KEY_LAYOUT.errorsPrefix]) {
        expect(output.startsWith(DEFAULT_KEY_LAYOUT.contentPrefix)).toBe(false);
      }
    });

    it('lets only this bucket in this account invoke the function, before the notification is set', () => {
      const permissions = template.findResources('AWS::Lambda::Permission');
      const sources = resourcesOf<{ SourceArn: unknown }>(template, 'AWS::Lambda::Permission').map((permission) => flatten(permission.Properties.SourceArn));
      expect(sources).toEqual([BUCKET_ARN]);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 's3.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        Action: 'lambda:InvokeFunction',
      });
      template.hasResource('AWS::S3::Bucket', { DependsOn: Object.keys(permissions) });
    });
  });

  describe('least privilege', () => {
    function functionStatements(): Statement[] {
      const roleId = functionRoleId(template);
      const policies = resourcesOf<PolicyProperties>(template, 'AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
      expect(template.findResources('AWS::IAM::Role')[roleId]?.Properties).not.toHaveProperty('ManagedPolicyArns');
      return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    }
    /** `action on resource` for every S3 permission of the function. */
    function s3Grants(): string[] {
      return functionStatements().flatMap((statement) =>
        asList(statement.Action)
          .filter((action) => action.startsWith('s3:'))
          .flatMap((action) => asList(statement.Resource).map((resource) => `${action} on ${flatten(resource)}`)),
      );
    }

    it('reads content/, writes and deletes factsheets/, errors/, reports/ and the picture index/, lists the bucket, and nothing more', () => {
      expect(s3Grants().sort()).toEqual(
        [
          `s3:GetObject on ${BUCKET_ARN}/content/*`,
          `s3:GetObjectVersion on ${BUCKET_ARN}/content/*`,
          `s3:GetObject on ${BUCKET_ARN}/factsheets/*`,
          `s3:PutObject on ${BUCKET_ARN}/factsheets/*`,
          `s3:DeleteObject on ${BUCKET_ARN}/factsheets/*`,
          `s3:GetObject on ${BUCKET_ARN}/errors/*`,
          `s3:PutObject on ${BUCKET_ARN}/errors/*`,
          `s3:DeleteObject on ${BUCKET_ARN}/errors/*`,
          `s3:GetObject on ${BUCKET_ARN}/reports/*`,
          `s3:PutObject on ${BUCKET_ARN}/reports/*`,
          `s3:DeleteObject on ${BUCKET_ARN}/reports/*`,
          `s3:GetObject on ${BUCKET_ARN}/index/*`,
          `s3:PutObject on ${BUCKET_ARN}/index/*`,
          `s3:DeleteObject on ${BUCKET_ARN}/index/*`,
          `s3:ListBucket on ${BUCKET_ARN}`,
        ].sort(),
      );
    });

    it('allows no wildcard action anywhere in the stack', () => {
      const policyTypes = ['AWS::IAM::Policy', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'];
      const allowed = policyTypes
        .flatMap((type) => resourcesOf<PolicyProperties>(template, type))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement) => statement.Effect === 'Allow');
      const actions = allowed.flatMap((statement) => asList(statement.Action));
      expect(actions).toContain('s3:PutObject');
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('writes its logs to its own log group only', () => {
      const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup');
      const logs = functionStatements().filter((statement) => asList(statement.Action).some((action) => action.startsWith('logs:')));
      expect(logs.map((statement) => flatten(statement.Resource))).toEqual([`<${logGroupId}.Arn>`]);
    });
  });

  describe('failures', () => {
    it('retries asynchronous events, bounds their age and sends the failed ones to an encrypted queue', () => {
      const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    it('raises an alarm on function errors and on any message in the failure queue, to an SNS topic', () => {
      const topic = { Ref: logicalIdOf(template, 'AWS::SNS::Topic') };
      const notifies = { AlarmActions: [topic], OKActions: [topic], Threshold: 1, TreatMissingData: 'notBreaching' };
      // With the two of the scheduled reconcile.
      template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...notifies,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(template, 'AWS::Lambda::Function') } }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...notifies,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue'), 'QueueName'] } }],
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        },
      });
    });

    it('e-mails the alarms only when an address is given', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      variant.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'desk@example.org' });
    });
  });

  describe('scheduled reconcile', () => {
    const functionArn = () => ({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function'), 'Arn'] });
    const schedulerRoleId = () =>
      logicalIdOf(template, 'AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
      });

    it('invokes the function with a reconcile event every day at 03:00 UTC, retrying twice within the hour', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: functionArn(),
          Input: JSON.stringify({ kind: 'reconcile' }),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          RoleArn: { 'Fn::GetAtt': [schedulerRoleId(), 'Arn'] },
        },
      });
    });

    it('lets the scheduler, from this account only, invoke this function and nothing else', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
            }),
          ],
        },
      });
      const [policy] = resourcesOf<PolicyProperties>(template, 'AWS::IAM::Policy', { Properties: { Roles: [{ Ref: schedulerRoleId() }] } });
      const grants = (policy?.Properties.PolicyDocument.Statement ?? []).flatMap((statement) =>
        asList(statement.Action).flatMap((action) => asList(statement.Resource).map((resource) => `${statement.Effect} ${action} on ${flatten(resource)}`)),
      );
      expect(grants).toEqual([`Allow lambda:InvokeFunction on <${logicalIdOf(template, 'AWS::Lambda::Function')}.Arn>`]);
    });

    it('lets the function invoke itself, for the documents it hands over and its next step', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: functionRoleId(template) }],
        PolicyDocument: { Statement: [{ Sid: 'InvokeItself', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn() }] },
      });
    });

    it('follows the schedule it is given', () => {
      twiceADayTemplate.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(12 hours)' });
    });

    it('schedules nothing and grants no invocation when turned off', () => {
      variant.resourceCountIs('AWS::Scheduler::Schedule', 0);
      const statements = resourcesOf<PolicyProperties>(variant, 'AWS::IAM::Policy').flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      expect(statements.flatMap((statement) => asList(statement.Action)).filter((action) => action.startsWith('lambda:'))).toEqual([]);
    });
  });

  describe('observability', () => {
    const functionRef = () => ({ Ref: logicalIdOf(template, 'AWS::Lambda::Function') });
    const toTopic = () => ({ AlarmActions: [{ Ref: logicalIdOf(template, 'AWS::SNS::Topic') }], OKActions: [{ Ref: logicalIdOf(template, 'AWS::SNS::Topic') }] });

    it('raises an alarm on any throttled invocation', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...toTopic(),
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'FunctionName', Value: functionRef() }],
      });
    });

    it('has every alarm tell the topic when it fires and ends, and those on the function and the queue fire on one quiet-when-idle five-minute period', () => {
      const alarms = resourcesOf<{ MetricName?: string }>(template, 'AWS::CloudWatch::Alarm');
      // The scheduled reconcile's alarms watch hours and days (their own tests below).
      const minuteScale = alarms.filter((alarm) => !alarm.Properties.MetricName?.startsWith('Reconcile'));

      expect(minuteScale).toHaveLength(4);
      for (const alarm of alarms) expect(alarm.Properties).toMatchObject(toTopic());
      for (const alarm of minuteScale) {
        expect(alarm.Properties).toMatchObject({ Period: 300, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      }
    });

    it('raises an alarm when the longest invocation passes 80 % of the timeout, whatever the timeout', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...toTopic(),
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Statistic: 'Maximum',
        Threshold: 24_000,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'FunctionName', Value: functionRef() }],
      });
      variant.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Statistic: 'Maximum', Threshold: 48_000 });
    });

    it('tells the function where its embedded metrics go', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'FactSheetPublisher', POWERTOOLS_SERVICE_NAME: 'factsheet-publisher' }) },
      });
    });

    it('draws every publisher metric, and the function’s duration, errors and throttles, on one dashboard', () => {
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
        DashboardBody: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"FactSheetPublisher","Published"')])] },
      });
      const [dashboard] = resourcesOf<{ DashboardBody: unknown }>(template, 'AWS::CloudWatch::Dashboard');
      const body = JSON.parse(flatten(dashboard?.Properties.DashboardBody)) as { widgets: { properties: { metrics?: unknown[][] } }[] };
      const rows = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).map((row) => row.filter((cell) => typeof cell === 'string').join(' '));
      const fn = `<${logicalIdOf(template, 'AWS::Lambda::Function')}>`;
      for (const name of ['Published', 'PublishedWithWarnings', 'Rejected', 'Failed', 'RenderTime', 'Pages', 'PdfBytes', 'ColdStart']) {
        expect(rows).toContain(`FactSheetPublisher ${name} function_name ${fn} service factsheet-publisher`);
      }
      for (const name of ['Duration', 'Errors', 'Throttles']) expect(rows).toContain(`AWS/Lambda ${name} FunctionName ${fn}`);
      expect(rows.some((row) => row.startsWith('AWS/SQS ApproximateNumberOfMessagesVisible'))).toBe(true);
    });

    /** The dashboard's widgets, with each metric row's strings joined and its options (period, stat, axis). */
    function widgetsOf(stack: Template): { title?: string; rows: { name: string; options: Record<string, unknown> }[] }[] {
      const [dashboard] = resourcesOf<{ DashboardBody: unknown }>(stack, 'AWS::CloudWatch::Dashboard');
      const body = JSON.parse(flatten(dashboard?.Properties.DashboardBody)) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
      return body.widgets.map((widget) => ({
        title: widget.properties.title,
        rows: (widget.properties.metrics ?? []).map((row) => ({
          name: row.filter((cell) => typeof cell === 'string').join(' '),
          options: (row.find((cell) => typeof cell === 'object') ?? {}) as Record<string, unknown>,
        })),
      }));
    }

    it('draws what each scheduled reconcile found and whether its runs finished, per hour', () => {
      const fn = `<${logicalIdOf(template, 'AWS::Lambda::Function')}>`;
      const row = (name: string) => `FactSheetPublisher ${name} function_name ${fn} service factsheet-publisher`;
      const widgets = widgetsOf(template);
      const found = widgets.find((widget) => widget.title === 'Reconcile: what it found (per hour)');
      expect(found?.rows.map((metric) => metric.name)).toEqual(
        ['ReconcileRepublished', 'ReconcileUnanswered', 'ReconcileRemoved', 'ReconcileIndexRepaired', 'ReconcileFailed', 'ReconcileChecked'].map(row),
      );
      expect(found?.rows.every((metric) => metric.options.period === 3600 && metric.options.stat === 'Sum')).toBe(true);
      expect(found?.rows.at(-1)?.options).toMatchObject({ yAxis: 'right' });
      const runs = widgets.find((widget) => widget.title === 'Reconcile runs (per hour)');
      expect(runs?.rows.map((metric) => metric.name)).toEqual(['ReconcileFinished', 'ReconcileStoppedAtDeadline'].map(row));
      // Without a schedule there is nothing to draw.
      expect(widgetsOf(variant).filter((widget) => widget.title?.startsWith('Reconcile') === true)).toEqual([]);
    });

    it('raises an alarm when no scheduled reconcile finished within its interval and an hour, no data counting as none', () => {
      const notFinished = (evaluationPeriods: number) => ({
        Namespace: 'FactSheetPublisher',
        MetricName: 'ReconcileFinished',
        Dimensions: Match.arrayWith([Match.objectLike({ Name: 'function_name' }), { Name: 'service', Value: 'factsheet-publisher' }]),
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: evaluationPeriods,
        DatapointsToAlarm: evaluationPeriods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...toTopic(),
        ...notFinished(25),
        Dimensions: [{ Name: 'function_name', Value: functionRef() }, { Name: 'service', Value: 'factsheet-publisher' }],
      });
      twiceADayTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', notFinished(13));
      // A cron that skips days has no interval the alarm could know: none, rather than a false one.
      weeklyTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 5);
      expect(resourcesOf(weeklyTemplate, 'AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ReconcileFinished' } })).toEqual([]);
      variant.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    });

    it('raises an alarm when the reconciles of a day found ten uploads or more that nothing had answered', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...toTopic(),
        Namespace: 'FactSheetPublisher',
        MetricName: 'ReconcileUnanswered',
        Dimensions: [{ Name: 'function_name', Value: functionRef() }, { Name: 'service', Value: 'factsheet-publisher' }],
        Statistic: 'Sum',
        Period: 86400,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      weeklyTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReconcileUnanswered' });
      expect(resourcesOf(variant, 'AWS::CloudWatch::Alarm', { Properties: { Namespace: 'FactSheetPublisher' } })).toEqual([]);
    });
  });

  describe('outputs', () => {
    it('gives the bucket, function, queue and version under the keys the scripts read, the logs and the commands', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      const values = Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, flatten(output.Value)]));
      expect(values).toEqual({
        BucketName: BUCKET,
        FunctionName: `<${logicalIdOf(template, 'AWS::Lambda::Function')}>`,
        FailureQueueUrl: `<${logicalIdOf(template, 'AWS::SQS::Queue')}>`,
        PublisherVersion: publisherVersion(REPOSITORY_ROOT),
        LogGroupName: `<${logicalIdOf(template, 'AWS::Logs::LogGroup')}>`,
        AlarmTopicArn: `<${logicalIdOf(template, 'AWS::SNS::Topic')}>`,
        UploadCommand: `aws s3 cp my-event.yaml s3://${BUCKET}/content/my-event.yaml`,
        DownloadCommand: `aws s3 sync s3://${BUCKET}/factsheets/ ./factsheets/`,
      });
    });
  });

  describe('cdk-nag', () => {
    it('finds nothing unacknowledged in the AWS Solutions pack', () => {
      expect(nag.validateScope(app).violations).toEqual([]);
    });

    it('gives a reason with every acknowledgement', () => {
      const acknowledgements = app.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
      expect(acknowledgements.length).toBeGreaterThan(0);
      const unexplained = acknowledgements.filter(([, reason]) => reason.trim().split(/\s+/).length < 8);
      expect(unexplained).toEqual([]);
    });
  });
});
