/**
 * The phone networks the benches throttle to: Lighthouse's own mobile profiles (lantern's
 * simulation constants, Lighthouse 12), used by scripts/bench-lighthouse.ts as they are and by
 * scripts/bench-offline.ts through Chromium's DevTools throttling, translated exactly as
 * Lighthouse's `--throttling devtools` translates them (core/lib/emulation.js): the request
 * latency (RTT × 3.75, Lighthouse's allowance for connection set-up and slow start, which
 * Chromium's per-request latency does not model) and the throughputs in bytes per second.
 */
import type { ThrottlingSettings } from "lighthouse";

export const NETWORKS = {
  "Slow 4G": {
    rttMs: 150,
    throughputKbps: 1.6 * 1024,
    requestLatencyMs: 150 * 3.75,
    downloadThroughputKbps: 1.6 * 1024 * 0.9,
    uploadThroughputKbps: 750 * 0.9,
    cpuSlowdownMultiplier: 4,
  },
  "Regular 3G": {
    rttMs: 300,
    throughputKbps: 700,
    requestLatencyMs: 300 * 3.75,
    downloadThroughputKbps: 700 * 0.9,
    uploadThroughputKbps: 700 * 0.9,
    cpuSlowdownMultiplier: 4,
  },
} satisfies Record<string, ThrottlingSettings>;
export type Network = keyof typeof NETWORKS;

/** `Network.emulateNetworkConditions`'s parameters for a profile, as Lighthouse sends them. */
export function devtoolsConditions(network: Network) {
  const n = NETWORKS[network];
  return {
    offline: false,
    latency: n.requestLatencyMs,
    downloadThroughput: Math.floor((n.downloadThroughputKbps * 1024) / 8),
    uploadThroughput: Math.floor((n.uploadThroughputKbps * 1024) / 8),
  };
}
