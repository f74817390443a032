/** The server publishes at most one typing event per caller and conversation every 2 s. */
export const TYPING_INTERVAL_MS = 2_000

/** Whether a keystroke at `now` should tell the server "typing" (the last one was at `lastSentAt`). */
export function shouldSendTyping(lastSentAt: number | undefined, now: number): boolean {
  return lastSentAt === undefined || now - lastSentAt >= TYPING_INTERVAL_MS
}
