import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DEFAULT_KEY_LAYOUT } from '../lambdas/publisher/keys';
import { FactSheetPublisher, type FactSheetPublisherProps } from './fact-sheet-publisher';
import type { StackOutputs } from './outputs';

export interface PublisherStackProps extends StackProps {
  readonly publisher?: Omit<FactSheetPublisherProps, 'encryptionKey'>;
  /**
   * An existing customer-managed KMS key for the bucket (see FactSheetPublisherProps.encryptionKey).
   * @default S3-managed encryption
   */
  readonly encryptionKeyArn?: string;
}

/** Environment-agnostic on purpose: no lookups, so synth needs neither credentials nor network. */
export class PublisherStack extends Stack {
  readonly publisher: FactSheetPublisher;

  constructor(scope: Construct, id: string, props: PublisherStackProps = {}) {
    const { publisher: publisherProps, encryptionKeyArn, ...stackProps } = props;
    super(scope, id, {
      description: 'Fact sheet publisher: uploads under content/ become PDF fact sheets under factsheets/',
      ...stackProps,
    });
    const encryptionKey = encryptionKeyArn === undefined ? undefined : Key.fromKeyArn(this, 'BucketKey', encryptionKeyArn);
    const publisher = new FactSheetPublisher(this, 'Publisher', { ...publisherProps, encryptionKey });
    this.publisher = publisher;
    const bucket = publisher.bucketName;
    const { contentPrefix, factsheetsPrefix } = DEFAULT_KEY_LAYOUT;

    // Declared on the stack, not in the construct, so that the output keys are exactly these names.
    const readByScripts: { [Name in keyof StackOutputs]: { value: string; description: string } } = {
      BucketName: { value: bucket, description: 'The bucket to upload to' },
      FunctionName: {
        value: publisher.function.functionName,
        description: 'The publishing function (logs, metrics, republish invocations)',
      },
      FailureQueueUrl: {
        value: publisher.failureQueue.queueUrl,
        description: 'Uploads that failed after every retry; empty when all is well',
      },
      PublisherVersion: {
        value: publisher.publisherVersion,
        description: 'Version stamped on fact sheets made by this deployment; republish renders the others again',
      },
    };
    for (const [key, output] of Object.entries(readByScripts)) new CfnOutput(this, key, output);
    new CfnOutput(this, 'LogGroupName', {
      value: publisher.logGroup.logGroupName,
      description: 'The function logs: aws logs tail <name> --follow',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: publisher.alarmTopic.topicArn,
      description: 'Subscribe here to hear about failures',
    });
    new CfnOutput(this, 'UploadCommand', {
      value: `aws s3 cp my-event.yaml s3://${bucket}/${contentPrefix}my-event.yaml`,
      description: 'Publish a document (any path under content/; .yaml, .yml, .json, .md, .markdown or .txt)',
    });
    new CfnOutput(this, 'DownloadCommand', {
      value: `aws s3 sync s3://${bucket}/${factsheetsPrefix} ./factsheets/`,
      description: 'Fetch every fact sheet; errors/ holds the reports of refused documents',
    });
  }
}
