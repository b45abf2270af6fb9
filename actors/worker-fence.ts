/**
 * A fencing token shared by a worker actor's owner and its worker thread: one 32-bit word in a
 * SharedArrayBuffer, 0 while the owner stands by this incarnation, 1 once it has given up on it.
 * The owner sets it before it terminates the worker and before any replacement starts; the
 * worker checks it, synchronously, before handing its actor a message. So a worker that
 * outlives its termination (a thread blocked in a system call that returns later, or a runtime
 * that loses the termination of a busy thread) never serves another request next to its
 * replacement: two threads never write one partition's log.
 *
 * @example
 * ```ts
 * const fence = newFence();           // owner, per incarnation; fence.buffer goes in workerData
 * fenceOff(fence);                    // owner, when the incarnation ends
 * isFenced(new Int32Array(buffer));   // worker, before each delivery
 * ```
 */

/** A new, open fence. */
export function newFence(): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Closes the fence for good. */
export function fenceOff(fence: Int32Array): void {
  Atomics.store(fence, 0, 1);
}

/** Whether the owner has given up on this incarnation. */
export function isFenced(fence: Int32Array): boolean {
  return Atomics.load(fence, 0) !== 0;
}
