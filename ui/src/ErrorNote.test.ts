import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import Home from "./screens/Home.svelte";
import Signup from "./screens/Signup.svelte";
import type { Session_Serialize as Session } from "./bindings";
import { ashaPerson, mockCommands } from "./test-ipc";

const session: Session = {
  address: "asha.verma@sbx",
  person: ashaPerson,
  addresses: [
    { address: "asha.verma@sbx", isDefault: true, signedIn: true, onSameContact: false },
    { address: "asha.walk2026@sbx", isDefault: false, signedIn: false, onSameContact: false },
  ],
  consented: true,
};

describe("Errors where the person looks", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("shows a failed 'Log in to it' beside the addresses, not at the end of the page, as a focused alert", async () => {
    mockCommands({
      login_by_address: () => {
        throw { code: "ACCOUNT_NOT_FOUND", message: "x" };
      },
    });
    render(Home, { session, onChanged: () => {} });
    await fireEvent.click(screen.getByText("Log in to it"));

    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("ACCOUNT_NOT_FOUND");
    expect(alert.previousElementSibling?.id).toBe("addresses");
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });

  it("marks and focuses the field Rust names, and unmarks it when the next try starts", async () => {
    let tries = 0;
    mockCommands({
      signup_by_contact: () => ({
        id: "s1",
        via: { kind: "mobile", shown: "******1199" },
        step: { step: "awaitingOtp", expiresAt: 4_000_000_000, resendAt: 4_000_000_000 },
        linked: [],
        kyc: null,
        draft: null,
        session: "x",
      }),
      signup_verify_otp: () => ({
        id: "s1",
        via: { kind: "mobile", shown: "******1199" },
        step: { step: "verified" },
        linked: [],
        kyc: null,
        draft: null,
        session: "x",
      }),
      states: () => [{ code: "33", name: "Tamil Nadu" }],
      signup_keep_draft: () => null,
      signup_profile: () => {
        tries += 1;
        throw { code: "INVALID_DATE_OF_BIRTH", message: "x", field: "dateOfBirth" };
      },
    });
    render(Signup, { onSignedIn: () => {}, onCreated: () => {} });
    await fireEvent.input(screen.getByLabelText("Mobile number or email"), { target: { value: "9822001199" } });
    await fireEvent.click(screen.getByText("Continue"));
    await fireEvent.input(await screen.findByLabelText("OTP"), { target: { value: "123456" } });
    await fireEvent.click(screen.getByText("Verify"));
    const form = (await screen.findByLabelText("First name *")).closest("form")!;
    await fireEvent.click(screen.getByRole("checkbox"));
    await fireEvent.submit(form);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("real date of birth");
    const day = screen.getByLabelText("Day");
    await waitFor(() => expect(document.activeElement).toBe(day));
    expect(day.getAttribute("aria-invalid")).toBe("true");
    expect(day.getAttribute("aria-describedby")).toContain(alert.id);

    await fireEvent.submit(form);
    await waitFor(() => expect(tries).toBe(2));
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });
});
