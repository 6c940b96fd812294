// Text the UI sends to Rust is valid Unicode. A half-deleted or half-pasted
// emoji leaves a lone UTF-16 surrogate in an input; JSON can carry it, but Rust
// strings cannot, so Tauri would refuse the whole call before any command runs.
// Each lone surrogate becomes U+FFFD instead: Rust's checks then name the field
// it is in ("a character that cannot be part of it"), and the person retypes it.

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

type Invoke = (cmd: string, args?: unknown, options?: unknown) => Promise<unknown>;

/**
 * Every command the generated bindings call goes through Tauri's one `invoke`;
 * wrapping it here covers them all, including commands added later.
 */
export function sendOnlyWellFormedText(internals: { invoke: Invoke }): void {
  const invoke = internals.invoke.bind(internals);
  internals.invoke = (cmd, args, options) => invoke(cmd, wellFormed(args), options);
}
