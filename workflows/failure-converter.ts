/**
 * Failures with their message and stack trace moved into the encoded attributes, so the payload
 * codec seals them: an SMTP error naming a customer's address, say, never reaches history in
 * clear. Loaded by path into the workflow bundle and by every client and worker.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
