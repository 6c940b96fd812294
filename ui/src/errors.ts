// The one place an error code becomes words. The UI branches on `code`, never on
// the backend's text; every ErrorCode must have an entry here (the type checks it).
import type { ErrorCode, IpcError } from "./bindings";

export const errorMessages: Record<ErrorCode, string> = {
  INVALID_MOBILE: "Enter a 10-digit mobile number starting with 6, 7, 8 or 9.",
  INVALID_EMAIL: "Enter an email address like name@example.in.",
  INVALID_OTP_FORMAT: "The OTP has 6 digits.",
  INVALID_ABHA_ADDRESS: "Enter an ABHA address like name@abdm.",
  INVALID_ABHA_NUMBER: "Enter the 14-digit ABHA number, like 91-1234-5678-9012.",
  INVALID_YEAR_OF_BIRTH: "Enter the year of birth as 4 digits, like 1987.",
  INVALID_PROFILE: "Check the highlighted detail of the profile.",
  PASSWORDS_DIFFER: "The two passwords are not the same.",
  OTP_INVALID: "That OTP (or password) is not right. Check it and try again.",
  OTP_EXPIRED: "This OTP has expired. Request a new one.",
  OTP_LOCKED: "Too many attempts. Please try again after 30 minutes.",
  OTP_RESEND_TOO_SOON: "Please wait a moment before asking for a new OTP.",
  ACCOUNT_NOT_FOUND: "No ABHA account was found for these details.",
  ACCOUNT_LOCKED: "This account is locked after too many attempts. Try another way to log in, or try again in 24 hours.",
  ADDRESS_TAKEN: "This ABHA address is already taken. Choose another.",
  ADDRESS_LIMIT_REACHED: "This mobile number already has the most ABHA addresses allowed (4).",
  WEAK_PASSWORD: "The password does not meet the rules shown.",
  SESSION_EXPIRED: "Your session has ended. Please log in again.",
  NOT_SIGNED_IN: "Please log in first.",
  NETWORK_UNAVAILABLE: "You are offline. Nothing you entered was lost; try again when connected.",
  ABDM_UNAVAILABLE: "ABDM is not answering right now. Please try again in a few minutes.",
  KEYRING_UNAVAILABLE: "The system keyring is not available. A passphrase is needed to protect your data.",
  WRONG_PASSPHRASE: "That passphrase does not open the saved data. Try again.",
  STORAGE_UNAVAILABLE: "The saved data on this computer cannot be opened.",
  FLOW_NOT_FOUND: "This step is no longer open. Please start again.",
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
