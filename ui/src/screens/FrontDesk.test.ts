import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import FrontDesk from "./FrontDesk.svelte";
import { mockCommands } from "../test-ipc";

const meera = {
  person: {
    fullName: "Meera Nair",
    gender: "F",
    yearOfBirth: 1990,
    abhaNumberMasked: "XX-XXXX-XXXX-3333",
    mobileMasked: "******6780",
    emailMasked: null,
    kycVerified: true,
  },
  addresses: ["meera.nair@sbx", "91111122223333@sbx"],
  updatedAt: 1_700_000_000,
};

describe("FrontDesk", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("searches the cache as one types and opens a profile", async () => {
    const calls = mockCommands({
      find_people: (args) => (String(args.query).startsWith("mee") ? [meera] : []),
      open_person: () => meera,
    });
    render(FrontDesk);

    await fireEvent.input(screen.getByLabelText("Search people on this computer"), { target: { value: "mee" } });
    await fireEvent.click(await screen.findByText("Meera Nair"));

    const profile = await screen.findByRole("region", { name: "Profile of Meera Nair" });
    expect(profile.textContent).toContain("KYC verified");
    expect(profile.textContent).toContain("XX-XXXX-XXXX-3333");
    expect(calls.filter((c) => c.cmd === "find_people").map((c) => c.args.query)).toEqual(["mee"]);
    // Opened through Rust, which audits it under the member of staff's name.
    expect(calls.filter((c) => c.cmd === "open_person").map((c) => c.args.address)).toEqual(["meera.nair@sbx"]);
  });

  it("says when no one matches", async () => {
    mockCommands({ find_people: () => [] });
    render(FrontDesk);
    await fireEvent.input(screen.getByLabelText("Search people on this computer"), { target: { value: "zz" } });
    expect(await screen.findByText("No one found.")).toBeTruthy();
  });
});
