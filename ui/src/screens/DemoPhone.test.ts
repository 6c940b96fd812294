import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import DemoPhone from "./DemoPhone.svelte";
import { mockCommands } from "../test-ipc";

describe("Reset demo", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("asks first, does nothing on 'Keep it', and resets on 'Reset the demo'", async () => {
    const calls = mockCommands({ reset_demo: () => null });
    const onReset = vi.fn();
    render(DemoPhone, { onReset });

    await fireEvent.click(screen.getByText("Reset demo…"));
    expect(screen.getByText(/signs everyone out/)).toBeTruthy();
    expect(document.activeElement?.textContent).toBe("Reset the demo");
    await fireEvent.click(screen.getByText("Keep it"));
    expect(calls.some((c) => c.cmd === "reset_demo")).toBe(false);

    await fireEvent.click(screen.getByText("Reset demo…"));
    await fireEvent.click(screen.getByText("Reset the demo"));
    await waitFor(() => expect(onReset).toHaveBeenCalledOnce());
    expect(calls.filter((c) => c.cmd === "reset_demo")).toHaveLength(1);
    expect(screen.getByRole("status").textContent).toContain("back to its seeded people");
  });

  it("says why when the reset is refused, and the app is not told to start over", async () => {
    mockCommands({
      reset_demo: () => {
        throw { code: "DEMO_ONLY", message: "x" };
      },
    });
    const onReset = vi.fn();
    render(DemoPhone, { onReset });
    await fireEvent.click(screen.getByText("Reset demo…"));
    await fireEvent.click(screen.getByText("Reset the demo"));
    expect((await screen.findByRole("alert")).dataset.code).toBe("DEMO_ONLY");
    expect(onReset).not.toHaveBeenCalled();
  });
});
