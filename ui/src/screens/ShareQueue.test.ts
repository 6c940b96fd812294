import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import ShareQueue from "./ShareQueue.svelte";
import { ashaPerson, mockCommands } from "../test-ipc";

const queued = (id: number, token: string, fullName: string, address: string) => ({
  id,
  token,
  counter: "1",
  address,
  fullName,
  gender: "F",
  yearOfBirth: 1987,
  mobileMasked: "******3210",
  abhaNumberMasked: null,
  sharedAt: 1_800_000_000,
});
const cached = (address: string) => ({ person: ashaPerson, addresses: [address], updatedAt: 1, verifiedAt: 1 });

describe("ShareQueue", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("lists the tokens; Register offers a returning patient to confirm; Dismiss takes one out", async () => {
    let waiting = [queued(1, "1-001", "Asha Verma", "ashav.pune@sbx"), queued(2, "1-002", "Ravi Kumar", "ravi.kumar@sbx")];
    const calls = mockCommands({
      share_queue: () => waiting,
      counter_qrs: () => [],
      register_shared: ({ id }) => {
        waiting = waiting.filter((q) => q.id !== id);
        return { person: cached("ashav.pune@sbx"), candidates: [cached("asha.verma@sbx")] };
      },
      dismiss_shared: ({ id }) => {
        waiting = waiting.filter((q) => q.id !== id);
        return null;
      },
      same_patient: () => cached("asha.verma@sbx"),
    });
    let registered = 0;
    render(ShareQueue, { onRegistered: () => registered++ });
    expect(await screen.findByText("1-001")).toBeTruthy();
    expect(screen.getByText("1-002")).toBeTruthy();

    await fireEvent.click(screen.getAllByText("Register")[0]!);
    expect((await screen.findByText("Asha Verma is registered in the list.")).id).toBe("queue-registered");
    await vi.waitFor(() => expect(screen.queryByText("1-001")).toBeNull());
    await fireEvent.click(await screen.findByText("Same person"));
    expect(await screen.findByText("Saved as one patient: Asha Verma.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "same_patient")?.args).toEqual({ address: "ashav.pune@sbx", returning: "asha.verma@sbx" });
    expect(registered).toBe(2);

    await fireEvent.click(screen.getByText("Dismiss"));
    expect(await screen.findByText(/Nobody has shared/)).toBeTruthy();
    expect(calls.filter((c) => c.cmd === "dismiss_shared").map((c) => c.args)).toEqual([{ id: 2 }]);
  });
});
