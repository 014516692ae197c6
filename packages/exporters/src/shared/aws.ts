/** What every AWS client here is built from: region, an optional endpoint (local fakes), credentials. */
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';

export interface AwsClientOptions {
  region: string;
  /** Overrides the service endpoint, e.g. `http://127.0.0.1:4566` for a local fake. */
  endpoint?: string;
  /** Defaults to the SDK's provider chain (environment, profile, web identity, instance role). */
  credentials?: BedrockRuntimeClientConfig['credentials'];
  /** SDK attempts per call, retries included. */
  maxAttempts?: number;
}

/** The constructor options the SDK clients share, without keys the caller left out. */
export function clientConfig(o: AwsClientOptions): AwsClientOptions {
  return {
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  };
}
