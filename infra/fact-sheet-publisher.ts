/**
 * The whole publisher as one construct: the bucket people upload to, the function that turns
 * `content/` into `factsheets/` and `errors/`, and the failure path that tells someone when it breaks.
 * docs/architecture.md draws it; docs/deploy.md explains the choices to the person deploying it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Aws, DockerImage, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Dashboard, IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  CfnPermission,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  type IFunction,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { type IScheduleTarget, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_KEY_LAYOUT, INDEX_PREFIX, REPORTS_PREFIX } from '../lambdas/publisher/keys';
import { METRICS_NAMESPACE, PUBLISHER_SERVICE_NAME } from '../lambdas/publisher/metric-names';
import { periodAlarm } from './alarms';
import { observe, observeReconcile } from './dashboard';
import { checkDeploymentMetadata, publisherVersion } from './publisher-version';
import { bundleFunction } from './bundle-settings';

export type PublisherLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface FactSheetPublisherProps {
  /**
   * The bucket is named `<prefix>-<account>-<region>`: bucket names are global, and a name known
   * before the bucket exists lets the bucket notify the function without a custom resource.
   * Lowercase letters, digits and hyphens, at most 33 characters.
   * @default the stack name in lowercase, so two stacks in one account never collide
   */
  readonly bucketNamePrefix?: string;
  /**
   * What happens to the bucket, its access logs and the function's logs when the stack is deleted.
   * `DESTROY` also empties the buckets first: only for throwaway development stacks.
   * @default RemovalPolicy.RETAIN, because the bucket holds the newsroom's documents
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long an overwritten or deleted document or fact sheet stays recoverable.
   * @default 30 days: long enough to notice a bad overwrite, short enough not to pay for history
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * How long S3 server access logs (who uploaded or downloaded what) are kept.
   * @default 365 days, the usual audit horizon
   */
  readonly accessLogExpiration?: Duration;
  /**
   * Encrypts the bucket with this customer-managed key instead of S3-managed keys (SSE-S3), for
   * organisations whose policy asks for key-level audit and revocation. The function is granted
   * `kms:Decrypt` and `kms:GenerateDataKey` on it. Access logs stay SSE-S3: S3 cannot deliver
   * server access logs to a KMS-encrypted bucket.
   * @default S3-managed encryption: no key cost, nothing to rotate
   */
  readonly encryptionKey?: IKey;
  /**
   * Memory in MB; Lambda allots CPU in proportion, and rendering is CPU-bound.
   * @default 1024, see docs/deploy.md for the measurements behind it
   */
  readonly memorySize?: number;
  /**
   * Longest time one fact sheet may take.
   * @default 30 seconds: far above a cold render of the largest accepted document, well below
   * the point where a stuck render would burn money
   */
  readonly timeout?: Duration;
  /**
   * Caps how many documents render at once, which caps the bill of an upload storm.
   * Reserving concurrency fails the deploy on accounts whose limit is still the new-account 10.
   * @default no reservation: the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.THREE_MONTHS: enough to investigate a complaint about an old fact sheet
   */
  readonly logRetention?: RetentionDays;
  /**
   * Log level of the function (Powertools `LOG_LEVEL` and Lambda's application log filter).
   * @default 'INFO': one line per document published or refused
   */
  readonly logLevel?: PublisherLogLevel;
  /**
   * Largest accepted upload in bytes; bigger documents get an error report.
   * @default the publisher's own default (1 MiB)
   */
  readonly maxSourceBytes?: number;
  /**
   * Who gets an e-mail when an alarm fires (the address must confirm the subscription once).
   * @default no subscription: subscribe to the alarm topic by other means
   */
  readonly alarmEmail?: string;
  /**
   * When the function reconciles the bucket with content/: publishes what is missing or stale
   * (an upload whose event was lost or expired from the failure queue, a deploy that changed the
   * templates) and removes outputs whose source is gone, as `npm run publish -- --reconcile` does.
   * An EventBridge Scheduler expression, or `false` for no schedule.
   * @default every day at 03:00 UTC: a lost upload is published within a day, at an hour with few
   * uploads, and a bucket in order costs two HEAD requests per document
   */
  readonly reconcileSchedule?: ScheduleExpression | false;
}

