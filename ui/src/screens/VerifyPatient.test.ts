import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import VerifyPatient from "./VerifyPatient.svelte";
import { ashaPerson, mockCommands } from "../test-ipc";

const at = (step: object) => ({ id: "v1", patient: "meera.nair@sbx", purpose: "KYC", step });
const verified = at({
  step: "verified",
  card: {
    fullName: "Meera Devi Nair",
    gender: "F",
    yearOfBirth: 1990,
    addressLine: "12 MG Road",
    district: "Ernakulam",
    state: "KERALA",
    pincode: "682016",
    mobileMasked: "******6780",
    abhaNumberMasked: "XX-XXXX-XXXX-3333",
  },
  candidates: [],
  linked: false,
  verifiedAt: 1_700_000_000,
});

describe("VerifyPatient", () => {
  beforeEach(() => clearMocks());
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  async function findWays() {
    await fireEvent.input(screen.getByLabelText("Patient's ABHA address"), { target: { value: "meera.nair@sbx" } });
    await fireEvent.click(screen.getByText("Find ways to verify"));
  }

  it("keeps a verification ABDM cannot take now, and carries on with it once sent", async () => {
    let sent = false;
    const calls = mockCommands({
      verify_patient: () => at({ step: "waitingForConnection", since: 1_800_000_000 }),
      waiting_verifications: () => [
        {
          verification: at(sent ? { step: "choosingMode", modes: ["DEMOGRAPHICS"] } : { step: "waitingForConnection", since: 1_800_000_000 }),
          address: "meera.nair@sbx",
          fullName: "Meera Devi Nair",
          gender: "F",
          dateOfBirth: "1990-01-14",
        },
      ],
      verify_with: () => at({ step: "awaitingDemographics", expiresAt: 9_999_999_999 }),
    });
    render(VerifyPatient, { onVerified: () => {} });
    await findWays();
    expect((await screen.findByText(/ABDM cannot be reached now/)).textContent).toContain("meera.nair@sbx");
    sent = true;
    await fireEvent.click(screen.getByText("Verify another patient"));
    await fireEvent.click(await screen.findByText("Continue"));
    await fireEvent.click(await screen.findByText("Check name, gender and date of birth"));
    expect(((await screen.findByLabelText("Full name")) as HTMLInputElement).value).toBe("Meera Devi Nair");
    expect(calls.find((c) => c.cmd === "verify_with")?.args).toMatchObject({ id: "v1", mode: "DEMOGRAPHICS" });
  });

  it("offers a returning patient to confirm, and says so once confirmed", async () => {
    const asha = {
      person: { ...ashaPerson, kycVerified: true },
      addresses: ["asha.verma@sbx"],
      updatedAt: 1_700_000_000,
      verifiedAt: 1_700_000_000,
    };
    const calls = mockCommands({
      verify_patient: () => at({ step: "choosingMode", modes: ["DIRECT"] }),
      verify_with: () => at({ step: "awaitingApproval", expiresAt: 9_999_999_999 }),
      verify_await_approval: () => ({ ...verified, step: { ...verified.step, candidates: [asha] } }),
      same_patient: () => ({ ...asha, addresses: ["asha.verma@sbx", "ashav.pune@sbx"] }),
    });
    let verifiedCount = 0;
    render(VerifyPatient, { onVerified: () => verifiedCount++ });
    await fireEvent.input(screen.getByLabelText("Patient's ABHA address"), { target: { value: "ashav.pune@sbx" } });
    await fireEvent.click(screen.getByText("Find ways to verify"));
    await fireEvent.click(await screen.findByText("Ask the patient to approve in their ABHA app"));
    expect((await screen.findByText(/may be a patient already in your list/)).textContent).toBeTruthy();
    expect(screen.getByText(/asha\.verma@sbx/)).toBeTruthy();
    await fireEvent.click(screen.getByText("Same person"));
    expect((await screen.findByText("Saved as one patient: Asha Verma.")).getAttribute("role")).toBe("status");
    expect(calls.find((c) => c.cmd === "same_patient")?.args).toEqual({ address: "ashav.pune@sbx", returning: "asha.verma@sbx" });
    expect(verifiedCount).toBe(2);
  });

  it("starts from a scanned ABHA QR and fills the demographics in from it; a bad scan is refused alone", async () => {
    let scans = 0;
    const calls = mockCommands({
      verify_scanned: () => {
        if (scans++ === 0) throw { code: "QR_NOT_ABHA", message: "raw" };
        return {
          verification: at({ step: "choosingMode", modes: ["DEMOGRAPHICS"] }),
          fullName: "Meera Devi Nair",
          gender: "F",
          dateOfBirth: "1990-01-14",
          mobile: "9123456780",
          abhaNumberMasked: "XX-XXXX-XXXX-3333",
          state: "KERALA",
          district: "ERNAKULAM",
        };
      },
      verify_with: () => at({ step: "awaitingDemographics", expiresAt: 9_999_999_999 }),
    });
    render(VerifyPatient, { onVerified: () => {} });
    const box = screen.getByLabelText("Scan the patient's ABHA card or app QR") as HTMLInputElement;
    expect(document.activeElement).toBe(box);

    await fireEvent.input(box, { target: { value: '{"hid":"meera.nair@sbx","name":"Meera' } });
    await fireEvent.submit(box.form!);
    expect((await screen.findByRole("alert")).textContent).toContain("not an ABHA QR code");
    expect(box.value).toBe('{"hid":"meera.nair@sbx","name":"Meera');
    expect(calls.map((c) => c.cmd).filter((cmd) => cmd !== "waiting_verifications")).toEqual(["verify_scanned"]);

    await fireEvent.input(box, { target: { value: '{"hid":"meera.nair@sbx"}' } });
    await fireEvent.submit(box.form!);
    expect((await screen.findByText(/Read from the QR code: Meera Devi Nair/)).textContent).toContain("XX-XXXX-XXXX-3333");
    await fireEvent.click(await screen.findByText("Check name, gender and date of birth"));
    expect(((await screen.findByLabelText("Full name")) as HTMLInputElement).value).toBe("Meera Devi Nair");
    expect((screen.getByLabelText("Date of birth (YYYY-MM-DD, or the year)") as HTMLInputElement).value).toBe("1990-01-14");
    expect((screen.getByLabelText("Mobile (optional)") as HTMLInputElement).value).toBe("9123456780");
    expect(calls.find((c) => c.cmd === "verify_scanned")?.args).toMatchObject({ purpose: "KYC" });
  });

  it("verifies by the patient's OTP; a wrong OTP keeps what was typed", async () => {
    let tries = 0;
    const calls = mockCommands({
      verify_patient: () => at({ step: "choosingMode", modes: ["MOBILE_OTP", "DIRECT"] }),
      verify_with: () => at({ step: "awaitingOtp", mode: "MOBILE_OTP", expiresAt: 9_999_999_999 }),
      verify_otp: () => {
        if (tries++ === 0) throw { code: "OTP_INVALID", message: "raw" };
        return verified;
      },
    });
    let verifiedCount = 0;
    render(VerifyPatient, { onVerified: () => verifiedCount++ });
    await findWays();
    await fireEvent.click(await screen.findByText("OTP to the patient's mobile"));
    const otp = (await screen.findByLabelText("OTP")) as HTMLInputElement;
    expect(document.activeElement).toBe(otp);
    await fireEvent.input(otp, { target: { value: "123456" } });
    await fireEvent.click(screen.getByText("Verify"));
    expect((await screen.findByRole("alert")).textContent).toContain("not right");
    expect((screen.getByLabelText("OTP") as HTMLInputElement).value).toBe("123456");

    await fireEvent.click(screen.getByText("Verify"));
    const card = await screen.findByRole("region", { name: "meera.nair@sbx is verified" });
    expect(card.textContent).toContain("Meera Devi Nair");
    expect(card.textContent).toContain("XX-XXXX-XXXX-3333");
    expect(verifiedCount).toBe(1);
    expect(calls.find((c) => c.cmd === "verify_patient")?.args).toEqual({ address: "meera.nair@sbx", purpose: "KYC" });
  });

  it("waits for the patient's approval on its own, and says when they decline", async () => {
    mockCommands({
      verify_patient: () => at({ step: "choosingMode", modes: ["DIRECT"] }),
      verify_with: () => at({ step: "awaitingApproval", expiresAt: 9_999_999_999 }),
      verify_await_approval: () => {
        throw { code: "VERIFICATION_DENIED", message: "raw" };
      },
    });
    render(VerifyPatient, { onVerified: () => {} });
    await findWays();
    await fireEvent.click(await screen.findByText("Ask the patient to approve in their ABHA app"));
    expect((await screen.findByRole("alert")).textContent).toContain("declined");
    expect((screen.getByLabelText("Patient's ABHA address") as HTMLInputElement).value).toBe("meera.nair@sbx");
  });

  it("says clearly when ABDM never answers", async () => {
    mockCommands({
      verify_patient: () => {
        throw { code: "NO_CALLBACK", message: "raw" };
      },
    });
    render(VerifyPatient, { onVerified: () => {} });
    await findWays();
    expect((await screen.findByRole("alert")).textContent).toContain("did not answer in time");
  });

  it("quotes ABDM's own words when the gateway gives a cause the app does not know", async () => {
    mockCommands({
      verify_patient: () => {
        throw { code: "GATEWAY_REFUSED", message: "Facility not approved for this purpose." };
      },
    });
    render(VerifyPatient, { onVerified: () => {} });
    await findWays();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("turned this step down");
    expect(alert.querySelector("q")?.textContent).toBe("Facility not approved for this purpose.");
  });

  it("starting again keeps the patient's address and purpose", async () => {
    mockCommands({ verify_patient: () => at({ step: "choosingMode", modes: ["MOBILE_OTP"] }) });
    render(VerifyPatient, { onVerified: () => {} });
    await fireEvent.change(screen.getByLabelText("Purpose"), { target: { value: "LINK" } });
    await findWays();
    await fireEvent.click(await screen.findByText("Start again"));
    expect((await screen.findByLabelText("Patient's ABHA address") as HTMLInputElement).value).toBe("meera.nair@sbx");
    expect((screen.getByLabelText("Purpose") as HTMLSelectElement).value).toBe("LINK");
  });
});
