// Scan and Share, timed in the real window: from the patient's *Share* (the demo
// phone's command, which has the built-in gateway sign the share and post it to
// the desk's bridge) until the token's row is in the desk's queue on screen, and
// until the patient's app holds the token (the gateway got `on-share`). Each
// round shares, waits for the row, then dismisses it so the next share is new.
// Times come from inside the page (performance.now and a MutationObserver), so
// WebDriver's polling is not in them.
//
// Usage (under Xvfb with a session bus and keyring; scripts/measure-share sets
// it up): node measure-share.mjs SHARES
import { launchApp, priya } from "./app.mjs";

const shares = Number(process.argv[2] ?? 50);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];

const app = await launchApp();
try {
  const { browser } = app;
  await (await browser.$("button=Front desk")).click();
  await (await browser.$("#staff-email")).setValue(priya.email);
  await (await browser.$("#staff-password")).setValue(priya.password);
  await (await browser.$("section.staff form button.primary")).click();
  await (await browser.$("#staff-on-duty")).waitForDisplayed({ timeout: 15_000 });
  await (await browser.$("#share-queue")).waitForDisplayed({ timeout: 15_000 });

  const rounds = await browser.executeAsync((shares, done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const queue = document.querySelector("#share-queue");
    const rowOf = (token) => queue.querySelector(`tr[data-token="${token}"]`);
    const appeared = new Map();
    new MutationObserver(() => {
      for (const row of queue.querySelectorAll("tr[data-token]")) {
        if (!appeared.has(row.dataset.token)) appeared.set(row.dataset.token, performance.now());
      }
    }).observe(queue, { childList: true, subtree: true });
    (async () => {
      const [counter] = await invoke("counter_qrs");
      const [person] = await invoke("demo_people");
      const rounds = [];
      for (let i = 0; i < shares; i += 1) {
        const start = performance.now();
        const answer = await invoke("demo_share_profile", { address: person.address, qr: counter.url });
        const tokenBack = performance.now() - start;
        if (!answer.token) throw new Error(`the share was refused: ${answer.refused}`);
        for (let wait = 0; wait < 500 && !appeared.has(answer.token); wait += 1) {
          await new Promise((r) => setTimeout(r, 2));
        }
        if (!appeared.has(answer.token)) throw new Error(`token ${answer.token} never appeared`);
        rounds.push({ row: appeared.get(answer.token) - start, tokenBack });
        const [queued] = (await invoke("share_queue")).filter((q) => q.token === answer.token);
        await invoke("dismiss_shared", { id: queued.id });
        while (rowOf(answer.token)) await new Promise((r) => setTimeout(r, 2));
      }
      return rounds;
    })().then(done, (err) => done({ error: String(err) }));
  }, shares);
  if (rounds.error) throw new Error(rounds.error);
  const rows = rounds.map((r) => r.row);
  const tokens = rounds.map((r) => r.tokenBack);
  console.log(`${shares} shares (the first one included)`);
  console.log(`share -> row on the desk's screen: median ${median(rows).toFixed(1)} ms, p95 ${p95(rows).toFixed(1)} ms`);
  console.log(`share -> token in the patient's app: median ${median(tokens).toFixed(1)} ms, p95 ${p95(tokens).toFixed(1)} ms`);
} finally {
  await app.stop();
}
