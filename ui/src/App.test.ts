import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { IpcError } from "./bindings";
import { demo, mockCommands } from "./test-ipc";

describe("App", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("shows the version, mode and ABDM host from app_info", async () => {
    mockCommands();
    render(App);

    const info = await screen.findByText(/Version 0\.1\.0/);
    expect(info.id).toBe("app-info");
    expect(info.textContent).toContain("Demo mode");
    expect(info.textContent).toContain("127.0.0.1");
    expect(info.dataset.state).toBe("ready");
  });

  it("shows the demo banner and the demo phone only in demo mode", async () => {
    mockCommands({ app_info: () => ({ ...demo, mode: "abdm-sandbox", abdmHost: "dev.abdm.gov.in" }) });
    render(App);

    await screen.findByText(/ABDM sandbox/);
    expect(screen.queryByRole("note")).toBeNull();
    expect(screen.queryByText("Demo phone")).toBeNull();
  });

  it("announces the banner when in demo mode", async () => {
    mockCommands();
    render(App);

    const banner = await screen.findByRole("note");
    expect(banner.textContent).toMatch(/nothing is sent over the\s+internet/);
    await screen.findByText("Demo phone");
  });

  it("shows the human message for the error code, not the backend's text", async () => {
    const failure: IpcError = { code: "INTERNAL", message: "sqlx: row for 9876543210 vanished" };
    mockCommands({
      app_info: () => {
        throw failure;
      },
    });
    render(App);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Something went wrong");
    expect(alert.textContent).not.toContain("9876543210");
  });

  it("asks for a passphrase when there is no keyring", async () => {
    mockCommands({ data_lock: () => ({ state: "needsPassphrase", firstTime: true }) });
    render(App);

    expect(await screen.findByText("Protect your data with a passphrase")).toBeTruthy();
    expect(screen.getByLabelText("Passphrase")).toBeTruthy();
  });

  it("opens on the home screen when someone is signed in", async () => {
    mockCommands({
      session: () => ({
        address: "asha.verma@sbx",
        person: {
          fullName: "Asha Verma",
          gender: "F",
          yearOfBirth: 1987,
          abhaNumberMasked: null,
          mobileMasked: "******3210",
          emailMasked: null,
          kycVerified: false,
        },
        addresses: [{ address: "asha.verma@sbx", isDefault: false, signedIn: true }],
      }),
    });
    render(App);

    expect(await screen.findByText("Welcome, Asha Verma")).toBeTruthy();
    expect(screen.getByText("Self-declared")).toBeTruthy();
  });

  it("shows the offline banner when a call finds no network, and drops it when one gets through", async () => {
    let online = false;
    mockCommands({
      login_by_contact: () => {
        if (!online) throw { code: "NETWORK_UNAVAILABLE", message: "x" };
        return { id: "f", via: { kind: "mobile", shown: "******3210" }, step: { step: "awaitingOtp", expiresAt: 1 }, txn: "t" };
      },
    });
    render(App);

    const input = await screen.findByLabelText("Mobile number or email");
    await fireEvent.input(input, { target: { value: "9876543210" } });
    await fireEvent.click(screen.getByText("Continue"));
    expect((await screen.findByText("You are offline.")).closest("#offline-banner")).toBeTruthy();
    expect((input as HTMLInputElement).value).toBe("9876543210");

    online = true;
    await fireEvent.click(screen.getByText("Continue"));
    await screen.findByLabelText("OTP");
    expect(screen.queryByText("You are offline.")).toBeNull();
  });
});
