// Calls models the way an application in a Compose project does: at the URL and with the model
// name Compose put in its environment. Arguments come in threes: `chat|embed URL_VAR MODEL_VAR`.
// Prints one line per call and exits 1 if any call failed.
const args = process.argv.slice(2);
let failed = false;

async function call(kind, url, model) {
  const path = kind === 'chat' ? 'chat/completions' : 'embeddings';
  const body = kind === 'chat' ? { model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 8 } : { model, input: 'hello' };
  const response = await fetch(new URL(path, url.endsWith('/') ? url : `${url}/`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  const detail = kind === 'chat' ? JSON.stringify(answer.choices?.[0]?.message?.content ?? answer.error?.message ?? '') : `${answer.data?.[0]?.embedding?.length ?? 0} dimensions`;
  return `${kind} ${model} ${response.status} ${detail}`;
}

for (let i = 0; i < args.length; i += 3) {
  const [kind, urlVar, modelVar] = args.slice(i, i + 3);
  const url = process.env[urlVar];
  const model = process.env[modelVar];
  if (!url || !model) {
    console.log(`${kind} missing ${!url ? urlVar : modelVar} in the environment`);
    failed = true;
    continue;
  }
  const line = await call(kind, url, model).catch((error) => `${kind} ${model} failed ${error.cause?.code ?? error.message}`);
  console.log(line);
  if (!/ 200 /.test(line)) failed = true;
}
process.exit(failed ? 1 : 0);
