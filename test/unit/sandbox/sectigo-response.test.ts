import { describe, expect, it } from 'vitest';
import { sectigoMessage } from '../../../src/sandbox/sectigo/codes.ts';
import { collectParams } from '../../../src/sandbox/sectigo/params.ts';
import {
  renderSectigo,
  type SectigoAnswer,
  type SectigoFormat,
} from '../../../src/sandbox/sectigo/response.ts';

const render = (answer: SectigoAnswer, format: SectigoFormat, endpoint = 'AutoRevokeSSL') => {
  const action = renderSectigo(answer, endpoint, format);
  if (action.kind !== 'reply') throw new Error('expected a reply');
  return action.reply;
};

describe('Sectigo answers', () => {
  it('format 0: text/plain lines, the message on line 2 when the code is negative', () => {
    expect(render({ code: 0 }, 0)).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: '0\n',
    });
    expect(render({ code: -4, argument: 'orderNumber' }, 0).body).toBe(
      "-4\nThe value of the 'orderNumber' argument is invalid!\n",
    );
    expect(render({ code: 0, orderNumber: '77' }, 0, 'AutoReplaceSMIME').body).toBe('0\n77\n');
  });

  it('format 1: url-encoded like Java URLEncoder, no errorMessage on success', () => {
    const reply = render({ code: -3, argument: 'loginName' }, 1);
    expect(reply.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(reply.body).toBe('errorCode=-3&errorMessage=The+%27loginName%27+argument+is+missing%21');
    expect(render({ code: 0 }, 1).body).toBe('errorCode=0');
    expect(render({ code: 0, orderNumber: '9' }, 1, 'AutoReplaceSMIME').body).toBe(
      'errorCode=0&orderNumber=9',
    );
  });

  it('format 2: JSON', () => {
    const reply = render({ code: 0, orderNumber: '12345' }, 2, 'AutoReplaceSMIME');
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ errorCode: 0, orderNumber: 12345 });
    expect(JSON.parse(render({ code: -42 }, 2).body)).toEqual({
      errorCode: -42,
      errorMessage: 'Call limit reached, please try again later',
    });
  });

  it('words messages per endpoint where the docs do', () => {
    expect(sectigoMessage(-21, 'AutoRevokeSSL')).toBe('The certificate has already been revoked!');
    expect(sectigoMessage(-21, 'AutoRevokePAC')).toBe('The certificate has already been Revoked!');
    expect(sectigoMessage(-26, 'AutoRevokePAC')).toBe('The certificate is currently being Issued!');
    expect(sectigoMessage(-16, 'AutoRevokeSSL')).toBe('Permission denied!');
    expect(sectigoMessage(-16, 'AutoReplaceSMIME')).toMatch(/^Incorrect login details/);
  });
});

describe('Sectigo parameters', () => {
  it('matches names exactly or case-insensitively, first value wins, empty is absent', () => {
    const known = ['loginName', 'orderNumber', 'test'];
    const sources = [
      new URLSearchParams('ORDERNUMBER=1'),
      new URLSearchParams('loginname=a&ordernumber=2&test=&x=1'),
    ];
    const loose = collectParams(sources, known, true);
    expect(loose.get('orderNumber')).toBe('1');
    expect(loose.get('loginName')).toBe('a');
    expect(loose.get('test')).toBeUndefined();
    expect(loose.unrecognised).toEqual(['x']);
    const strict = collectParams(sources, known, false);
    expect(strict.get('orderNumber')).toBeUndefined();
    expect(strict.unrecognised).toEqual(['ORDERNUMBER', 'loginname', 'ordernumber', 'x']);
  });
});
