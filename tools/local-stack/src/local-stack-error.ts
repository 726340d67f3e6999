/** A refusal to start with a message meant for a person (a port in use, a worker that died). */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}
