import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import Signup from "./Signup.svelte";
import { mockCommands } from "../test-ipc";

const flow = (step: object) => ({
  id: "f1",
  via: { kind: "mobile", shown: "******3210" },
  step,
  linked: [],
  kyc: null,
  session: "s",
});

describe("Signup profile form", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  async function reachProfile(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
    const calls = mockCommands({
      signup_by_contact: () => flow({ step: "awaitingOtp", expiresAt: 9_999_999_999, resendAt: 0 }),
      signup_verify_otp: () => flow({ step: "verified" }),
      ...handlers,
    });
    render(Signup, { onSignedIn: () => {}, onCreated: () => {} });
    await fireEvent.input(screen.getByLabelText("Mobile number or email"), { target: { value: "9876543210" } });
    await fireEvent.click(screen.getByText("Continue"));
    await fireEvent.input(await screen.findByLabelText("OTP"), { target: { value: "123456" } });
    await fireEvent.click(screen.getByText("Verify"));
    await screen.findByLabelText("First name *");
    return calls;
  }

  it("picks the state from ABDM's list, then a district of that state", async () => {
    const calls = await reachProfile({
      states: () => [
        { code: "27", name: "MAHARASHTRA" },
        { code: "33", name: "TAMIL NADU" },
      ],
      districts: (args) => (args.stateCode === "27" ? [{ code: "401", name: "PUNE" }] : [{ code: "568", name: "CHENNAI" }]),
    });

    const state = (await screen.findByLabelText("State *")) as HTMLSelectElement;
    const district = screen.getByLabelText("District *") as HTMLSelectElement;
    await screen.findByText("MAHARASHTRA");
    expect(district.disabled).toBe(true);

    state.value = "33";
    await fireEvent.change(state);
    await screen.findByText("CHENNAI");
    district.value = "568";
    await fireEvent.change(district);

    state.value = "27";
    await fireEvent.change(state);
    await screen.findByText("PUNE");
    // A district of the old state does not stay chosen under the new one.
    expect(district.value).toBe("");
    expect(screen.queryByText("CHENNAI")).toBeNull();
    expect(calls.filter((c) => c.cmd === "districts").map((c) => c.args.stateCode)).toEqual(["33", "27"]);
  });

  it("says so when the state list cannot be had, and keeps the form", async () => {
    await reachProfile({
      states: () => {
        throw { code: "ABDM_UNAVAILABLE", message: "raw" };
      },
    });
    await fireEvent.input(screen.getByLabelText("First name *"), { target: { value: "Asha" } });
    expect((await screen.findByRole("alert")).textContent).toContain("ABDM is not answering");
    await waitFor(() => expect((screen.getByLabelText("First name *") as HTMLInputElement).value).toBe("Asha"));
  });
});
