const actions: Array<() => void> = [];

/**
 * Runs `action` (synchronous) when the process exits in an orderly way, after the actions
 * registered before it; one that throws does not stop the rest. A killed process runs none.
 */
export function atExit(action: () => void): void {
  if (actions.length === 0) {
    process.once('exit', () => {
      for (const run of actions) {
        try {
          run();
        } catch {
          // the process is ending: nothing left to tell
        }
      }
    });
  }
  actions.push(action);
}
