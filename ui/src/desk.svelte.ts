import { commands, type DeskStatus, type ErrorCode } from "./bindings";

/**
 * Who is at the front desk, as Rust last said. Rust refuses every front-desk
 * command while no member of staff is signed in or the desk is locked; when a
 * screen meets such a refusal (`attempt` sees the code), the desk is read
 * again, so the lock screen replaces whatever patient data was showing.
 */
export const desk = $state<{ status: DeskStatus | null }>({ status: null });

/** The codes that mean "the desk is not open for you any more". */
const closedCodes: ErrorCode[] = ["STAFF_NOT_SIGNED_IN", "DESK_LOCKED", "STAFF_SESSION_EXPIRED"];

export const closesDesk = (code: ErrorCode): boolean => closedCodes.includes(code);

export async function readDesk(): Promise<void> {
  const result = await commands.deskStatus().catch(() => null);
  if (result?.status === "ok") desk.status = result.data;
}
