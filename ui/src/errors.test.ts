import { afterEach, describe, expect, it } from "vitest";
import { errorCode, toIpcError } from "./errors";
import { errorText, setLang } from "./i18n.svelte";
import { enErrors } from "./locales/en";
import { hiErrors } from "./locales/hi";

afterEach(() => setLang("en"));

describe("toIpcError", () => {
  it("keeps a well-formed IpcError", () => {
    expect(toIpcError({ code: "INTERNAL", message: "x" })).toEqual({ code: "INTERNAL", message: "x" });
  });

  it("turns Tauri's bare string rejections into INTERNAL", () => {
    expect(toIpcError("app_info not allowed. Permissions associated with this command: allow-app-info").code).toBe(
      "INTERNAL",
    );
  });

  it("turns Tauri's refusal of a command's arguments into MALFORMED_REQUEST, without its text", () => {
    const huge = "x".repeat(1 << 20);
    const refusal = `invalid args \`purpose\` for command \`verify_patient\`: unknown variant \`${huge}\`, expected one of \`LINK\``;
    expect(toIpcError(refusal)).toEqual({ code: "MALFORMED_REQUEST", message: enErrors.MALFORMED_REQUEST });
    expect(toIpcError("invalid args `flowId` for command `abandon_flow`: invalid type: integer `1`, expected a string").code).toBe(
      "MALFORMED_REQUEST",
    );
    // A request body Rust cannot read at all: a lone surrogate sent past the bindings.
    expect(toIpcError("unexpected end of hex escape at line 1 column 24").code).toBe("MALFORMED_REQUEST");
    expect(toIpcError(`unknown thing at line 1 column 2\n${huge}`).code).toBe("INTERNAL");
  });

  it("keeps a known code but never the backend's text", () => {
    expect(errorText(errorCode({ code: "OTP_EXPIRED", message: "raw text 9876543210" }))).toBe(enErrors.OTP_EXPIRED);
  });

  it("turns an unknown code into INTERNAL rather than trusting it", () => {
    expect(toIpcError({ code: "SOMETHING_NEW", message: "?" }).code).toBe("INTERNAL");
  });
});

describe("error messages", () => {
  it("have a sentence for every code in both languages", () => {
    for (const table of [enErrors, hiErrors]) {
      for (const [code, message] of Object.entries(table)) {
        expect(message.length, code).toBeGreaterThan(10);
        expect(/[.।]$/.test(message), code).toBe(true);
      }
    }
  });

  it("follow the chosen language", async () => {
    await setLang("hi");
    expect(errorText(errorCode({ code: "OTP_EXPIRED", message: "" }))).toBe(hiErrors.OTP_EXPIRED);
  });
});

describe("errorCode", () => {
  it("always answers with a message from the table", () => {
    for (const rejection of [undefined, null, 42, new Error("boom"), { code: "INTERNAL", message: "raw" }]) {
      expect(Object.values(enErrors)).toContain(errorText(errorCode(rejection)));
    }
  });
});
