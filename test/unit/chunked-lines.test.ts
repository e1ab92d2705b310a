import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunkedLines } from '../../src/logger.ts';

afterEach(() => {
  vi.useRealTimers();
});

function collector() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (chunk: string) => void chunks.push(chunk), flushSync: () => {} } };
}

describe('chunkedLines', () => {
  it('holds lines until the chunk is full, then hands them on as one write, in order', () => {
    const { chunks, stream } = collector();
    const out = chunkedLines(stream, 10, 1000);
    out.write('aaaa\n');
    out.write('bbbb\n');
    expect(chunks).toEqual(['aaaa\nbbbb\n']);
    out.write('cc\n');
    expect(chunks).toHaveLength(1);
  });

  it('hands on what it holds once flushMs pass, however little', () => {
    vi.useFakeTimers();
    const { chunks, stream } = collector();
    const out = chunkedLines(stream, 4096, 250);
    out.write('one\n');
    vi.advanceTimersByTime(249);
    expect(chunks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(chunks).toEqual(['one\n']);
    out.write('two\n');
    vi.advanceTimersByTime(250);
    expect(chunks).toEqual(['one\n', 'two\n']);
  });
});
