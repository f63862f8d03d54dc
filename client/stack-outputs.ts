/**
 * The deployed stack's outputs, so that `npm run publish` finds the bucket and function without
 * being told. Every way this can fail is turned into one sentence that says what to do.
 */
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DEFAULT_STACK_NAME, OUTPUT_KEYS, type StackOutputs } from '../infra/outputs';

/** The stack cannot be read: the message says why and what to do. */
export class StackOutputsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackOutputsError';
  }
}

export async function readStackOutputs(stackName: string = DEFAULT_STACK_NAME, region?: string): Promise<StackOutputs> {
  const client = new CloudFormationClient({ region });
  const where = `stack ${stackName}${region === undefined ? '' : ` in ${region}`}`;
  try {
    const { Stacks: stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const [stack] = stacks;
    if (stack === undefined) throw notDeployed(where);
    const values = new Map((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    const missing = OUTPUT_KEYS.filter((key) => !values.get(key));
    if (missing.length > 0) {
      throw new StackOutputsError(
        `The ${where} (status ${stack.StackStatus}) has no ${missing.join(', ')} output: ` +
          'it is not a fact sheet publisher stack, or its deployment has not completed (npx cdk deploy).',
      );
    }
    return Object.fromEntries(OUTPUT_KEYS.map((key) => [key, values.get(key) as string])) as StackOutputs;
  } catch (error) {
    throw explain(error, where);
  } finally {
    client.destroy();
  }
}

function notDeployed(where: string, cause?: unknown): StackOutputsError {
  return new StackOutputsError(
    `The ${where} does not exist: deploy it with npx cdk deploy, check the region (AWS_REGION) and stack name, or pass --bucket.`,
    { cause },
  );
}

function explain(error: unknown, where: string): StackOutputsError {
  if (error instanceof StackOutputsError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CloudFormationServiceException && name === 'ValidationError' && /does not exist/.test(message)) {
    return notDeployed(where, error);
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new StackOutputsError(
      `No AWS credentials to read the ${where}: run aws configure or aws sso login, set AWS_PROFILE, or pass --bucket. (${message})`,
      { cause: error },
    );
  }
  if (/region is missing/i.test(message)) {
    return new StackOutputsError(`No AWS region to look for the ${where} in: set AWS_REGION or pass --region.`, {
      cause: error,
    });
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || /not authorized/i.test(message)) {
    return new StackOutputsError(
      `These AWS credentials may not read the ${where} (cloudformation:DescribeStacks is needed): ${message}`,
      { cause: error },
    );
  }
  return new StackOutputsError(`Could not read the ${where}: ${message}`, { cause: error });
}
