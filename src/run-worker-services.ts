/**
 * What a worker process runs beside the account workers (run-worker.ts):
 * - outcome webhooks: the delivery worker (when `webhooks` are configured), and the listener that
 *   turns the account workers' final outcomes and halts into deliveries;
 * - schedules: the config's schedules upserted as BullMQ job schedulers (and the ones the config
 *   no longer has removed), and the runner that carries out each tick;
 * - the batch watch: announces each batch once its every item is final (`batch.finished`), after
 *   writing a scheduled batch's report.
 *
 * Wiring only: the logic lives in src/webhooks/, src/schedules/ and src/queue/batch-watch.ts.
 * Everything that can be wrong with the config (a secret, a report directory) is found before
 * anything starts.
 */
import { Queue } from 'bullmq';
import type { Env, RevokerConfig } from './config.ts';
import type { Logger } from './logger.ts';
import { openRevoker } from './open-revoker.ts';
import { createBatchStore } from './queue/batch-store.ts';
import { type BatchWatch, type FinishedBatch, startBatchWatch } from './queue/batch-watch.ts';
import { QUEUE_STREAMS } from './queue/job-options.ts';
import type { RedisTarget } from './queue/redis-target.ts';
import { createResultStore } from './queue/result-store.ts';
import type { WorkerEvents } from './queue/worker-events.ts';
import { checkReportDir, writeScheduledReport } from './schedules/report-file.ts';
import { createRunLog } from './schedules/run-log.ts';
import { type ScheduleRunner, startScheduleRunner } from './schedules/runner.ts';
import { syncSchedules } from './schedules/sync.ts';
import { startWebhookDelivery, type WebhookDelivery } from './webhooks/delivery-worker.ts';
import { batchFinishedEvent } from './webhooks/event.ts';
import { resolveWebhookKeys } from './webhooks/webhook-keys.ts';
import { webhookWorkerEvents } from './webhooks/worker-listener.ts';

/** How long each close step may take (deliveries in flight get their own grace inside it). */
const CLOSE_STEP_MS = 10_000;

export interface WorkerServicesTuning {
  /** How often open batches are checked for finished ones. @defaultValue 5000 */
  batchWatchIntervalMs?: number;
  /** Webhook deliveries in flight per process. @defaultValue 10 */
  webhookConcurrency?: number;
}

export interface WorkerServices {
  /** Listeners for the account workers (webhook deliveries of outcomes and halts). */
  readonly events: WorkerEvents;
  /** Looks for finished batches now (tests; the watch also runs on its own). */
  sweepBatches(): Promise<number>;
  close(): Promise<void>;
}

export async function startWorkerServices(options: {
  config: RevokerConfig;
  /** Where Redis is (resolved by the caller, once per process). */
  redis: RedisTarget;
  env: Env;
  logger: Logger;
  tuning?: WorkerServicesTuning;
}): Promise<WorkerServices> {
  const { config, logger } = options;
  const signingKeys = await resolveWebhookKeys(config.webhooks, {
    env: options.env,
    onWarning: (message) => logger.warn(message),
  });
  for (const [i, schedule] of config.schedules.entries()) {
    await checkReportDir(schedule.reportDir, `schedules[${i}].reportDir`);
  }

  const revoker = await openRevoker(config, { producerName: 'schedules', redis: options.redis });
  const { keys } = revoker;
  const closers: (() => Promise<unknown>)[] = [() => revoker.close()];
  // Every step runs, each bounded: a Redis that is gone must not hold the process open.
  const closeAll = async () => {
    const failures: unknown[] = [];
    for (const close of closers.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), CLOSE_STEP_MS);
      });
      try {
        if ((await Promise.race([close(), timeout])) === 'timeout') {
          failures.push(new Error(`a close step took longer than ${CLOSE_STEP_MS} ms`));
        }
      } catch (error) {
        failures.push(error);
      } finally {
        clearTimeout(timer);
      }
    }
    closers.length = 0;
    if (failures.length > 0) {
      revoker.redis.disconnect();
      throw new AggregateError(failures, 'worker services closed with errors');
    }
  };
  try {
    const schedulesQueue = new Queue(keys.schedulesQueue.name, {
      connection: revoker.redis,
      prefix: keys.schedulesQueue.prefix,
      streams: QUEUE_STREAMS,
    });
    schedulesQueue.on('error', (err) =>
      logger.warn({ err: err.message }, 'schedules queue connection error'),
    );
    closers.push(() => schedulesQueue.close());
    const synced = await syncSchedules(schedulesQueue, config.schedules);
    for (const name of synced.removed) {
      logger.info({ schedule: name }, `schedule ${name} is not in the config any more: removed from Redis`);
    }

    let runner: ScheduleRunner | undefined;
    if (config.schedules.length > 0) {
      runner = startScheduleRunner({
        redis: options.redis,
        keys,
        schedules: config.schedules,
        deps: { producer: revoker.producer, batches: revoker.batches, redis: revoker.redis, keys, logger },
        logger,
      });
      const started = runner;
      closers.push(() => started.close());
    }

    let delivery: WebhookDelivery | undefined;
    if (config.webhooks.length > 0) {
      delivery = startWebhookDelivery({
        redis: options.redis,
        keys,
        webhooks: config.webhooks,
        signingKeys,
        logger,
        ...(options.tuning?.webhookConcurrency ? { concurrency: options.tuning.webhookConcurrency } : {}),
      });
      const started = delivery;
      closers.push(() => started.close());
    }

    const runLog = createRunLog(revoker.redis, keys);
    const onFinished = async (batch: FinishedBatch): Promise<void> => {
      const scheduled = await runLog.batchOf(batch.batchId);
      let reportFile: string | undefined;
      if (scheduled) {
        try {
          reportFile = await writeScheduledReport(batch.batchId, scheduled, revoker.batches);
          logger.info(
            { batchId: batch.batchId, schedule: scheduled.schedule, reportFile },
            'scheduled batch report written',
          );
        } catch (error) {
          // Announced anyway: a report that cannot be written must not hold back the event.
          logger.error(
            { batchId: batch.batchId, schedule: scheduled.schedule, err: String(error) },
            `scheduled batch report not written; write it with: revoker batch report ${batch.batchId} --out FILE`,
          );
        }
      }
      await revoker.webhooks?.emit(
        batchFinishedEvent(batch, scheduled ? { schedule: scheduled.schedule, reportFile } : {}),
      );
      if (scheduled) await runLog.forgetBatch(batch.batchId);
    };
    const watch: BatchWatch = startBatchWatch({
      redis: revoker.redis,
      keys,
      batches: createBatchStore(revoker.redis, keys),
      results: createResultStore(revoker.redis, keys),
      reader: revoker.batches,
      logger,
      onFinished,
      ...(options.tuning?.batchWatchIntervalMs ? { intervalMs: options.tuning.batchWatchIntervalMs } : {}),
    });
    closers.push(() => watch.close());

    let closing: Promise<void> | undefined;
    return {
      events: revoker.webhooks ? webhookWorkerEvents(revoker.webhooks) : {},
      sweepBatches: () => watch.sweepNow(),
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll().catch(() => {});
    throw error;
  }
}
