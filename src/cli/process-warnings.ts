/**
 * Process warnings as a person at the terminal should see them. BullMQ 6.7 (worker.js
 * `waitForRateLimit`) computes its rate-limit wait as `limitUntil - Date.now()` after checking
 * that it is positive, so a wait that ends in between becomes `setTimeout(-1)`: Node then prints
 * "TimeoutNegativeWarning: -1 is a negative number" in the middle of a demo or an incident,
 * though the timer just fires at once, which is what BullMQ meant. Only that warning is dropped;
 * every other warning prints as Node would print it.
 */
export function quietBullmqTimeoutWarnings(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const print of printers) print(warning);
  });
}
