/**
 * What every command-line tool does the same way, so that a user meets one behaviour:
 * `--help` prints the usage and exits 0; an unknown flag or a bad value is one line and exit 2;
 * a mistake in a template, the theme, the configuration or a document prints its located
 * message alone (exit 1); a stack trace only with `--debug` or `DEBUG=1`.
 * Lives in client/ (the operator's machine) because cli/ holds one file per command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ContentError, OperatorError } from '../lambdas/render';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The arguments are wrong: one line saying which and why; the usage is one `--help` away. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export interface CommandSpec<O extends Options> {
  /** How the user types it, e.g. `npm run render --`: the hint after a usage error names it. */
  readonly invocation: string;
  readonly usage: string;
  readonly options: O;
  readonly allowPositionals?: boolean;
}

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  debug: { type: 'boolean', default: false },
} as const;

let invocation = 'the command';

/** The parsed arguments; prints the usage and exits for `--help`, exits 2 for a usage mistake. */
export function parseCommand<O extends Options>(spec: CommandSpec<O>) {
  invocation = spec.invocation;
  let parsed;
  try {
    parsed = parseArgs({
      options: { ...spec.options, ...COMMON_OPTIONS },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    exitWithUsageError(new UsageError(describeParseError(error), { cause: error }));
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    console.log(spec.usage);
    process.exit(0);
  }
  return parsed;
}

/**
 * Runs the command's body and turns what it throws into what a user should see. The body's
 * number is the exit code; the process is left to exit by itself, so output is flushed.
 */
export async function runCommand(main: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(error);
    if (debugWanted()) console.error(error);
    else if (error instanceof OperatorError || error instanceof ContentError) console.error(error.message);
    else console.error(`${describeError(error)}\n(run with --debug or DEBUG=1 for the stack trace)`);
    process.exitCode = 1;
  }
}

/** `--flag "text"` as a whole number from min to max, or a UsageError saying so. */
export function wholeNumber(flag: string, text: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} "${text}" is not a whole number ${range}`);
  }
  return value;
}

export interface Progress {
  /** Prints one finished item's line, above the counter. */
  line(text: string): void;
  /** One more item done. */
  tick(): void;
  /** More items than first counted (a listing read a page at a time): `total` in all. */
  grow(total: number): void;
  /** Removes the counter. */
  end(): void;
}

/**
 * A `[done/total]` counter, only when standard output is a terminal: a log file or a pipe gets
 * the finished lines alone, never a carriage return.
 */
export function createProgress(initialTotal: number, stream: NodeJS.WriteStream = process.stdout): Progress {
  let done = 0;
  let total = initialTotal;
  const live = stream.isTTY === true;
  const clear = () => {
    if (live) stream.write('\r\x1b[K');
  };
  const draw = () => {
    if (live && done < total) stream.write(`[${done}/${total}]`);
  };
  draw();
  return {
    line(text) {
      clear();
      stream.write(`${text}\n`);
      draw();
    },
    tick() {
      done += 1;
      clear();
      draw();
    },
    grow(more) {
      total = more;
      clear();
      draw();
    },
    end() {
      clear();
    },
  };
}

function exitWithUsageError(error: UsageError): never {
  if (debugWanted()) console.error(error);
  else console.error(`${error.message} (${invocation} --help for the usage)`);
  process.exit(2);
}

function debugWanted(): boolean {
  return process.argv.includes('--debug') || ['1', 'true'].includes(process.env.DEBUG ?? '');
}

/** node:util's messages, shortened to the part a user needs. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const quoted = /'([^']+)'/.exec(text)?.[1] ?? text;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${quoted}: this command takes options only`;
  // ERR_PARSE_ARGS_INVALID_OPTION_VALUE: "Option '--out <value>' argument missing" and the like.
  return text.split('\n')[0] ?? text;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
