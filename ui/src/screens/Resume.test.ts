import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { LoginFlow_Serialize as LoginFlow, SignupFlow_Serialize as SignupFlow } from "../bindings";
import { mockCommands } from "../test-ipc";

const now = () => Math.floor(Date.now() / 1000);
const signup: SignupFlow = {
  id: "s1",
  via: { kind: "mobile", shown: "******1199" },
  step: { step: "verified" },
  linked: [],
  kyc: null,
  draft: {
    firstName: "Kavya",
    middleName: null,
    lastName: "Iyer",
    gender: "F",
    dayOfBirth: "4",
    monthOfBirth: "8",
    yearOfBirth: "1993",
    address: "",
    stateCode: "33",
    districtCode: "",
    pincode: "",
    email: null,
    mobile: null,
  },
  session: "abdm-session",
};
const login: LoginFlow = {
  id: "l1",
  via: { kind: "mobile", shown: "******3210" },
  step: { step: "awaitingOtp", expiresAt: now() - 5, resendAt: now() - 545 },
  txn: "t",
};

describe("Resuming after a restart", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it("lists each flow with what it is, for whom, where it stopped and its OTP, and continues a sign-up at the profile as typed", async () => {
    mockCommands({
      flows_in_progress: () => [
        { kind: "signup", value: signup },
        { kind: "login", value: login },
      ],
      states: () => [{ code: "33", name: "Tamil Nadu" }],
      districts: () => [{ code: "568", name: "Chennai" }],
      signup_keep_draft: () => null,
    });
    render(App);

    const list = await screen.findByRole("region", { name: "Continue where you left off" });
    const [first, second] = [...list.querySelectorAll("li")] as [HTMLLIElement, HTMLLIElement];
    expect(first.textContent).toContain("Create ABHA address");
    expect(first.textContent).toContain("******1199");
    expect(first.textContent).toContain("stopped at the profile");
    expect(second.textContent).toContain("Log in");
    expect(second.textContent).toContain("Stopped at the OTP.");
    expect(second.textContent).toContain("This OTP has expired.");

    await fireEvent.click(first.querySelector("button")!);
    const firstName = (await screen.findByLabelText("First name *")) as HTMLInputElement;
    expect(firstName.value).toBe("Kavya");
    expect((screen.getByLabelText("Day") as HTMLInputElement).value).toBe("4");
    expect((screen.getByLabelText("Month") as HTMLSelectElement).value).toBe("8");
    expect((screen.getByLabelText("Year *") as HTMLInputElement).value).toBe("1993");
    await waitFor(() => expect((screen.getByLabelText("District *") as HTMLSelectElement).options.length).toBe(2));
    expect(list.querySelectorAll("li")).toHaveLength(1);
    // The continued flow leaves the list; the other stays.
    expect(list.querySelector("li")?.dataset.kind).toBe("login");
  });

  it("discards a flow here and at the backend, and continues an expired login at its OTP step", async () => {
    const calls = mockCommands({
      flows_in_progress: () => [
        { kind: "signup", value: signup },
        { kind: "login", value: login },
      ],
      abandon_flow: () => null,
    });
    render(App);
    const list = await screen.findByRole("region", { name: "Continue where you left off" });
    await fireEvent.click(list.querySelectorAll("li")[0]!.querySelectorAll("button")[1]!);
    await waitFor(() => expect(calls.some((c) => c.cmd === "abandon_flow" && c.args.flowId === "s1")).toBe(true));
    await waitFor(() => expect(list.querySelectorAll("li").length).toBe(1));

    await fireEvent.click(list.querySelector("li button")!);
    expect(await screen.findByLabelText("OTP")).toBeTruthy();
    expect(screen.getByText("This OTP has expired.")).toBeTruthy();
    expect(screen.getByText("Start again")).toBeTruthy();
  });
});
