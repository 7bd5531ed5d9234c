/**
 * The log the engine writes to. The action passes one backed by @actions/core, the CLI one that
 * prints to a terminal, and tests a silent or recording one.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Runs `work` inside a collapsible log group named `name`. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** Makes text from the API safe for one log line: no line breaks, so no line can start a workflow command. */
export function logSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

export const silentLogger: Logger = {
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  group: (_name, work) => work(),
};
