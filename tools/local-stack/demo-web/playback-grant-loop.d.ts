// Types of playback-grant-loop.js for the TypeScript tests that drive it (never served).
export interface PlaybackGrantAnswer {
  grant: string;
  expiresAt: string;
  expiresInSeconds: number;
}

export interface PlaybackGrantLoopOptions {
  requestGrant: () => Promise<PlaybackGrantAnswer>;
  onGrant: (answer: PlaybackGrantAnswer) => void;
  onRefused: (error: unknown) => void;
  onTransientError?: (error: unknown) => void;
  retryMs?: number;
}

export function startPlaybackGrantLoop(options: PlaybackGrantLoopOptions): { stop: () => void };
