/** `action`, run on the first call only; later calls do nothing. */
export function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      action();
    }
  };
}
