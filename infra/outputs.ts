/**
 * What the deployed stack tells the scripts. Kept free of aws-cdk-lib so that the publish command
 * can import it without loading the CDK.
 */
export const DEFAULT_STACK_NAME = 'FactSheetPublisher';

/** CloudFormation output keys read by client/stack-outputs.ts: renaming one breaks `npm run publish`. */
export const OUTPUT_KEYS = ['BucketName', 'FunctionName', 'FailureQueueUrl', 'PublisherVersion'] as const;

export type StackOutputs = Record<(typeof OUTPUT_KEYS)[number], string>;
