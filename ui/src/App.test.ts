import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { AppInfo, IpcError } from "./bindings";

const demo: AppInfo = { version: "0.1.0", mode: "demo", abdmHost: "127.0.0.1" };

describe("App", () => {
  beforeEach(() => clearMocks());
  afterEach(() => clearMocks());

  it("shows the version, mode and ABDM host from app_info", async () => {
    mockIPC((cmd) => (cmd === "app_info" ? demo : undefined));
    render(App);

    const info = await screen.findByText(/Version 0\.1\.0/);
    expect(info.id).toBe("app-info");
    expect(info.textContent).toContain("Demo mode");
    expect(info.textContent).toContain("127.0.0.1");
    expect(info.dataset.state).toBe("ready");
  });

  it("shows the demo banner only in demo mode", async () => {
    mockIPC(() => ({ ...demo, mode: "abdm-sandbox", abdmHost: "dev.abdm.gov.in" }));
    render(App);

    await screen.findByText(/ABDM sandbox/);
    expect(screen.queryByRole("note")).toBeNull();
  });

  it("announces the banner when in demo mode", async () => {
    mockIPC(() => demo);
    render(App);

    const banner = await screen.findByRole("note");
    expect(banner.textContent).toMatch(/nothing is sent over the\s+internet/);
  });

  it("shows the human message for the error code, not the backend's text", async () => {
    const failure: IpcError = { code: "INTERNAL", message: "sqlx: row for 9876543210 vanished" };
    mockIPC(() => {
      throw failure;
    });
    render(App);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Something went wrong");
    expect(alert.textContent).not.toContain("9876543210");
  });
});
