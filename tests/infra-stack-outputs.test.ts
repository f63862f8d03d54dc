import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readStackOutputs, StackOutputsError } from '../client/stack-outputs';

/**
 * A stand-in for the CloudFormation API (the query protocol the SDK speaks), so that the real
 * client, its error parsing and its credential chain run, without AWS.
 */
interface Answer {
  readonly status: number;
  readonly body: string;
}
const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function describeStacksAnswer(stackName: string, status: string, outputs: Record<string, string>): Answer {
  const members = Object.entries(outputs)
    .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
    .join('');
  return {
    status: 200,
    body: `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member>
      <StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:eu-west-3:123456789012:stack/${stackName}/1</StackId>
      <StackStatus>${status}</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime>
      <Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult>
      <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
  };
}

function errorAnswer(code: string, message: string): Answer {
  return {
    status: 400,
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
  };
}

const OUTPUTS = {
  BucketName: 'factsheetpublisher-123456789012-eu-west-3',
  FunctionName: 'FactSheetPublisher-PublisherFunction1938950E-abc',
  FailureQueueUrl: 'https://sqs.eu-west-3.amazonaws.com/123456789012/FactSheetPublisher-FailureQueue',
  PublisherVersion: '0.1.0+0123456789ab',
};

describe('readStackOutputs', () => {
  const AWS_VARIABLES = [
    'AWS_ENDPOINT_URL_CLOUDFORMATION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ];
  const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));
  let server: Server;
  let answer: Answer;
  let requests: URLSearchParams[];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        requests.push(new URLSearchParams(body));
        response.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    requests = [];
    // Nothing from the developer's own AWS set-up may leak in: no profile, no files, no instance metadata.
    for (const name of AWS_VARIABLES) delete process.env[name];
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('returns the outputs the scripts need from the default stack', async () => {
    answer = describeStacksAnswer('FactSheetPublisher', 'UPDATE_COMPLETE', { ...OUTPUTS, UploadCommand: 'aws s3 cp …' });

    const outputs = await readStackOutputs(undefined, 'eu-west-3');

    expect(outputs).toEqual(OUTPUTS);
    expect(requests.map((request) => [request.get('Action'), request.get('StackName')])).toEqual([
      ['DescribeStacks', 'FactSheetPublisher'],
    ]);
  });

  it('says to deploy first when the stack does not exist', async () => {
    answer = errorAnswer('ValidationError', 'Stack with id FactSheetPublisherDev does not exist');

    const reading = readStackOutputs('FactSheetPublisherDev', 'eu-west-3');

    await expect(reading).rejects.toThrow(StackOutputsError);
    await expect(reading).rejects.toThrow(
      'The stack FactSheetPublisherDev in eu-west-3 does not exist: deploy it with npx cdk deploy',
    );
  });

  it('names the missing outputs and the stack status of a half-deployed stack', async () => {
    answer = describeStacksAnswer('FactSheetPublisher', 'ROLLBACK_COMPLETE', {});

    await expect(readStackOutputs(undefined, 'eu-west-3')).rejects.toThrow(
      'The stack FactSheetPublisher in eu-west-3 (status ROLLBACK_COMPLETE) has no BucketName, FunctionName, FailureQueueUrl, PublisherVersion output',
    );
  });

  it('says how to get credentials when there are none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    await expect(readStackOutputs(undefined, 'eu-west-3')).rejects.toThrow(
      /^No AWS credentials to read the stack FactSheetPublisher in eu-west-3: run aws configure or aws sso login/,
    );
    expect(requests).toEqual([]);
  });

  it('says how to choose a region when there is none', async () => {
    await expect(readStackOutputs()).rejects.toThrow(
      'No AWS region to look for the stack FactSheetPublisher in: set AWS_REGION or pass --region.',
    );
  });

  it('says which permission is missing when access is denied', async () => {
    answer = errorAnswer('AccessDenied', 'User: arn:aws:iam::123456789012:user/editor is not authorized to perform: cloudformation:DescribeStacks');

    await expect(readStackOutputs(undefined, 'eu-west-3')).rejects.toThrow(
      /may not read the stack FactSheetPublisher in eu-west-3 \(cloudformation:DescribeStacks is needed\)/,
    );
  });
});
