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

// Tauri's words when a command's arguments do not deserialize
// (tauri::Error::InvalidArgs), or when the request is not JSON Rust can read at
// all (serde_json's "… at line 1 column 23", e.g. for a lone surrogate).
const INVALID_ARGS = /^invalid args `[^`]*` for command `[^`]*`|^[^\n]{1,200} at line \d+ column \d+$/;

/**
 * Any rejection from a command, as an IpcError. Tauri itself rejects with a bare
 * string: arguments it could not read are MALFORMED_REQUEST; the rest (unknown
 * command, permission denied) are bugs, so INTERNAL. Tauri's text is never kept:
 * it can quote the whole argument back, a megabyte of it.
 */
export function toIpcError(rejection: unknown): IpcError {
  if (isIpcError(rejection)) return rejection;
  if (typeof rejection === "string" && INVALID_ARGS.test(rejection)) {
    return { code: "MALFORMED_REQUEST", message: enErrors.MALFORMED_REQUEST };
  }
  return { code: "INTERNAL", message: enErrors.INTERNAL };
}

/** The code for a failed command, for screens that keep it and show `errorText(code)`. */
export const errorCode = (rejection: unknown): ErrorCode => toIpcError(rejection).code;
