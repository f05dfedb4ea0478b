/**
 * Filing with the card network through its adapter. The filing's key makes a retry find the
 * filing the first try made, so a chargeback is filed once however often the adapter fails.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { NetworkRefusal, type NetworkAdapter, type NetworkFilingRequest } from '../src/network/adapter';

export function networkActivities({ network }: { network: NetworkAdapter }) {
  return {
    async fileWithNetwork(request: NetworkFilingRequest): Promise<{ networkCaseId: string }> {
      try {
        return await network.file(request);
      } catch (error) {
        if (error instanceof NetworkRefusal) throw ApplicationFailure.nonRetryable(error.message, 'NetworkRefused');
        throw error;
      }
    },
  };
}
