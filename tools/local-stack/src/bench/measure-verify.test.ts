import { createPlaybackGrantSigner, generatePlaybackGrantKey } from '@codex/playback-grants';
import { describe, expect, it } from 'vitest';
import { measureVerify } from './measure-verify';

const CONTENT = '7d1c2f3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f';

async function signedGrant() {
  const key = await generatePlaybackGrantKey('bench-verify');
  const { grant } = await createPlaybackGrantSigner({ privateJwk: key.privateJwk }).sign({
    customerId: 'user_bench_buyer',
    contentId: CONTENT,
    now: new Date(),
  });
  return { grant, publicKeys: JSON.stringify({ keys: [key.publicJwk] }) };
}

describe('measureVerify', () => {
  it('times the verifications of a valid grant: p50 ≤ p99, a positive rate', async () => {
    const { grant, publicKeys } = await signedGrant();
    const measured = await measureVerify({
      grant,
      publicKeys,
      contentId: CONTENT,
      customerId: 'user_bench_buyer',
      verifications: 200,
      warmUp: 20,
    });
    expect(measured.verifications).toBe(200);
    expect(measured.p50Microseconds).toBeGreaterThan(0);
    expect(measured.p99Microseconds).toBeGreaterThanOrEqual(measured.p50Microseconds);
    expect(measured.perSecond).toBeGreaterThan(0);
  });

  it('throws when the grant is refused rather than timing refusals', async () => {
    const { grant, publicKeys } = await signedGrant();
    await expect(
      measureVerify({
        grant,
        publicKeys,
        contentId: 'another-content',
        verifications: 10,
        warmUp: 0,
      }),
    ).rejects.toThrow('wrong_content');
  });
});
