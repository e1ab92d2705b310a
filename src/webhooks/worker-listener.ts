/**
 * Where `item.finished` and `account.halted` come from: the workers' event seam
 * (src/queue/worker-events.ts). The processor tells a listener after the fact is on record and
 * awaits it, so the delivery job is in Redis before the BullMQ job completes; a listener that
 * throws (Redis gone) is logged by the processor and changes nothing about the item.
 *
 * The crash window between the record write and this enqueue: a worker that dies there leaves
 * its job active; the job runs again after the stalled check, finds the record final, and the
 * processor tells the item again (`again: true`), so the event is enqueued then, with the same
 * event id (event.ts derives it from the job id, outcome and finish time). Receivers therefore
 * get each event at least once and deduplicate on `webhook-id`.
 */
import type { WorkerEvents } from '../queue/worker-events.ts';
import { accountHaltedEvent, itemFinishedEvent } from './event.ts';
import type { WebhookOutbox } from './outbox.ts';

export function webhookWorkerEvents(outbox: WebhookOutbox): WorkerEvents {
  return {
    async itemFinished(event) {
      await outbox.emit(itemFinishedEvent(event));
    },
    async accountHalted(event) {
      await outbox.emit(accountHaltedEvent(event));
    },
  };
}
