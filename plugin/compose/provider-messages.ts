/**
 * Compose's provider protocol (compose-empirics §4): one JSON object per line on stdout. Compose
 * 2.40.3 knows `info`, `debug`, `setenv` and `error`; anything else, plain text included, fails
 * the project, so nothing else may reach stdout while a provider command runs.
 */
export interface ProviderMessages {
  info(message: string): void;
  debug(message: string): void;
  /** `<SERVICE>_<name>=<value>` in every service that depends on the provider. */
  setenv(name: string, value: string): void;
  /** Compose stops reading at once, shows the message, and exits 1. */
  error(message: string): void;
}

export function providerMessages(out: NodeJS.WritableStream): ProviderMessages {
  const send = (type: string, message: string) => out.write(`${JSON.stringify({ type, message })}\n`);
  return {
    info: (message) => send('info', message),
    debug: (message) => send('debug', message),
    setenv: (name, value) => send('setenv', `${name}=${value}`),
    error: (message) => send('error', message),
  };
}
