import type { ErrorStyle } from './render-error.js';

/** Per-request values route groups set for the app's shared handlers. */
export interface ServerEnv {
  Variables: {
    errorStyle: ErrorStyle;
  };
}
