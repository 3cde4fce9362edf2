/**
 * `model-runner/testcontainers`: the model runner as a Testcontainers module for Node, built on
 * the `testcontainers` package (11.x, the last line that runs on Node 20; install it beside this
 * package). It lives in plugin/, the runner's client side, beside the pull it reuses
 * (plugin/transfer); with src/docker it is the only code that depends on the Docker libraries
 * (testcontainers and its dockerode).
 *
 * Testcontainers' reaper (Ryuk) is an image on Docker Hub: where Docker Hub is out of reach, set
 * TESTCONTAINERS_RYUK_DISABLED=true and stop every container yourself (`await using`, or
 * `stop()` in an afterAll). The runner image itself is never pulled.
 *
 * @example
 * const runner = await new ModelRunnerContainer('model-runner:cpu').withModel('ai/smollm2').start();
 * const openai = new OpenAI({ baseURL: runner.getOpenAIEndpoint(), apiKey: 'unused' });
 * await openai.chat.completions.create({ model: runner.getModel(), messages: [{ role: 'user', content: 'Hi' }] });
 * await runner.stop();
 */
export { DEFAULT_IMAGE, ModelRunnerContainer, TESTCONTAINERS_LABEL } from './model-runner-container.js';
export { StartedModelRunnerContainer } from './started-model-runner-container.js';