const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Runs the TypeScript build scripts that bundling calls, as `npm run` does. */
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
/** Where Lambda unpacks the asset, with templates and fonts as publisherCode() puts them. */
const TASK_ROOT = '/var/task';
const MAX_BUCKET_NAME_PREFIX_LENGTH = 33;
const { contentPrefix, factsheetsPrefix, errorsPrefix } = DEFAULT_KEY_LAYOUT;
/** Long enough to ride out a burst throttled by reserved concurrency; older events go to the queue. */
const MAX_EVENT_AGE = Duration.hours(6);
/** Transient failures (S3 throttling, a cold start on a bad host) deserve a second chance, bugs do not need a third. */
const RETRY_ATTEMPTS = 2;

const APPLICATION_LOG_LEVELS: Record<PublisherLogLevel, ApplicationLogLevel> = {
  DEBUG: ApplicationLogLevel.DEBUG,
  INFO: ApplicationLogLevel.INFO,
  WARN: ApplicationLogLevel.WARN,
  ERROR: ApplicationLogLevel.ERROR,
};

export class FactSheetPublisher extends Construct {
  readonly bucket: IBucket;
  readonly bucketName: string;
  readonly function: IFunction;
  readonly failureQueue: IQueue;
  readonly logGroup: ILogGroup;
  readonly alarmTopic: ITopic;
  readonly errorsAlarm: IAlarm;
  readonly failedEventsAlarm: IAlarm;
  readonly throttlesAlarm: IAlarm;
  /** The function's longest invocation passed 80 % of its timeout. */
  readonly nearTimeoutAlarm: IAlarm;
  /** A reconcile found many uploads nothing had answered; absent without a schedule. */
  readonly reconcileLostUploadsAlarm?: IAlarm;
  /** No reconcile finished within the schedule's interval; absent without a schedule or when its interval is unknown. */
  readonly reconcileNotFinishedAlarm?: IAlarm;
  readonly dashboard: Dashboard;
  /** Stamped on every fact sheet; changes whenever code, templates or fonts change. */
  readonly publisherVersion: string;

