import type { IpcError } from "./bindings";
import { toIpcError } from "./errors";

/** What a command with a `Result` on the Rust side resolves to. */
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/**
 * A command's value or its `{code, message}`, so screens branch on the code.
 * Rejections (Tauri's own, e.g. a missing permission) become `INTERNAL`.
 */
export async function attempt<T>(call: Promise<CommandResult<T>>): Promise<Outcome<T>> {
  try {
    const result = await call;
    return result.status === "ok" ? { ok: true, value: result.data } : { ok: false, error: toIpcError(result.error) };
  } catch (rejection) {
    return { ok: false, error: toIpcError(rejection) };
  }
}
