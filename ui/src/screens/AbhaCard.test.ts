import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import AbhaCard from "./AbhaCard.svelte";
import { mockCommands } from "../test-ipc";
import { setLang } from "../i18n.svelte";

describe("AbhaCard", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
    setLang("en");
  });

  it("shows the card drawn in the UI's language and saves it, saying where", async () => {
    const calls = mockCommands({
      abha_card_png: ({ language }) => (language === "hi" ? "aGk=" : "ZW4="),
      save_abha_card: () => ({ png: "/home/a/Downloads/ABHA card asha.verma@sbx.png", pdf: "/home/a/Downloads/ABHA card asha.verma@sbx.pdf" }),
    });
    render(AbhaCard, { whose: { kind: "account", address: "asha.verma@sbx" } });
    await fireEvent.click(screen.getByText("ABHA card"));
    const image = (await screen.findByAltText(/ABHA card with name/)) as HTMLImageElement;
    expect(image.src).toBe("data:image/png;base64,ZW4=");
    expect(calls.find((c) => c.cmd === "abha_card_png")?.args).toEqual({ whose: { kind: "account", address: "asha.verma@sbx" }, language: "en" });

    await setLang("hi");
    await screen.findByAltText(/ABHA कार्ड/);
    expect(((await screen.findByAltText(/ABHA कार्ड/)) as HTMLImageElement).src).toBe("data:image/png;base64,aGk=");

    await fireEvent.click(screen.getByText("ABHA कार्ड सहेजें"));
    const saved = await screen.findByText(/के रूप में सहेजा गया/);
    expect(saved.textContent).toContain("ABHA card asha.verma@sbx.pdf");
    expect(calls.filter((c) => c.cmd === "save_abha_card").at(-1)?.args.language).toBe("hi");

    // Print hands the page to the system's print dialog; its CSS prints the card alone.
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await fireEvent.click(screen.getByText("प्रिंट करें"));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });

  it("says why a patient's card cannot be made, and offers no save", async () => {
    mockCommands({
      abha_card_png: () => {
        throw { code: "CARD_UNAVAILABLE", message: "raw" };
      },
    });
    render(AbhaCard, { whose: { kind: "patient", verification: "v-1" } });
    await fireEvent.click(screen.getByText("ABHA card"));
    expect(await screen.findByText("Verify the patient again to make their ABHA card.")).toBeTruthy();
    expect((screen.getByText("Save ABHA card") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByText("Print") as HTMLButtonElement).disabled).toBe(true);
  });
});
