import { decodeBase64url, encodeBase64url } from '../base64url';
import { utf8Bytes, utf8Text } from '../grant-format';
import { importPlaybackGrantKey, type PlaybackGrantPrivateJwk } from '../playback-grant-jwk';

// Test scaffolding: grants the signer would never make, to prove the verifier refuses them.

const encodeJson = (value: unknown) => encodeBase64url(utf8Bytes(JSON.stringify(value)));

/** Decodes one JSON part of a grant (test input only: throws on anything odd). */
export function decodePart(part: string | undefined): Record<string, unknown> {
  const bytes = decodeBase64url(part ?? '');
  const text = bytes && utf8Text(bytes);
  if (text === undefined) throw new Error(`not a JSON part: ${part}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The grant with its header and/or claims rewritten, the original signature kept. */
export function rewriteGrant(
  grant: string,
  change: {
    header?: (header: Record<string, unknown>) => unknown;
    claims?: (claims: Record<string, unknown>) => unknown;
  },
): string {
  const [header, claims, signature] = grant.split('.');
  const newHeader = change.header ? encodeJson(change.header(decodePart(header))) : header;
  const newClaims = change.claims ? encodeJson(change.claims(decodePart(claims))) : claims;
  return `${newHeader}.${newClaims}.${signature}`;
}

/** A grant with any header and claims, validly signed by `privateJwk`. */
export async function signRawGrant(
  privateJwk: PlaybackGrantPrivateJwk,
  header: unknown,
  claims: unknown,
): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const key = await importPlaybackGrantKey(privateJwk);
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, key, utf8Bytes(signingInput));
  return `${signingInput}.${encodeBase64url(new Uint8Array(signature))}`;
}

/** The header every genuine grant signed by `privateJwk` carries. */
export const genuineHeader = (privateJwk: PlaybackGrantPrivateJwk) => ({
  alg: 'EdDSA',
  kid: privateJwk.kid,
  typ: 'playback-grant+jwt',
});
