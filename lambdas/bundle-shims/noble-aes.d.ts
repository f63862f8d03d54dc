export function cbc(...args: unknown[]): never;
export function ecb(...args: unknown[]): never;
