/**
 * How the bank reaches a card network: one call per filing (a chargeback, a pre-arbitration, an
 * arbitration case), idempotent by its key, answered with the network's case number. The network's
 * own answers come back through the inbound feed (`POST /feed/network-events`), not here.
 * `npm start` points the adapter at the embedded simulator (simulator.ts); production points it at
 * the bank's processor.
 */
import type { NetworkFiling as FilingKind } from '../../workflows/domain/chargeback';
import type { CardNetwork } from '../../workflows/domain/network-rules';

export interface NetworkFilingRequest {
  /** `<chargeback>:<filing>`: the same key twice is the same filing, made once. */
  key: string;
  caseId: string;
  chargebackId: string;
  filing: FilingKind;
  network: CardNetwork;
  code: string;
  transactionId: string;
  amountCents: number;
  currency: string;
  evidence: string[];
  /** The network's case number, for the steps after the first filing. */
  networkCaseId: string | null;
}

export interface NetworkAdapter {
  file(request: NetworkFilingRequest): Promise<{ networkCaseId: string }>;
}

/** The network refused the filing for good (a time limit, a code it does not take): retrying changes nothing. */
export class NetworkRefusal extends Error {
  override name = 'NetworkRefusal';
}

/** An adapter for when no network is configured: every filing is refused, saying so. */
export const noNetwork: NetworkAdapter = {
  async file() {
    throw new NetworkRefusal('no card network is configured (set NETWORK_URL)');
  },
};

/**
 * The network over HTTP, as the simulator speaks it: `POST /filings` with the filing as JSON and
 * its key as the Idempotency-Key. A 4xx answer is a refusal; anything else failing is retried.
 */
export function httpNetwork(baseUrl: string, apiKey: string, timeoutMs = 20_000): NetworkAdapter {
  return {
    async file(request) {
      const res = await fetch(new URL('/filings', baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          'idempotency-key': request.key,
        },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as { networkCaseId?: string; detail?: string };
      if (res.ok && typeof body.networkCaseId === 'string') return { networkCaseId: body.networkCaseId };
      const reason = body.detail ?? `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new NetworkRefusal(reason);
      }
      throw new Error(`the network answered ${res.status}: ${reason}`);
    },
  };
}
