/**
 * The positions of items grouped by a key of each, in input order; items whose key is undefined
 * are left out. For work done once per group (a script per batch, an HMGET per account) whose
 * answers go back to each item's place.
 */
export function positionsBy<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const at = groups.get(key);
    if (at === undefined) groups.set(key, [i]);
    else at.push(i);
  });
  return groups;
}
