// Text the UI sends to Rust is valid Unicode. A half-deleted or half-pasted
// emoji leaves a lone UTF-16 surrogate in an input; JSON can carry it, but Rust
// strings cannot, so Tauri would refuse the whole call before any command runs.
// Each lone surrogate becomes U+FFFD instead: Rust's checks then name the field
// it is in ("a character that cannot be part of it"), and the person retypes it.
import { invoke as tauriInvoke } from "@tauri-apps/api/core";

export * from "@tauri-apps/api/core";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with every string in it (nested in plain objects and arrays) well formed. */
export function wellFormed<T>(value: T): T {
  if (typeof value === "string") return value.replace(LONE_SURROGATE, "\uFFFD") as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)])) as T;
  }
  return value;
}

/**
 * Tauri's `invoke`, sending only well-formed text. The generated bindings import
 * `invoke` from `@tauri-apps/api/core`; Vite gives them this module instead (see
 * `vite.config.ts`), so every command, including ones added later, goes through
 * it. Tauri's own `__TAURI_INTERNALS__.invoke` cannot be replaced: the window
 * defines it read-only, and assigning to it stopped the UI from mounting.
 */
export const invoke: typeof tauriInvoke = (cmd, args, options) => tauriInvoke(cmd, wellFormed(args), options);
