/**
 * Calls made in one turn of the event loop, run as one. Each caller gets its own answer, or the
 * error of the run they shared. For work that costs more per call than per item: the API's single
 * items each paid a Redis round trip and a script run to join the batch of the day (bench e),
 * while a busy server parses several requests in one turn, and those can share one.
 *
 * The run starts in the turn's check phase (setImmediate), after every I/O callback that was
 * ready: a caller waits at most for the callbacks already due.
 */
export function perTurn<I, R>(
  run: (inputs: I[]) => Promise<R[]>,
  /** A turn's calls beyond this many go to another run (Lua's unpack has a limit, for one). */
  maxPerRun = 500,
): (input: I) => Promise<R> {
  interface Call {
    input: I;
    resolve: (result: R) => void;
    reject: (error: unknown) => void;
  }
  let waiting: Call[] | undefined;
  const flush = async (calls: Call[]) => {
    try {
      const results = await run(calls.map((call) => call.input));
      if (results.length !== calls.length) {
        throw new Error(`perTurn: ${results.length} answers for ${calls.length} calls`);
      }
      calls.forEach((call, i) => {
        call.resolve(results[i] as R);
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };
  return (input) =>
    new Promise<R>((resolve, reject) => {
      if (waiting === undefined || waiting.length >= maxPerRun) {
        const calls: Call[] = [];
        waiting = calls;
        setImmediate(() => {
          waiting = undefined;
          void flush(calls);
        });
      }
      waiting.push({ input, resolve, reject });
    });
}
