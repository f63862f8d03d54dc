/**
 * Replays the failure queue into the function: each message Lambda put there (an event that
 * failed after every retry) is handed to the function again, synchronously, and deleted only once
 * the function succeeded with it. A message that fails again, or that is not one of Lambda's
 * failure records, stays in the queue (visible again at once) and is reported with why.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decodeEventKey } from '../lambdas/publisher/keys';

export interface RedriveOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Runs the function with one event and waits: resolves with its result, rejects with its error. */
  invoke(event: unknown): Promise<unknown>;
  /** Told each message once it is handled, in the order handled. */
  onMessage?(report: RedrivenMessage): void;
}

export interface RedrivenMessage {
  readonly messageId: string;
  /** The source keys of the event's records (`reconcile` for a scheduled reconcile). */
  readonly keys: readonly string[];
  /** `replayed`: the function succeeded and the message was deleted; otherwise it stays queued. */
  readonly outcome: 'replayed' | 'failed again' | 'not a failure record';
  /** What the function answered for each record, or why the message stays. */
  readonly detail: string;
}

/** Long enough for one synchronous invocation (the function's timeout is at most 15 minutes). */
const VISIBILITY_TIMEOUT_S = 900;

export async function redrive(options: RedriveOptions): Promise<RedrivenMessage[]> {
  const reports: RedrivenMessage[] = [];
  const kept: Message[] = [];
  const seen = new Set<string>();
  for (;;) {
    const { Messages: messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: VISIBILITY_TIMEOUT_S, WaitTimeSeconds: 0 }),
    );
    const fresh = messages.filter((message) => message.MessageId !== undefined && !seen.has(message.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId as string);
      const report = await replay(options, message);
      if (report.outcome === 'replayed') {
        await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      } else {
        kept.push(message);
      }
      reports.push(report);
      options.onMessage?.(report);
    }
  }
  // What stays is visible again at once: the queue's alarm and the next redrive see it.
  for (const message of kept) {
    await options.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  return reports;
}

/** The body of a message Lambda's on-failure destination sends to SQS, as far as it is read here. */
interface FailureRecord {
  readonly requestContext?: { readonly condition?: string; readonly approximateInvokeCount?: number };
  readonly requestPayload?: unknown;
}

async function replay(options: RedriveOptions, message: Message): Promise<RedrivenMessage> {
  const messageId = message.MessageId as string;
  let record: FailureRecord;
  try {
    record = JSON.parse(message.Body ?? '') as FailureRecord;
  } catch {
    return { messageId, keys: [], outcome: 'not a failure record', detail: 'the body is not JSON' };
  }
  if (typeof record !== 'object' || record === null || record.requestPayload === undefined) {
    return { messageId, keys: [], outcome: 'not a failure record', detail: 'no requestPayload: not a message from the function’s failure destination' };
  }
  const keys = keysOf(record.requestPayload);
  try {
    const result = await options.invoke(record.requestPayload);
    return { messageId, keys, outcome: 'replayed', detail: describeResult(result) };
  } catch (error) {
    return { messageId, keys, outcome: 'failed again', detail: error instanceof Error ? error.message : String(error) };
  }
}

function keysOf(payload: unknown): string[] {
  const event = payload as { kind?: unknown; Records?: { s3?: { object?: { key?: string } } }[] };
  if (event.kind === 'reconcile') return ['reconcile'];
  return (event.Records ?? []).map((record) => decodeEventKey(record.s3?.object?.key ?? ''));
}

/** The function's answer in a few words: each record's status (`published`, `skipped: …`). */
function describeResult(result: unknown): string {
  const records = (result as { records?: { status?: string; reason?: string }[] } | null)?.records;
  if (records === undefined) return 'done';
  return records.map((outcome) => (outcome.reason === undefined ? outcome.status : `${outcome.status}: ${outcome.reason}`)).join('; ') || 'no records';
}
