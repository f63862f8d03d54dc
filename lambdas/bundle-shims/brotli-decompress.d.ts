export default function decompress(...args: unknown[]): never;
