// A day at the front desk, compressed: SOAK_ROUNDS (default 1,000) verifications of
// a walk-in who approves in their ABHA app (DIRECT, through the gateway and the
// bridge) and as many searches of the saved people, through the real window's IPC.
// Memory is the PSS of the app and every process it started (WebKit's), read every
// 100 rounds; after the first 100 (caches warm) it must stay within 10%.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { appBinary, familyPss, launchApp, priya } from "../app.mjs";

const rounds = Number(process.env.SOAK_ROUNDS ?? 1000);
const queries = ["asha", "ver", "meera nair", "9876", "@sbx", "आशा", "nobody here", "ra"];

let app;
before(async () => {
  app = await launchApp();
});
after(async () => app?.stop());

test(`${rounds} verifications and ${rounds} searches keep memory within 10% of its value after 100`, async () => {
  const { browser } = app;
  // One round trip per round, from inside the page: the desk's own IPC, not WebDriver's.
  const round = (query) =>
    browser.executeAsync((query, done) => {
      const invoke = window.__TAURI_INTERNALS__.invoke;
      (async () => {
        let verification = await invoke("verify_patient", { address: "asha.verma@sbx", purpose: "KYC_AND_LINK" });
        verification = await invoke("verify_with", { id: verification.id, mode: "DIRECT" });
        if (verification.step.step !== "awaitingApproval") throw new Error(`asked to approve: ${verification.step.step}`);
        let open = [];
        for (let i = 0; i < 200 && open.length === 0; i += 1) {
          open = await invoke("demo_approvals");
          if (open.length === 0) await new Promise((r) => setTimeout(r, 5));
        }
        for (const request of open) await invoke("demo_answer_approval", { transactionId: request.transactionId, grant: true });
        verification = await invoke("verify_await_approval", { id: verification.id });
        if (verification.step.step !== "verified") throw new Error(`after approval: ${verification.step.step}`);
        const found = await invoke("find_people", { query });
        return found.length;
      })().then(
        (found) => done({ found }),
        (err) => done({ error: JSON.stringify(err?.code ? err : String(err)) }),
      );
    }, query);

  const signedIn = await browser.executeAsync((email, password, done) => {
    window.__TAURI_INTERNALS__.invoke("staff_sign_in", { email, password }).then(
      () => done(true),
      (err) => done(JSON.stringify(err)),
    );
  }, priya.email, priya.password);
  assert.equal(signedIn, true, "the member of staff signs in");

  const pss = [];
  const started = Date.now();
  for (let i = 1; i <= rounds; i += 1) {
    const outcome = await round(queries[i % queries.length]);
    assert.equal(outcome.error, undefined, `round ${i}: ${outcome.error}`);
    if (i % 100 === 0) pss.push({ round: i, kb: familyPss(appBinary).total });
  }
  const seconds = (Date.now() - started) / 1000;
  const line = pss.map((p) => `${p.round}: ${Math.round(p.kb / 1024)} MiB`).join(", ");
  console.log(`soak: ${rounds} rounds in ${seconds.toFixed(0)} s (${((seconds * 1000) / rounds).toFixed(0)} ms a round); PSS ${line}`);
  if (pss.length < 2) return;
  const base = pss[0].kb;
  for (const p of pss.slice(1)) {
    assert.ok(p.kb <= base * 1.1, `PSS at round ${p.round} is ${(p.kb / base).toFixed(3)}× round 100's: ${line}`);
  }
});
