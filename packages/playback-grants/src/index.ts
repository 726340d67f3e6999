export {
  createPlaybackGrantSigner,
  DEFAULT_GRANT_LIFETIME_SECONDS,
  type PlaybackGrantSigner,
  type PlaybackGrantSignerOptions,
  type SignedPlaybackGrant,
  type SignPlaybackGrantInput,
} from './create-playback-grant-signer';
export {
  createPlaybackGrantVerifier,
  DEFAULT_MAX_LIFETIME_SECONDS,
  DEFAULT_SKEW_SECONDS,
  type PlaybackGrantRefusal,
  type PlaybackGrantVerifier,
  type PlaybackGrantVerifierOptions,
  type VerifyPlaybackGrantInput,
  type VerifyResult,
} from './create-playback-grant-verifier';
export {
  generatePlaybackGrantKey,
  type PlaybackGrantKeyPair,
} from './generate-playback-grant-key';
export {
  MAX_GRANT_LENGTH,
  MAX_ID_LENGTH,
  PLAYBACK_GRANT_ALGORITHM,
  PLAYBACK_GRANT_TYPE,
} from './grant-format';
export type {
  Jwk,
  Jwks,
  PlaybackGrantPrivateJwk,
  PlaybackGrantPublicJwk,
} from './playback-grant-jwk';
export { toPublicJwks } from './to-public-jwks';
