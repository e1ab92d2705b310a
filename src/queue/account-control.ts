/**
 * Fleet-wide control of one account's queue: the rate limit every worker obeys (kept in Redis
 * with the queue), the vendor's rate-limit waits (visible to `account status` and `--wait`),
 * halts (paused queue + the reason, kept in Redis so every host sees it), and resume.
 */
import type { Queue } from 'bullmq';
import type { KeySpace } from './keys.ts';
import type { RedisClient } from './redis-connection.ts';
import { limiterRatePerSecond, smoothLimiter } from './smooth-limiter.ts';

export interface HaltRecord {
  reason: string;
  code: string;
  jobId: string;
  /** Epoch ms. */
  at: number;
}

/** The last `account resume`: when, and which job's answer had halted the account. */
export interface ResumeRecord {
  at: number;
  suspectJobId: string;
}

export interface FleetRateLimit {
  max: number;
  durationMs: number;
  marginMs: number;
}

export interface AccountControl {
  /**
   * Agrees this worker's configured limit with the one the fleet obeys: the first worker stores
   * its own, a lower one lowers it, a higher one is not applied (the answer says so). Applies the
   * result to the queue, so BullMQ's limiter holds it for every worker.
   */
  agreeRateLimit(configured: FleetRateLimit): Promise<{ limit: FleetRateLimit; higherIgnored: boolean }>;
  /** Writes the stored limit into the queue again (this worker's own when none is stored); changes nothing else. */
  reapplyRateLimit(configured: FleetRateLimit): Promise<void>;
  /** Sets the fleet's limit, higher or lower (`revoker account set-rate-limit`). */
  setRateLimit(limit: FleetRateLimit): Promise<void>;
  storedRateLimit(): Promise<FleetRateLimit | undefined>;
  /** Every worker of this account waits `ms` before taking the next job. */
  rateLimit(ms: number, now: number): Promise<void>;
  /** Epoch ms until which the account waits for the vendor's rate limit, if it does now. */
  rateWaitUntil(now: number): Promise<number | undefined>;
  /** A rate-limited answer arrived: returns since when the vendor has answered nothing else. */
  rateLimited(now: number): Promise<number>;
  /** The vendor answered something other than "rate limited": the exhaustion clock restarts. */
  served(): Promise<void>;
  /** A vendor call of the account succeeded at `at` (its credentials work). */
  succeeded(at: number): Promise<void>;
  /**
   * Whether `jobId` is the job whose answer halted the account before its last resume, and
   * whether a call of the account has succeeded since that resume (one round trip).
   */
  suspectFacts(jobId: string): Promise<{ suspect: boolean; succeededSinceResume: boolean }>;
  /** Stores the reason (the first halt's stays) and pauses the queue; true when this call halted it. */
  halt(record: HaltRecord): Promise<boolean>;
  /** Whether jobs of the account other than the running ones wait (waiting, delayed, prioritized). */
  hasOtherJobs(): Promise<boolean>;
  /** Clears the halt, remembering which job caused it (its -16 may be its own), and resumes the queue. */
  resume(now?: number): Promise<void>;
  haltRecord(): Promise<HaltRecord | undefined>;
}

/** The calls per second a limit lets through once smoothed (what "lower" and "higher" mean). */
export function effectiveRate(limit: FleetRateLimit): number {
  return limiterRatePerSecond(smoothLimiter(limit, limit.marginMs));
}

export function createAccountControl(
  account: string,
  queue: Queue,
  redis: RedisClient,
  keys: KeySpace,
): AccountControl {
  const apply = async (limit: FleetRateLimit) => {
    const limiter = smoothLimiter(limit, limit.marginMs);
    await redis.hset(keys.rateLimits, account, JSON.stringify(limit));
    await queue.setGlobalRateLimit(limiter.max, limiter.duration);
  };
  const control: AccountControl = {
    async agreeRateLimit(configured) {
      const stored = await control.storedRateLimit();
      if (!stored || effectiveRate(configured) < effectiveRate(stored)) {
        await apply(configured);
        return { limit: configured, higherIgnored: false };
      }
      // Re-applied: a queue obliterated meanwhile would otherwise run unlimited.
      await apply(stored);
      return { limit: stored, higherIgnored: effectiveRate(configured) > effectiveRate(stored) };
    },
    async reapplyRateLimit(configured) {
      await apply((await control.storedRateLimit()) ?? configured);
    },
    setRateLimit: apply,
    async storedRateLimit() {
      const json = await redis.hget(keys.rateLimits, account);
      return json ? (JSON.parse(json) as FleetRateLimit) : undefined;
    },
    async rateLimit(ms, now) {
      const wait = Math.max(1, Math.round(ms));
      await redis.hset(keys.rateWaits, account, String(now + wait));
      await queue.rateLimit(wait);
    },
    async rateWaitUntil(now) {
      const until = Number(await redis.hget(keys.rateWaits, account));
      return until > now ? until : undefined;
    },
    async rateLimited(now) {
      // One round trip: set it if unset, and read what is there.
      const replies = await redis
        .multi()
        .hsetnx(keys.rateLimitedSince, account, String(now))
        .hget(keys.rateLimitedSince, account)
        .exec();
      return Number(replies?.[1]?.[1]) || now;
    },
    async served() {
      await redis.hdel(keys.rateLimitedSince, account);
    },
    async halt(record) {
      // The reason first: a paused queue without a reason would look like a manual pause.
      const first = await redis.hsetnx(keys.halts, account, JSON.stringify(record));
      await queue.pause();
      return first === 1;
    },
    async hasOtherJobs() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      return Object.values(counts).some((n) => n > 0);
    },
    async succeeded(at) {
      await redis.hset(keys.lastSuccess, account, String(at));
    },
    async suspectFacts(jobId) {
      const replies = await redis.multi().hget(keys.resumes, account).hget(keys.lastSuccess, account).exec();
      const resumeJson = replies?.[0]?.[1];
      const resume = typeof resumeJson === 'string' ? (JSON.parse(resumeJson) as ResumeRecord) : undefined;
      const lastSuccess = Number(replies?.[1]?.[1]) || 0;
      return {
        suspect: resume?.suspectJobId === jobId,
        succeededSinceResume: resume !== undefined && lastSuccess > resume.at,
      };
    },
    async resume(now = Date.now()) {
      const halted = await control.haltRecord();
      const multi = redis.multi().hdel(keys.halts, account).hdel(keys.rateLimitedSince, account);
      if (halted) {
        const record: ResumeRecord = { at: now, suspectJobId: halted.jobId };
        multi.hset(keys.resumes, account, JSON.stringify(record));
      }
      await multi.exec();
      await queue.resume();
    },
    async haltRecord() {
      const json = await redis.hget(keys.halts, account);
      return json ? (JSON.parse(json) as HaltRecord) : undefined;
    },
  };
  return control;
}
