import { describe, expect, it } from 'vitest';
import { optionsFrom, type SandboxFlags, sandboxCommand } from '../../../src/cli/sandbox-command.ts';

const defaults: SandboxFlags = { port: '8443', host: '127.0.0.1', orders: '100', seed: '1' };

describe('revoker sandbox flags', () => {
  it('turns flags into startSandbox options', () => {
    expect(
      optionsFrom({
        ...defaults,
        httpPort: '8080',
        caFile: '/tmp/ca.pem',
        seedFile: 'seed.json',
        rateLimit: '5/1000',
        latency: 'lognormal:40:400',
        faultRate: 'reset=0.01,unknownError=0.02',
        seed: '9',
        tlsName: ['sandbox', 'a.test,b.test'],
      }),
    ).toEqual({
      host: '127.0.0.1',
      tlsNames: ['sandbox', 'a.test', 'b.test'],
      port: 8443,
      httpPort: 8080,
      orders: 100,
      seed: 9,
      caFile: '/tmp/ca.pem',
      seedFile: 'seed.json',
      rateLimits: [{ max: 5, durationMs: 1000 }],
      latency: { kind: 'lognormal', medianMs: 40, p99Ms: 400 },
      faultRates: { reset: 0.01, unknownError: 0.02 },
    });
  });

  it('refuses bad flags with a config error naming the flag', () => {
    expect(() => optionsFrom({ ...defaults, port: 'http' })).toThrow(/--port: expected a whole number/);
    expect(() => optionsFrom({ ...defaults, rateLimit: 'fast' })).toThrow(/--rate-limit/);
    expect(() => optionsFrom({ ...defaults, latency: '30ms' })).toThrow(/--latency/);
    expect(() => optionsFrom({ ...defaults, faultRate: 'boom=1' })).toThrow(/--fault-rate/);
    let caught: unknown;
    try {
      optionsFrom({ ...defaults, orders: '-1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CONFIG_ERR_INVALID' });
  });

  it('declares the documented options with their defaults', () => {
    const command = sandboxCommand();
    expect(command.name()).toBe('sandbox');
    const flags = command.options.map((o) => o.long);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--port',
        '--host',
        '--orders',
        '--seed-file',
        '--ca-file',
        '--rate-limit',
        '--latency',
        '--fault-rate',
        '--seed',
      ]),
    );
    expect(command.opts()).toMatchObject({ port: '8443', host: '127.0.0.1', orders: '100', seed: '1' });
  });
});
