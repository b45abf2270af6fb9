/**
 * A replicated leader's pending `isrWatch` (see `Partition.isrWatch`): at most one at a time, a
 * newer watch ending the older with null. It is settled with the ISR change the leader finds
 * due ({@link offer}), with null when leadership ends or the partition closes ({@link end}), or
 * at its timeout with what the leader's lag check finds then.
 *
 * Not thread-safe: owned by one partition actor.
 */
import type { IsrChange } from "./partition-protocol.ts";

interface Watcher {
  resolve(change: IsrChange | null): void;
  timer: ReturnType<typeof setTimeout>;
}

export class IsrWatch {
  #watcher: Watcher | null = null;

  /** Whether a watch is pending. */
  get active(): boolean {
    return this.#watcher !== null;
  }

  /** A watch settled by {@link offer}, {@link end}, or after `waitMs` with what `atTimeout` gives; ends a pending one with null. */
  wait(waitMs: number, atTimeout: () => IsrChange | null): Promise<IsrChange | null> {
    this.#watcher?.resolve(null);
    return new Promise((resolve) => {
      const watcher: Watcher = {
        resolve: (change) => {
          if (this.#watcher !== watcher) return;
          this.#watcher = null;
          clearTimeout(watcher.timer);
          resolve(change);
        },
        timer: setTimeout(() => watcher.resolve(atTimeout()), waitMs),
      };
      this.#watcher = watcher;
    });
  }

  /** Settles the pending watch, if any, with `change`. */
  offer(change: IsrChange): void {
    this.#watcher?.resolve(change);
  }

  /** Settles the pending watch, if any, with null. */
  end(): void {
    this.#watcher?.resolve(null);
  }
}
