import { describe, expect, it } from 'vitest';
import { parseSectigoResponse } from '../../../src/vendors/sectigo/response-parser.ts';

describe('parseSectigoResponse: format 0 (lines)', () => {
  it('reads a bare success code', () => {
    expect(parseSectigoResponse('0', 0)).toEqual({ ok: true, format: 0, code: 0 });
  });

  it('tolerates trailing whitespace and CRLF', () => {
    expect(parseSectigoResponse('0\r\n', 0)).toEqual({ ok: true, format: 0, code: 0 });
    expect(parseSectigoResponse('  -21 \r\nThe certificate has already been revoked!\r\n\r\n', 0)).toEqual({
      ok: true,
      format: 0,
      code: -21,
      message: 'The certificate has already been revoked!',
    });
  });

  it('reads the error message on line 2', () => {
    expect(parseSectigoResponse("-4\nThe value of the 'orderNumber' argument is invalid!", 0)).toMatchObject({
      code: -4,
      message: "The value of the 'orderNumber' argument is invalid!",
    });
  });

  it('reads the new order number on line 2 of a success', () => {
    expect(parseSectigoResponse('0\n987654321\n', 0)).toEqual({
      ok: true,
      format: 0,
      code: 0,
      orderNumber: '987654321',
    });
  });

  it('ignores a byte-order mark', () => {
    expect(parseSectigoResponse('\uFEFF-26\nThe certificate is currently being issued!', 0)).toMatchObject({
      code: -26,
    });
  });
});

describe('parseSectigoResponse: format 1 (url-encoded)', () => {
  it('reads a success without a message', () => {
    expect(parseSectigoResponse('errorCode=0', 1)).toEqual({ ok: true, format: 1, code: 0 });
  });

  it('decodes the message and keeps the detail', () => {
    const body =
      'errorCode=-4&errorMessage=The+value+of+the+%27serialNumber%27+argument+is+invalid%21&errorDetail=not%20hex\r\n';
    expect(parseSectigoResponse(body, 1)).toEqual({
      ok: true,
      format: 1,
      code: -4,
      message: "The value of the 'serialNumber' argument is invalid!",
      detail: 'not hex',
    });
  });

  it('reads the new order number of a replacement', () => {
    expect(parseSectigoResponse('errorCode=0&orderNumber=55501', 1)).toMatchObject({
      code: 0,
      orderNumber: '55501',
    });
  });

  it('matches the field names without regard to case', () => {
    expect(parseSectigoResponse('ErrorCode=-21&ERRORMESSAGE=revoked', 1)).toMatchObject({
      code: -21,
      message: 'revoked',
    });
  });
});

describe('parseSectigoResponse: format 2 (JSON)', () => {
  it('reads a success with a new order number', () => {
    expect(parseSectigoResponse('{"errorCode":0,"orderNumber":"1234567"}', 2)).toEqual({
      ok: true,
      format: 2,
      code: 0,
      orderNumber: '1234567',
    });
  });

  it('takes codes and order numbers as numbers or strings', () => {
    expect(parseSectigoResponse('{"errorCode":"-21","errorMessage":"revoked"}', 2)).toMatchObject({
      code: -21,
      message: 'revoked',
    });
    expect(parseSectigoResponse('{"errorCode":0,"orderNumber":1234567}\n', 2)).toMatchObject({
      orderNumber: '1234567',
    });
  });
});

describe('parseSectigoResponse: the format asked for is a hint, not a promise', () => {
  it.each([
    ['lines when url-encoded was asked', '-16\nPermission denied!', 1, 0],
    ['url-encoded when lines were asked', 'errorCode=-16&errorMessage=Permission+denied%21', 0, 1],
    ['JSON when lines were asked', '{"errorCode":-16,"errorMessage":"Permission denied!"}', 0, 2],
    ['url-encoded when JSON was asked', 'errorCode=-16&errorMessage=Permission+denied%21', 2, 1],
    ['lines when JSON was asked', '-16\nPermission denied!', 2, 0],
  ] as const)('reads %s', (_, body, requested, actual) => {
    expect(parseSectigoResponse(body, requested)).toMatchObject({
      ok: true,
      format: actual,
      code: -16,
      message: 'Permission denied!',
    });
  });
});

describe('parseSectigoResponse: unreadable bodies', () => {
  it.each([
    ['an empty body', '', 'empty'],
    ['a blank body', ' \r\n\t', 'empty'],
    ['an HTML error page', '<html><body><h1>502 Bad Gateway</h1></body></html>', 'HTML'],
    ['cut-off JSON', '{"errorCode":0,"orderNum', 'cut off'],
    ['JSON without errorCode', '{"errorMessage":"x"}', 'no errorCode'],
    ['JSON with a non-integer errorCode', '{"errorCode":"zero"}', 'not an integer'],
    ['a fractional JSON errorCode', '{"errorCode":-1.5}', 'not an integer'],
    ['a JSON array', '[0]', 'no status code'],
    ['a non-integer url-encoded errorCode', 'errorCode=abc&errorMessage=x', 'not an integer'],
    ['an empty url-encoded errorCode', 'errorCode=&errorMessage=x', 'not an integer'],
    ['plain text', 'OK', 'no status code'],
    ['a code that is not on line 1', 'Result:\n0', 'no status code'],
    ['a code with trailing text', '0 OK', 'no status code'],
  ] as const)('rejects %s with a reason', (_, body, reason) => {
    for (const requested of [0, 1, 2] as const) {
      const result = parseSectigoResponse(body, requested);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain(reason);
    }
  });
});
