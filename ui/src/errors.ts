// A rejection from a command, as the closed set of codes. The UI branches on
// `code`, never on the backend's text, and shows `errorText(code)` from
// `locales/` (every ErrorCode must have an entry in each table: the type checks it).
import type { ErrorCode, IpcError } from "./bindings";
import { enErrors } from "./locales/en";

const codes = new Set<string>(Object.keys(enErrors));

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
  return { code: "INTERNAL", message: enErrors.INTERNAL };
}

/** The code for a failed command, for screens that keep it and show `errorText(code)`. */
export const errorCode = (rejection: unknown): ErrorCode => toIpcError(rejection).code;
