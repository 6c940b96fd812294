import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import StaffDesk from "./StaffDesk.svelte";
import { desk } from "../desk.svelte";
import { mockCommands } from "../test-ipc";

const priya = { id: "u1", name: "Priya Sharma", emailMasked: "p***@sunrise.example", clinic: "Sunrise Clinic", way: "auth-platform" };
const open = { state: "open", staff: priya, idleSecs: 60 };
const locked = { state: "locked", staff: priya };

describe("StaffDesk", () => {
  beforeEach(() => {
    clearMocks();
    desk.status = null;
  });
  afterEach(() => {
    cleanup();
    clearMocks();
    vi.useRealTimers();
  });

  it("shows the sign-in until Rust says the desk is open, and keeps what was typed on a refusal", async () => {
    const calls = mockCommands({
      desk_status: () => ({ state: "signedOut", way: "auth-platform" }),
      staff_sign_in: () => {
        throw { code: "STAFF_WRONG_PASSWORD", message: "" };
      },
    });
    render(StaffDesk);
    await fireEvent.input(await screen.findByLabelText("Work email"), { target: { value: "priya.desk@sunrise.example" } });
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "nope" } });
    await fireEvent.click(screen.getByText("Sign in"));
    expect((await screen.findByRole("alert")).textContent).toContain("The email or password is not right.");
    expect((screen.getByLabelText("Work email") as HTMLInputElement).value).toBe("priya.desk@sunrise.example");
    expect(screen.queryByLabelText("Search people on this computer")).toBeNull();
    expect(calls.find((c) => c.cmd === "staff_sign_in")?.args).toEqual({ email: "priya.desk@sunrise.example", password: "nope" });
  });

  it("locks after the idle time with no input, and the patient search leaves the screen", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const calls = mockCommands({
      desk_status: () => open,
      desk_activity: () => open,
      lock_desk: () => locked,
      find_people: () => [],
    });
    render(StaffDesk);
    await vi.waitFor(() => expect(screen.getByLabelText("Search people on this computer")).toBeTruthy());
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls.some((c) => c.cmd === "lock_desk")).toBe(false);
    await fireEvent.keyDown(window, { key: "a" });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls.some((c) => c.cmd === "lock_desk")).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.waitFor(() => expect(screen.getByText("Locked for Priya Sharma. Sign in again to continue.")).toBeTruthy());
    expect(screen.queryByLabelText("Search people on this computer")).toBeNull();
  });

  it("Ctrl+L locks at once; the lock screen offers the same person or someone else", async () => {
    const calls = mockCommands({ desk_status: () => open, lock_desk: () => locked, find_people: () => [] });
    render(StaffDesk);
    await screen.findByLabelText("Search people on this computer");
    await fireEvent.keyDown(window, { key: "l", ctrlKey: true });
    await screen.findByText("Locked for Priya Sharma. Sign in again to continue.");
    expect(calls.filter((c) => c.cmd === "lock_desk")).toHaveLength(1);
    expect(document.activeElement, "the password field has the focus").toBe(screen.getByLabelText("Password"));
    expect(screen.queryByLabelText("Work email")).toBeNull();
    await fireEvent.click(screen.getByText("Someone else? Sign in as another member of staff"));
    expect(screen.getByLabelText("Work email")).toBeTruthy();
  });

  it("a refusal because the desk locked in Rust brings up the lock screen", async () => {
    let status: object = open;
    mockCommands({
      desk_status: () => status,
      find_people: () => {
        status = locked;
        throw { code: "DESK_LOCKED", message: "" };
      },
    });
    render(StaffDesk);
    await fireEvent.input(await screen.findByLabelText("Search people on this computer"), { target: { value: "me" } });
    await screen.findByText("Locked for Priya Sharma. Sign in again to continue.");
  });
});
