export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A tool call's arguments as a value, as chat templates and Ollama's clients take them; arguments
 * a model or a client wrote that are not JSON stay text rather than being lost.
 */
export function argumentsValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The JSON value of `text`, or undefined when it is not JSON; for bodies looked into, never trusted. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
