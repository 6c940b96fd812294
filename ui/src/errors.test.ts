import { describe, expect, it } from "vitest";
import { describeError, errorMessages, toIpcError } from "./errors";

describe("toIpcError", () => {
  it("keeps a well-formed IpcError", () => {
    expect(toIpcError({ code: "INTERNAL", message: "x" })).toEqual({ code: "INTERNAL", message: "x" });
  });

  it("turns Tauri's bare string rejections into INTERNAL", () => {
    expect(toIpcError("app_info not allowed. Permissions associated with this command: allow-app-info").code).toBe(
      "INTERNAL",
    );
  });

  it("keeps a known code but never the backend's text", () => {
    expect(describeError({ code: "OTP_EXPIRED", message: "raw text 9876543210" })).toBe(errorMessages.OTP_EXPIRED);
  });

  it("turns an unknown code into INTERNAL rather than trusting it", () => {
    expect(toIpcError({ code: "SOMETHING_NEW", message: "?" }).code).toBe("INTERNAL");
  });
});

describe("errorMessages", () => {
  it("has a sentence for every code", () => {
    for (const [code, message] of Object.entries(errorMessages)) {
      expect(message.length, code).toBeGreaterThan(10);
      expect(message.endsWith("."), code).toBe(true);
    }
  });
});

describe("describeError", () => {
  it("always answers with a message from the table", () => {
    for (const rejection of [undefined, null, 42, new Error("boom"), { code: "INTERNAL", message: "raw" }]) {
      expect(Object.values(errorMessages)).toContain(describeError(rejection));
    }
  });
});
