/**
 * Every operation revoker can run, by name: the one place the layers above look an operation up.
 */
import { digicertOperations } from './digicert/operations.ts';
import type { OperationName, OperationSpec } from './operation.ts';
import { sectigoOperations } from './sectigo/operations.ts';

const all: readonly OperationSpec[] = [
  ...sectigoOperations,
  ...digicertOperations,
] as readonly OperationSpec[];

export const operations: ReadonlyMap<OperationName, OperationSpec> = new Map(all.map((op) => [op.name, op]));

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && operations.has(value as OperationName);
}

export function getOperation(name: OperationName): OperationSpec {
  const spec = operations.get(name);
  if (!spec) throw new Error(`unknown operation ${name}`);
  return spec;
}
