import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One message of the local mailbox, as `/mailbox.json` lists it. */
export interface MailboxMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

// The page shows the latest messages; the folder keeps them all.
const MAILBOX_LIMIT = 50;

/**
 * The messages in `dir` (one JSON file each, as the Resend stand-in writes them), newest first,
 * at most {@link MAILBOX_LIMIT}. A missing folder is an empty mailbox; an unreadable file is skipped.
 */
export async function readMailbox(dir: string | undefined): Promise<MailboxMessage[]> {
  if (!dir) return [];
  const names = await readdir(dir).catch(() => [] as string[]);
  const messages: MailboxMessage[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const raw = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      messages.push({
        id: String(raw.id),
        to: Array.isArray(raw.to) ? raw.to.map(String) : [],
        subject: String(raw.subject ?? ''),
        text: typeof raw.text === 'string' ? raw.text : '',
        receivedAt: String(raw.receivedAt ?? ''),
      });
    } catch {
      // A file being written, or not a message: left out.
    }
  }
  messages.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return messages.slice(0, MAILBOX_LIMIT);
}
