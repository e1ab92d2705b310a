/**
 * Where `account.resumed` comes from: an account's control whose `resume()` (used by
 * `revoker account resume` and the HTTP API through open-revoker.ts) also announces the resume,
 * once the queue runs again, when the account was halted or paused.
 */
import type { Queue } from 'bullmq';
import type { AccountControl } from '../queue/account-control.ts';
import { accountResumedEvent } from './event.ts';
import type { WebhookOutbox } from './outbox.ts';

export function announcingResume(
  account: string,
  control: AccountControl,
  queue: Pick<Queue, 'isPaused'>,
  outbox: WebhookOutbox,
  now: () => number = Date.now,
): AccountControl {
  return {
    ...control,
    async resume(at = now()) {
      const [halt, paused] = await Promise.all([control.haltRecord(), queue.isPaused()]);
      await control.resume(at);
      // A resume of an account that was running changes nothing: no news for a receiver.
      if (halt || paused) await outbox.emit(accountResumedEvent(account, at, halt));
    },
  };
}
