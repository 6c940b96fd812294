import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { IpcError } from "./bindings";
import { ashaPerson, demo, mockCommands } from "./test-ipc";
import { setLang } from "./i18n.svelte";

/** Signed in, not yet agreed to the processing consent. */
const asha = {
  address: "asha.verma@sbx",
  person: ashaPerson,
  addresses: [{ address: "asha.verma@sbx", isDefault: false, signedIn: true }],
  consented: false,
};

describe("App", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
    setLang("en");
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

  it("asks for the saved data and the session while app_info is still on its way", async () => {
    let answer: (info: typeof demo) => void = () => {};
    const calls = mockCommands({ app_info: () => new Promise((resolve) => (answer = resolve)) });
    render(App);

    await waitFor(() => expect(calls.map((c) => c.cmd)).toEqual(expect.arrayContaining(["data_lock", "session"])));
    answer(demo);
    expect(await screen.findByRole("button", { name: "Log in" })).toBeTruthy();
    expect(calls.filter((c) => c.cmd === "session")).toHaveLength(1);
  });

  it("says so when the saved data cannot be opened", async () => {
    mockCommands({
      data_lock: () => {
        throw { code: "STORAGE_UNAVAILABLE", message: "raw" };
      },
    });
    render(App);

    const info = await screen.findByRole("alert");
    expect(info.id).toBe("app-info");
    expect(info.textContent).toContain("cannot be opened");
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

  it("asks the demo phone's questions only once the first screen is shown", async () => {
    let answer: (who: null) => void = () => {};
    const calls = mockCommands({ session: () => new Promise((resolve) => (answer = resolve)) });
    render(App);

    await screen.findByRole("note");
    // The phone's module is loaded, so only the wait for the first screen holds it back.
    await import("./screens/DemoPhone.svelte");
    await new Promise((settle) => setTimeout(settle, 50));
    expect(calls.filter((c) => c.cmd.startsWith("demo_") || c.cmd === "counter_qrs")).toEqual([]);
    answer(null);
    expect(await screen.findByRole("button", { name: "Log in" })).toBeTruthy();
    await screen.findByText("Demo phone");
    await waitFor(() => expect(calls.map((c) => c.cmd)).toEqual(expect.arrayContaining(["demo_phone", "demo_people"])));
    const first = calls.findIndex((c) => c.cmd.startsWith("demo_"));
    expect(calls.findIndex((c) => c.cmd === "flows_in_progress")).toBeLessThan(first);
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
      session: () => ({ ...asha, consented: true }),
      address_qr: () => "<svg/>",
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
        return { id: "f", via: { kind: "mobile", shown: "******3210" }, step: { step: "awaitingOtp", expiresAt: 1, resendAt: 1 }, txn: "t" };
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

  it("asks for the processing consent on an address's first login, and goes home once agreed", async () => {
    const calls = mockCommands({
      session: () => asha,
      agree_to_processing: () => ({ ...asha, consented: true }),
      address_qr: () => "<svg/>",
    });
    render(App);

    const title = await screen.findByText("Personal Data Processing Consent");
    await waitFor(() => expect(document.activeElement).toBe(title));
    expect(screen.queryByText("Welcome, Asha Verma")).toBeNull();
    await fireEvent.click(screen.getByText("I agree"));
    expect(await screen.findByText("Welcome, Asha Verma")).toBeTruthy();
    expect(calls.some((c) => c.cmd === "agree_to_processing")).toBe(true);
  });

  it("declining the consent logs out", async () => {
    let signedIn = true;
    mockCommands({
      session: () => (signedIn ? asha : null),
      logout: () => {
        signedIn = false;
        return null;
      },
    });
    render(App);

    await fireEvent.click(await screen.findByText("Not now (log out)"));
    expect(await screen.findByText("Create ABHA address")).toBeTruthy();
  });

  it("switches to Hindi at run time without losing what was typed", async () => {
    mockCommands({ login_by_contact: () => { throw { code: "INVALID_MOBILE", message: "raw" }; } });
    render(App);

    const input = await screen.findByLabelText("Mobile number or email");
    await fireEvent.input(input, { target: { value: "12345" } });
    await fireEvent.click(screen.getByText("Continue"));
    await screen.findByText(/10-digit mobile number/);

    await fireEvent.click(screen.getByText("हिन्दी"));
    expect(await screen.findByText("ABHA पता बनाएँ")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("10 अंकों का मोबाइल नंबर");
    expect((screen.getByLabelText("मोबाइल नंबर या ईमेल") as HTMLInputElement).value).toBe("12345");
    expect(screen.getByText("हिन्दी").getAttribute("aria-pressed")).toBe("true");
    expect(document.documentElement.lang).toBe("hi");

    await fireEvent.click(screen.getByText("English"));
    expect(await screen.findByText("Create ABHA address")).toBeTruthy();
  });
});
