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

  it("turns an unknown code into INTERNAL rather than trusting it", () => {
    expect(toIpcError({ code: "SOMETHING_NEW", message: "?" }).code).toBe("INTERNAL");
  });
});

describe("describeError", () => {
  it("always answers with a message from the table", () => {
    for (const rejection of [undefined, null, 42, new Error("boom"), { code: "INTERNAL", message: "raw" }]) {
      expect(Object.values(errorMessages)).toContain(describeError(rejection));
    }
  });
});
