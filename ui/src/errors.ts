// The one place an error code becomes words. The UI branches on `code`, never on
// the backend's text; every ErrorCode must have an entry here (the type checks it).
import type { ErrorCode, IpcError } from "./bindings";

export const errorMessages: Record<ErrorCode, string> = {
  INTERNAL: "Something went wrong inside ABHA Desktop. Please try again; if it keeps happening, restart the app.",
};

const codes = new Set<string>(Object.keys(errorMessages));

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    codes.has((value as { code: string }).code)
  );
}

/**
 * Any rejection from a command, as an IpcError. Tauri itself rejects with a bare
 * string (unknown command, permission denied); those are bugs, so INTERNAL.
 */
export function toIpcError(rejection: unknown): IpcError {
  if (isIpcError(rejection)) return rejection;
  return { code: "INTERNAL", message: errorMessages.INTERNAL };
}

/** What to show a person for a failed command. */
export function describeError(rejection: unknown): string {
  return errorMessages[toIpcError(rejection).code];
}
