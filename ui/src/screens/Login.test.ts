import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import Login from "./Login.svelte";
import type { LoginFlow_Serialize as LoginFlow } from "../bindings";
import { mockCommands } from "../test-ipc";

const now = () => Math.floor(Date.now() / 1000);
const otpFlow = (): LoginFlow => ({
  id: "f1",
  via: { kind: "mobile", shown: "******3210" },
  step: { step: "awaitingOtp", expiresAt: now() + 600, resendAt: now() + 60 },
  txn: "t",
});

describe("Login", () => {
  // A still clock: the validity shown is exactly what the flow says.
  beforeEach(() => {
    clearMocks();
    vi.useFakeTimers({ toFake: ["Date"], now: 1_800_000_000_000 });
  });
  afterEach(() => {
    cleanup();
    clearMocks();
    vi.useRealTimers();
  });

  it("refuses a bad mobile with its message and keeps what was typed", async () => {
    mockCommands({
      login_by_contact: () => {
        throw { code: "INVALID_MOBILE", message: "A mobile number has 10 digits." };
      },
    });
    render(Login, { onSignedIn: () => {} });

    const input = screen.getByLabelText("Mobile number or email") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "98765" } });
    await fireEvent.click(screen.getByText("Continue"));

    expect((await screen.findByRole("alert")).textContent).toContain("10-digit mobile number");
    expect(input.value).toBe("98765");
  });

  it("shows the OTP's validity, keeps the OTP after a wrong one, then offers the linked addresses", async () => {
    let tries = 0;
    const calls = mockCommands({
      login_by_contact: () => otpFlow(),
      login_verify_otp: () => {
        tries += 1;
        if (tries === 1) throw { code: "OTP_INVALID", message: "x" };
        return {
          next: "choose",
          value: { ...otpFlow(), step: { step: "choosingAddress", addresses: ["asha.verma@sbx", "ashav.pune@sbx"] } },
        };
      },
      login_choose: () => ({ address: "ashav.pune@sbx", fullName: "Asha Verma", kycVerified: false }),
    });
    const onSignedIn = vi.fn();
    render(Login, { onSignedIn });

    await fireEvent.input(screen.getByLabelText("Mobile number or email"), { target: { value: "9876543210" } });
    await fireEvent.click(screen.getByText("Continue"));
    expect((await screen.findByRole("timer")).textContent).toBe("Valid for 10:00");

    const otp = screen.getByLabelText("OTP") as HTMLInputElement;
    await fireEvent.input(otp, { target: { value: "000000" } });
    await fireEvent.click(screen.getByText("Verify"));
    expect((await screen.findByRole("alert")).textContent).toContain("not right");
    expect(otp.value).toBe("000000");

    await fireEvent.input(otp, { target: { value: "123456" } });
    await fireEvent.click(screen.getByText("Verify"));
    await fireEvent.click(await screen.findByText("ashav.pune@sbx"));

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(calls.find((c) => c.cmd === "login_choose")?.args).toMatchObject({ flowId: "f1", address: "ashav.pune@sbx" });
  });

  it("offers Resend OTP after a minute, and says where the new OTP went", async () => {
    const calls = mockCommands({
      login_by_contact: () => otpFlow(),
      login_resend_otp: () => otpFlow(),
    });
    render(Login, { onSignedIn: () => {} });
    await fireEvent.input(screen.getByLabelText("Mobile number or email"), { target: { value: "9876543210" } });
    await fireEvent.click(screen.getByText("Continue"));

    const resend = (await screen.findByText("Resend OTP in 60 s")) as HTMLButtonElement;
    expect(resend.disabled).toBe(true);
    vi.setSystemTime(Date.now() + 60_000);
    await vi.waitFor(() => expect(resend.textContent?.trim()).toBe("Resend OTP"), { timeout: 2_000 });
    expect(resend.disabled).toBe(false);
    await fireEvent.click(resend);

    expect((await screen.findByRole("status")).textContent).toBe("We sent a new OTP to ******3210.");
    expect(calls.filter((c) => c.cmd === "login_resend_otp").map((c) => c.args)).toEqual([{ flowId: "f1" }]);
    // The minute starts again.
    expect(resend.textContent?.trim()).toBe("Resend OTP in 60 s");
  });

  it("says when the OTP has expired", async () => {
    mockCommands({ login_by_contact: () => ({ ...otpFlow(), step: { step: "awaitingOtp", expiresAt: now() - 1, resendAt: now() - 541 } }) });
    render(Login, { onSignedIn: () => {} });
    await fireEvent.input(screen.getByLabelText("Mobile number or email"), { target: { value: "9876543210" } });
    await fireEvent.click(screen.getByText("Continue"));
    expect((await screen.findByRole("timer")).textContent).toContain("expired");
  });
});
