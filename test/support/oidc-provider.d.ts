// oidc-provider (the local OpenID provider of the dashboard's sign-in test) ships no types; the
// test uses its constructor and listen() only.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string): Server;
  }
}
