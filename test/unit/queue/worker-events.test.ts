import { describe, expect, it } from 'vitest';
import { combineWorkerEvents, type WorkerEvents } from '../../../src/queue/worker-events.ts';

const halted = { account: 'a', reason: 'r', code: 'c', jobId: 'j', at: 1 };

describe('combineWorkerEvents', () => {
  it('leaves out a kind no listener wants, so the processor builds no event for it', () => {
    const combined = combineWorkerEvents(undefined, { accountHalted: () => {} }, {});
    expect(Object.keys(combined)).toEqual(['accountHalted']);
    expect(combineWorkerEvents()).toEqual({});
  });

  it('tells every listener, each as itself, even after one throws, then throws the failures together', async () => {
    const told: string[] = [];
    const first: WorkerEvents = {
      accountHalted() {
        told.push('first');
        throw new Error('metrics down');
      },
    };
    const second = {
      name: 'second',
      accountHalted(this: { name: string }) {
        told.push(this.name);
      },
    };
    const combined = combineWorkerEvents(first, second);
    await expect(combined.accountHalted?.(halted)).rejects.toThrow(AggregateError);
    expect(told).toEqual(['first', 'second']);
  });
});
