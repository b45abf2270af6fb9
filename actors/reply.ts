const transfers = new WeakMap<object, Transferable[]>();

/**
 * Marks buffers to be moved (not copied) to the asker along with a worker actor's answer. Call
 * it on the value `receive` returns; the buffers are unusable in the worker afterwards.
 *
 * @param value the answer: an object (or array) that holds the buffers
 * @param transfer the buffers to move
 * @returns `value` itself
 *
 * @example
 * ```ts
 * receive(message: { type: "read" }) {
 *   const bytes = new Uint8Array(1024);
 *   return reply({ bytes }, [bytes.buffer]);
 * }
 * ```
 */
export function reply<R>(value: R, transfer: Transferable[]): R {
  if (typeof value !== "object" || value === null) throw new TypeError("reply() needs an object to carry the transferred buffers");
  transfers.set(value, transfer);
  return value;
}

/** The buffers {@link reply} marked on `value`, if any. */
export function replyTransfer(value: unknown): Transferable[] {
  return (typeof value === "object" && value !== null && transfers.get(value)) || [];
}
