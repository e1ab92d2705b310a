/**
 * Redis Cluster's hash slot of a key, computed as the cluster does (CRC16-XMODEM of the key, or
 * of its hash tag, modulo 16384), so the layout in keys.ts can be checked without a cluster: the
 * slot tests assert that every script and transaction keeps to one slot, and `keySlot` agrees
 * with `CLUSTER KEYSLOT` on a real node (test/integration/cluster-keyslot.test.ts).
 *
 * The hash tag: the part between the first `{` and the first `}` after it, when that part is
 * not empty; otherwise the whole key is hashed.
 */

export const SLOT_COUNT = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The part of a key the cluster hashes: its hash tag, or the whole key. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  // `{}` (an empty tag) or an unclosed `{`: the whole key is hashed.
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** The cluster slot (0..16383) of a key. Keys are hashed as UTF-8 bytes, as Redis sees them. */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % SLOT_COUNT;
}

/** The distinct slots of some keys (one entry: they may share a script or a transaction). */
export function slotsOf(keys: Iterable<string>): Set<number> {
  const slots = new Set<number>();
  for (const key of keys) slots.add(keySlot(key));
  return slots;
}
