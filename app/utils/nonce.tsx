import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of this response (see app/server/policy.server.ts): every
 * inline script carries it. Browsers hide the attribute after parsing, so on the client it is "".
 */
const NonceContext = createContext<string>("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
