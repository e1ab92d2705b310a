import { describe, expect, it } from 'vitest';
import {
  signedContent,
  signingKey,
  webhookHeaders,
  webhookSignature,
} from '../../../src/webhooks/signature.ts';

function key(secret: string) {
  const result = signingKey(secret);
  if (!result.ok) throw new Error(result.reason);
  return result.key;
}

describe('Standard Webhooks signatures', () => {
  it("matches the reference library's published vector (whsec_ secret)", () => {
    // standard-webhooks/libraries/javascript/src/webhook.test.ts, "sign function works".
    const signature = webhookSignature(
      key('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs {id}.{timestamp}.{body}', () => {
    expect(signedContent('evt_1', 1700000000, '{"a":1}')).toBe('evt_1.1700000000.{"a":1}');
  });

  it('uses a plain secret as its UTF-8 bytes: a different key from the same text base64-decoded', () => {
    const plain = 'a-plain-shared-secret-of-32-bytes!';
    const raw = webhookSignature(key(plain), 'evt_1', 1, 'body');
    expect(raw).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(raw).not.toBe(
      webhookSignature(key(`whsec_${Buffer.from(plain).toString('base64')}`), 'evt_2', 1, 'body'),
    );
    expect(raw).toBe(
      webhookSignature(key(`whsec_${Buffer.from(plain).toString('base64')}`), 'evt_1', 1, 'body'),
    );
  });

  it('refuses keys under 24 bytes and a whsec_ secret that is not base64, without repeating the secret', () => {
    const short = signingKey('short-secret');
    expect(short.ok).toBe(false);
    expect(!short.ok && short.reason).toContain('the key has 12 bytes, fewer than the 24');
    expect(!short.ok && short.reason).not.toContain('short-secret');
    const bad = signingKey('whsec_not base64 at all!!');
    expect(!bad.ok && bad.reason).toBe('a secret starting with "whsec_" must continue in base64');
    expect(signingKey(`whsec_${Buffer.alloc(23).toString('base64')}`).ok).toBe(false);
    expect(signingKey(`whsec_${Buffer.alloc(24).toString('base64')}`).ok).toBe(true);
  });

  it('keeps the key out of JSON and inspection', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(JSON.stringify({ key: key(secret) })).toBe('{"key":{}}');
  });

  it('builds the three headers with the attempt time in whole seconds', () => {
    const k = key('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const headers = webhookHeaders(k, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', 1614265330_999);
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });
});