  constructor(scope: Construct, id: string, props: FactSheetPublisherProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const disposable = removalPolicy === RemovalPolicy.DESTROY;
    this.publisherVersion = publisherVersion(REPOSITORY_ROOT);
    checkDeploymentMetadata(this.publisherVersion, join(REPOSITORY_ROOT, 'templates'));

    // The bucket's name and ARN are built from parameters, not read from the bucket, so that the
    // function, its policy and its invoke permission do not depend on the bucket: the bucket's
    // notification configuration depends on them, and a reference back would be a cycle.
    const namePrefix = bucketNamePrefix(props.bucketNamePrefix, stack.stackName);
    this.bucketName = Fn.join('-', [namePrefix, Aws.ACCOUNT_ID, Aws.REGION]);
    const bucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: this.bucketName });
    const objectsUnder = (prefix: string): string => `${bucketArn}/${prefix}*`;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: props.accessLogExpiration ?? Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: disposable,
    });

    const bucket = new Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      encryption: props.encryptionKey ? BucketEncryption.KMS : BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bucket/',
      removalPolicy,
      autoDeleteObjects: disposable,
    });
    this.bucket = bucket;

    const failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: a failure noticed on Monday morning must still be there.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination of the function's asynchronous invocations; nothing consumes it, so it needs no dead-letter queue of its own.",
    });
    this.failureQueue = failureQueue;

    const logGroup = new LogGroup(this, 'FunctionLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy,
    });
    this.logGroup = logGroup;

    // An explicit role instead of the default one, which would attach the AWS-managed
    // AWSLambdaBasicExecutionRole (logs on every log group in the account).
    const role = new Role(this, 'FunctionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Fact sheet publisher: reads content/, writes factsheets/ and errors/',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadContent',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [objectsUnder(contentPrefix)],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'WriteOutputs',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        // index/: which documents use which pictures (docs/publishing.md, "Pictures").
        resources: [objectsUnder(factsheetsPrefix), objectsUnder(errorsPrefix), objectsUnder(REPORTS_PREFIX), objectsUnder(INDEX_PREFIX)],
      }),
    );
    // The publisher lists content/<path>.* to find conflicting sources, and without ListBucket a
    // missing key answers 403 instead of 404: "no previous fact sheet" would look like "forbidden".
    // No s3:prefix condition: the 404 check happens on HeadObject requests, which carry no prefix.
    role.addToPolicy(new PolicyStatement({ sid: 'ListForNotFound', actions: ['s3:ListBucket'], resources: [bucketArn] }));
    props.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
    Validations.of(role).acknowledge(
      ...[contentPrefix, factsheetsPrefix, errorsPrefix, REPORTS_PREFIX, INDEX_PREFIX].map((prefix) => ({
        // The finding names the resource as cdk-nag prints it.
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${namePrefix}-<AWS::AccountId>-<AWS::Region>/${prefix}*]`,
        reason: `Object actions can only be scoped by key prefix; this grants ${prefix} and nothing else of the bucket.`,
      })),
    );

    const timeout = props.timeout ?? Duration.seconds(30);
    const environment: Record<string, string> = {
      BUCKET_NAME: this.bucketName,
      CONTENT_PREFIX: contentPrefix,
      FACTSHEETS_PREFIX: factsheetsPrefix,
      ERRORS_PREFIX: errorsPrefix,
      TEMPLATES_DIR: `${TASK_ROOT}/templates`,
      FONTS_DIR: `${TASK_ROOT}/fonts`,
      PUBLISHER_VERSION: this.publisherVersion,
      POWERTOOLS_SERVICE_NAME: PUBLISHER_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      LOG_LEVEL: props.logLevel ?? 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...(props.maxSourceBytes === undefined ? {} : { MAX_SOURCE_BYTES: String(props.maxSourceBytes) }),
      // Half the timeout: a runaway render ends as an error report, with time left to write it.
      RENDER_DEADLINE_MS: String(Math.floor(timeout.toMilliseconds() / 2)),
    };

    const fn = new LambdaFunction(this, 'Function', {
      description: `Renders content/ uploads into PDF fact sheets (${this.publisherVersion})`,
      code: publisherCode(),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVELS[props.logLevel ?? 'INFO'],
      systemLogLevelV2: SystemLogLevel.INFO,
      environment,
      retryAttempts: RETRY_ATTEMPTS,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new SqsDestination(failureQueue),
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the newest runtime the project is tested on (engines >=20.16, CI on Node 20); move to 24 together with the toolchain.',
    });
    this.function = fn;

    const invokedByBucket = new CfnPermission(this, 'InvokedByBucket', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceArn: bucketArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
    // Notifications on content/ only: what the function writes (factsheets/, errors/) can never
    // trigger it again. Removals notify too, so that deleting a document unpublishes it.
    const cfnBucket = bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      lambdaConfigurations: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].map((event) => ({
        event,
        function: fn.functionArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: contentPrefix }] } },
      })),
    };
    // S3 checks that it may invoke the function when the configuration is written.
    cfnBucket.node.addDependency(invokedByBucket);

    const reconcileSchedule = props.reconcileSchedule ?? ScheduleExpression.cron({ minute: '0', hour: '3' });
    if (reconcileSchedule !== false) {
      new Schedule(this, 'ReconcileSchedule', {
        description: 'Daily reconcile: publishes uploads whose event was lost, removes outputs whose source is gone',
        schedule: reconcileSchedule,
        target: reconcileTarget(this, fn),
      });
      // A separate policy, not the role's default one: the function depends on that one, and
      // naming the function's ARN in it would be a cycle.
      new Policy(this, 'ReconcileHandsOver', {
        roles: [role],
        statements: [
          new PolicyStatement({
            sid: 'InvokeItself',
            // Each document found stale is one asynchronous invocation, and so is the next step.
            actions: ['lambda:InvokeFunction'],
            resources: [fn.functionArn],
          }),
        ],
      });
    }

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Fact sheet publisher alarms', enforceSSL: true });
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (props.alarmEmail !== undefined) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.alarmTopic = alarmTopic;

    const errorsAlarm = periodAlarm(this, 'FunctionErrors', {
      description:
        'The publisher crashed or timed out (a bug or an AWS outage, not a bad document: those get errors/ reports). Lambda retries; see the function logs.',
      metric: fn.metricErrors({ statistic: 'Sum' }),
    });
    const failedEventsAlarm = periodAlarm(this, 'FailedEvents', {
      description:
        'Uploads that could not be published after every retry wait in the failure queue: their fact sheets are missing or stale. Fix the cause, then replay them: npm run publish -- --redrive.',
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
    });
    const { dashboard, throttlesAlarm, nearTimeoutAlarm } = observe(this, fn, failureQueue, timeout);
    const reconcileAlarms = reconcileSchedule === false ? undefined : observeReconcile(this, fn, dashboard, reconcileSchedule);
    const reconcileAlarmList = [reconcileAlarms?.lostUploadsAlarm, reconcileAlarms?.notFinishedAlarm].filter((alarm) => alarm !== undefined);
    for (const alarm of [errorsAlarm, failedEventsAlarm, throttlesAlarm, nearTimeoutAlarm, ...reconcileAlarmList]) {
      alarm.addAlarmAction(new SnsAction(alarmTopic));
      alarm.addOkAction(new SnsAction(alarmTopic));
    }
    this.errorsAlarm = errorsAlarm;
    this.failedEventsAlarm = failedEventsAlarm;
    this.throttlesAlarm = throttlesAlarm;
    this.nearTimeoutAlarm = nearTimeoutAlarm;
    this.reconcileLostUploadsAlarm = reconcileAlarms?.lostUploadsAlarm;
    this.reconcileNotFinishedAlarm = reconcileAlarms?.notFinishedAlarm;
    this.dashboard = dashboard;
  }
}

/**
 * The function's code: the handler bundled on this machine (never Docker, no `npm ci`, which would
 * fail offline) by infra/bundle-settings.ts, split into chunks that only some documents load,
 * with the templates (compiled here, once, rather than at every cold start: a broken one stops the
 * deployment) and the fonts the renderer reads at start-up from TEMPLATES_DIR and FONTS_DIR.
 * The AWS SDK is bundled too: the version tested here, not whichever the runtime carries.
 */
function publisherCode(): Code {
  return Code.fromAsset(REPOSITORY_ROOT, {
    // Hashing the bundle, not the source folder (node_modules included), as NodejsFunction does.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled, because local bundling either succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleFunction({ entryPoints: { index: join(REPOSITORY_ROOT, 'lambdas/publisher/handler.ts') }, outputDirectory: outputDir, target: 'node22' });
          cpSync(join(REPOSITORY_ROOT, 'templates'), join(outputDir, 'templates'), { recursive: true });
          execFileSync(
            process.execPath,
            [TSX_CLI, join(REPOSITORY_ROOT, 'build/compile-templates.ts'), join(outputDir, 'templates'), '--out', join(outputDir, 'templates/compiled-templates.json')],
            { stdio: 'inherit' },
          );
          cpSync(join(REPOSITORY_ROOT, 'lambdas/fonts'), join(outputDir, 'fonts'), { recursive: true });
          return true;
        },
      },
    },
  });
}

/**
 * The schedule's target with a role of its own that may invoke this function and nothing else.
 * aws-scheduler-targets' LambdaInvoke grants every version and alias as well (`<arn>:*`) on a
 * role shared by all schedules of the stack; the schedule invokes only the unqualified function.
 */
function reconcileTarget(scope: Construct, fn: IFunction): IScheduleTarget {
  const stack = Stack.of(scope);
  const role = new Role(scope, 'ReconcileScheduleRole', {
    description: 'EventBridge Scheduler: starts the daily reconcile of the fact sheet publisher',
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: 'default/*' }) },
      },
    }),
  });
  role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
  return {
    bind: () => ({
      arn: fn.functionArn,
      role,
      input: ScheduleTargetInput.fromObject({ kind: 'reconcile' }),
      // A missed run is made up by the next one; retrying for hours would only pile them up.
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: Duration.hours(1).toSeconds() },
    }),
  };
}

function bucketNamePrefix(prefix: string | undefined, stackName: string): string {
  const resolved = prefix ?? stackName.toLowerCase();
  if (Token.isUnresolved(resolved)) return resolved;
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(resolved) || resolved.length > MAX_BUCKET_NAME_PREFIX_LENGTH) {
    throw new Error(
      `FactSheetPublisher bucketNamePrefix "${resolved}"${prefix === undefined ? ' (from the stack name)' : ''} is not usable: ` +
        `expected 1 to ${MAX_BUCKET_NAME_PREFIX_LENGTH} lowercase letters, digits or inner hyphens, ` +
        'because the bucket is named <prefix>-<account>-<region> and bucket names allow at most 63 such characters.',
    );
  }
  return resolved;
}

