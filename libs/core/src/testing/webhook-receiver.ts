import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a {@link WebhookReceiver} got: its headers and its body exactly as sent. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server standing for a webhook's receiver. */
export interface WebhookReceiver {
  url: string;
  /** Every request so far, oldest first. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a receiver on a free local port that records every request and answers with the status `answer` picks. */
export async function startWebhookReceiver(
  answer: (request: ReceivedRequest, index: number) => number,
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      response.statusCode = answer(entry, received.length - 1);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tasker`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
