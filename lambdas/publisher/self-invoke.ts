/**
 * Asynchronous invocations of this very function, for the scheduled reconcile's hand-overs.
 * The Lambda client is loaded on the first call only: an upload's invocation never needs it, so
 * it stays off the cold start of the function's usual work.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

export function selfInvoker(functionName: string | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME): (payload: unknown) => Promise<void> {
  let client: Promise<{ readonly lambda: LambdaClient; readonly module: typeof import('@aws-sdk/client-lambda') }> | undefined;
  return async (payload) => {
    if (functionName === undefined) throw new Error('AWS_LAMBDA_FUNCTION_NAME is not set: there is no function to invoke');
    client ??= import('@aws-sdk/client-lambda').then((module) => ({ lambda: new module.LambdaClient({}), module }));
    const { lambda, module } = await client;
    await lambda.send(
      new module.InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
  };
}
