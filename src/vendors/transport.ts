/**
 * The contract between vendor adapters and the HTTP client (src/vendors/http-client.ts).
 * A transport never throws for network trouble: a fault is a value, so every adapter turns
 * it into an Outcome the same way (src/vendors/outcome.ts).
 */

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Relative to the transport's base URL, without a leading slash: `!AutoRevokeSSL`, `order/certificate/12/revoke`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Cancels the call (shutdown). */
  signal?: AbortSignal;
}

export type NetworkFaultCode =
  | 'CA_ERR_CONNECT'
  | 'CA_ERR_TLS'
  | 'CA_ERR_TIMEOUT'
  | 'CA_ERR_RESET'
  | 'CA_ERR_ABORTED';

export interface TransportResponse {
  kind: 'response';
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  latencyMs: number;
}

export interface TransportFault {
  kind: 'fault';
  code: NetworkFaultCode;
  message: string;
  /**
   * False only when we know the request never left (connection refused, TLS handshake failed);
   * true when it may have been received and acted on (timeout or reset after sending).
   */
  mayHaveReachedVendor: boolean;
  latencyMs: number;
}

export type TransportResult = TransportResponse | TransportFault;

export interface Transport {
  /** Always https:. */
  readonly baseUrl: URL;
  send(request: TransportRequest): Promise<TransportResult>;
  close(): Promise<void>;
}
