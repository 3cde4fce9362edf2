/**
 * Ollama's `truncate` on /api/embed (true unless asked otherwise): an input longer than the model's
 * context is cut to fit, where Ollama cuts its tokens. Our engine tokenizes but does not turn tokens
 * back into text, so the cut is the longest prefix (in whole code points) of at most `maxTokens`
 * tokens, found by bisection: a few tokenize calls for an input that is too long, one for one that fits.
 */
export async function truncatedToContext(tokenize: (text: string) => Promise<number[]>, input: string, maxTokens: number): Promise<string> {
  const fits = async (text: string) => (await tokenize(text)).length <= maxTokens;
  if (await fits(input)) return input;
  const codePoints = Array.from(input);
  let fitting = 0;
  let over = codePoints.length;
  while (over - fitting > 1) {
    const middle = Math.floor((fitting + over) / 2);
    if (await fits(codePoints.slice(0, middle).join(''))) fitting = middle;
    else over = middle;
  }
  return codePoints.slice(0, fitting).join('');
}
