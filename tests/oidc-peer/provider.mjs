// An OpenID Certified provider (panva/oidc-provider 8.8.1, which supports the
// Node 20 these machines run) on 127.0.0.1 at a port the OS picks, for the
// staff sign-in tests: the same client code that signs in against the
// sandbox's provider must sign in here. Prints `READY <issuer> <address>` once
// listening.
// Login and consent are oidc-provider's own dev interactions, driven by the
// tests with plain form posts (any login is accepted and becomes `sub`).
import http from "node:http";
import Provider from "oidc-provider";

const server = http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const listening = `http://127.0.0.1:${server.address().port}`;
// A test may put a proxy in front and make that the issuer.
const issuer = process.env.PEER_ISSUER ?? listening;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "desk-public",
      application_type: "native",
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
    {
      client_id: "desk-secret",
      // Characters that must be form-urlencoded before Basic (RFC 6749 §2.3.1).
      client_secret: "p@ss:w&rd 1+",
      application_type: "native",
      token_endpoint_auth_method: "client_secret_basic",
      redirect_uris: ["http://127.0.0.1/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
  ],
  pkce: { required: () => true, methods: ["S256"] },
  features: { devInteractions: { enabled: true } },
  claims: { email: ["email", "email_verified"], profile: ["name", "given_name", "family_name"] },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: `Dr ${sub}`, given_name: "Dr", family_name: sub, email: `${sub}@clinic.test`, email_verified: true };
      },
    };
  },
  // A refresh token for every code grant, without the offline_access dance.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed("refresh_token"),
  rotateRefreshToken: true,
  ttl: { AccessToken: 600, AuthorizationCode: 3, IdToken: 600, RefreshToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  cookies: { keys: ["oidc-peer-test-only-key"] },
});
provider.on("server_error", (ctx, err) => console.error("server_error", err));
server.on("request", provider.callback());
console.log(`READY ${issuer} ${listening}`);
