// The slice of oidc-provider (v9, untyped) the OIDC sign-in tests use to run a real provider.
declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http';
  interface Account {
    accountId: string;
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>;
  }
  interface Configuration {
    findAccount?: (ctx: unknown, sub: string) => Account | undefined | Promise<Account | undefined>;
    [option: string]: unknown;
  }
  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): RequestListener;
    proxy: boolean;
  }
}
