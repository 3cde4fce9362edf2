// An application's test that needs a model: it calls the model at OPENAI_BASE_URL, as the
// application would, and checks what comes back. compose/ci/pipeline.sh runs it with node --test.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { OPENAI_BASE_URL: baseUrl, MODEL: model } = process.env;

test('the model answers a chat completion', async () => {
  assert.ok(baseUrl && model, 'OPENAI_BASE_URL and MODEL must be set');
  const response = await fetch(new URL('chat/completions', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 8 }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const completion = await response.json();
  assert.equal(typeof completion.choices[0].message.content, 'string');
  assert.ok(completion.usage.completion_tokens > 0);
});
