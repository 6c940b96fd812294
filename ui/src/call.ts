import type { IpcError } from "./bindings";
import { toIpcError } from "./errors";
import { closesDesk, readDesk } from "./desk.svelte";
import { network } from "./network.svelte";

/** What a command with a `Result` on the Rust side resolves to. */
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/**
 * A command's value or its `{code, message}`, so screens branch on the code.
 * Rejections (Tauri's own, e.g. a missing permission) become `INTERNAL`.
 */
export async function attempt<T>(
  call: Promise<CommandResult<T>>,
  { local = false }: { local?: boolean } = {},
): Promise<Outcome<T>> {
  let outcome: Outcome<T>;
  try {
    const result = await call;
    outcome =
      result.status === "ok" ? { ok: true, value: result.data } : { ok: false, error: toIpcError(result.error) };
  } catch (rejection) {
    outcome = { ok: false, error: toIpcError(rejection) };
  }
  if (!outcome.ok && closesDesk(outcome.error.code)) void readDesk();
  if (!outcome.ok && outcome.error.code === "NETWORK_UNAVAILABLE") network.offline = true;
  // A command that reads only this computer's cache says nothing about the network.
  else if (outcome.ok && !local) network.offline = false;
  return outcome;
}
