import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppInfo, PersonCard_Serialize as PersonCard } from "./bindings";

export const demo: AppInfo = { version: "0.1.0", mode: "demo", abdmHost: "127.0.0.1" };

/** The seeded demo person most tests sign in as, as `session` shows her. */
export const ashaPerson: PersonCard = {
  fullName: "Asha Verma",
  gender: "F",
  yearOfBirth: 1987,
  abhaNumberMasked: null,
  mobileMasked: "******3210",
  emailMasked: null,
  kycVerified: false,
};

type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Answers each command from `handlers` (by its Rust name), with defaults for
 * start-up: demo mode, data open, nobody signed in, an empty demo phone.
 * A handler throws to make the command fail with that `{code, message}`.
 */
export function mockCommands(handlers: Record<string, Handler> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  const defaults: Record<string, Handler> = {
    app_info: () => demo,
    data_lock: () => ({ state: "open", sealed: false }),
    session: () => null,
    demo_phone: () => [],
    demo_approvals: () => [],
    demo_inbox: () => [],
    flows_in_progress: () => [],
    demo_people: () => [],
    counter_qrs: () => [],
    share_queue: () => [],
    waiting_verifications: () => [],
  };
  mockIPC(
    (cmd, args) => {
      const payload = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: payload });
      const handler = handlers[cmd] ?? defaults[cmd];
      if (!handler) throw { code: "INTERNAL", message: `no mock for ${cmd}` };
      return handler(payload);
    },
    { shouldMockEvents: true },
  );
  return calls;
}
