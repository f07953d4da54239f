import os from "node:os";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 passes); the library defaults to argon2id. */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Too many sign-ins are waiting for the password check: the caller answers "busy, try again". */
export class PasswordCheckBusy extends Error {
  constructor() {
    super("password checks busy");
  }
}

/**
 * argon2 costs ~40 ms of a core and 19 MiB each. At most one check per core runs at once, and at
 * most a few dozen wait, so a burst of sign-ins (or someone guessing from many addresses) queues
 * behind a fixed amount of work instead of starving every other request of the server's CPU.
 */
const RUNNING_MAX = Math.max(1, Math.min(4, os.availableParallelism() - 1 || 1));
const WAITING_MAX = 128;
let running = 0;
const waiting: (() => void)[] = [];

async function gated<T>(work: () => Promise<T>, { mayQueue }: { mayQueue: boolean }): Promise<T> {
  if (running >= RUNNING_MAX) {
    if (!mayQueue && waiting.length >= WAITING_MAX) throw new PasswordCheckBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** Hashing is done for accounts being made or a password being changed: it always waits its turn. */
export function hashPassword(password: string): Promise<string> {
  return gated(() => hash(password, OPTIONS), { mayQueue: true });
}

/** Throws PasswordCheckBusy when too many checks are already waiting. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return gated(
    async () => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    { mayQueue: false },
  );
}

/**
 * A fixed hash of a random string, verified against when the username does not exist, so a wrong
 * username takes as long as a wrong password and response time does not reveal which accounts exist.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash(crypto.randomUUID(), OPTIONS);
  return dummyHash;
}
