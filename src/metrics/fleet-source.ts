/**
 * Where the fleet gauges read from: a revoker handle's snapshot of every account. Finding the
 * accounts that only exist in Redis takes a SCAN over the key space, too heavy for every scrape:
 * the list is refreshed at most once a minute (configured accounts are always in it).
 */
import type { Revoker } from '../open-revoker.ts';
import type { FleetSnapshot } from '../queue/fleet-snapshot.ts';

const ACCOUNT_LIST_REFRESH_MS = 60_000;

export function fleetSource(revoker: Revoker, now: () => number = Date.now): () => Promise<FleetSnapshot> {
  let names: { at: number; list: readonly string[] } | undefined;
  return async () => {
    if (names === undefined || now() - names.at > ACCOUNT_LIST_REFRESH_MS) {
      names = { at: now(), list: await revoker.accountNames() };
    }
    return revoker.fleetSnapshot(names.list);
  };
}
