/**
 * `npm run staff -- token issue <staffId> [--days N] [--label L]`: issues a staff API token and
 * prints it (once: only its hash is kept). `npm run staff -- token revoke <tokenId>` revokes one;
 * `npm run staff -- token list <staffId>` lists a member's tokens, never the secrets.
 */
import { parseArgs } from 'node:util';
import { issueToken, revokeToken } from '../auth/tokens';
import { loadConfig } from '../config';
import { createDb } from '../db/client';

const USAGE = `usage:
  npm run staff -- token issue <staffId> [--days N] [--label L]
  npm run staff -- token revoke <tokenId>
  npm run staff -- token list <staffId>`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { days: { type: 'string' }, label: { type: 'string' } },
  });
  const [noun, verb, id] = positionals;
  if (noun !== 'token' || !id || !['issue', 'revoke', 'list'].includes(verb ?? '')) {
    console.error(USAGE);
    return 2;
  }
  const db = createDb(loadConfig().databaseUrl);
  try {
    if (verb === 'issue') {
      const days = values.days === undefined ? undefined : Number(values.days);
      const issued = await issueToken(db, id, { days, label: values.label ?? null });
      console.log(
        `Token ${issued.id} for ${id}, valid until ${issued.expiresAt.toISOString()}:\n\n  ${issued.token}\n`,
      );
      console.log('It is shown this once; only its hash is stored.');
    } else if (verb === 'revoke') {
      const revoked = await revokeToken(db, id);
      if (!revoked) {
        console.error(`No token ${id}.`);
        return 1;
      }
      console.log(`Token ${revoked.id} of ${revoked.staffId} revoked at ${revoked.revokedAt?.toISOString()}.`);
    } else {
      const tokens = await db.staffToken.findMany({ where: { staffId: id }, orderBy: { createdAt: 'asc' } });
      for (const t of tokens) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : `expires ${t.expiresAt.toISOString()}`;
        console.log(`${t.id}  ${state}  ${t.label ?? ''}`);
      }
      if (!tokens.length) console.log(`${id} has no tokens.`);
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
