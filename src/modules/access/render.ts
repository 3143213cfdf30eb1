/**
 * Renders docs/access.md: the one table of who may do what (src/core/access.ts), and how each seed pack's
 * roles map to it. Written by `npm run docs`; a test fails when it drifts.
 */
import { BUILT_IN_ROLES, PERMISSIONS, TOKEN_SCOPES, resolveRoles, type PackRole } from '../../core/access.js';

export function renderAccessMarkdown(
  packs: readonly { packId: string; title: string; roles: readonly PackRole[] }[],
): string {
  const names = Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[];
  const header = `| role | ${names.map((p) => `\`${p}\``).join(' | ')} |\n| --- |${names.map(() => ' :-: |').join('')}`;
  const row = (label: string, has: ReadonlySet<string>) =>
    `| ${label} | ${names.map((p) => (has.has(p) ? '✓' : '')).join(' | ')} |`;
  const builtIn = BUILT_IN_ROLES.map((r) => row(`${r.label} (\`${r.id}\`)`, new Set(r.permissions)));
  const scopes = Object.entries(TOKEN_SCOPES).map(([scope, p]) => row(`\`${scope}\` token`, new Set(p)));
  const packSections = packs.map((pack) => {
    const resolved = resolveRoles([{ packId: pack.packId, roles: pack.roles }]).filter(
      (r) => r.source !== 'built-in',
    );
    const lines = resolved.map((role) => {
      const source = pack.roles.find((r) => r.id === role.id)!;
      const base =
        source.scope === 'team' ? `as \`${source.access ?? 'viewer'}\`` : 'account role: features only';
      const features = [...role.permissions].filter((p) => p.startsWith('feature:')).map((p) => `\`${p}\``);
      return `| ${role.label} (\`${role.id}\`) | ${source.scope} | ${base} | ${features.join(', ') || '—'} |`;
    });
    return `### ${pack.title} (\`${pack.packId}\`)\n\n| role | scope | permissions | features |\n| --- | --- | --- | --- |\n${lines.join('\n')}\n`;
  });
  return `# Access: roles and permissions

<!-- Generated from src/core/access.ts and the seed packs by \`npm run docs\`. Do not edit by hand. -->

Every API route names the permission it needs (\`config.access\` in \`src/api/routes/*\`); the access hook
(\`src/api/session.ts\`) checks it for the route's workspace, and the web app hides what a role cannot use.
Another workspace's records answer 404. A test (\`test/security/isolation.test.ts\`) walks every route of the
OpenAPI document with every role and token scope below, and with another workspace's people and tokens.

## Permissions

${names.map((p) => `- \`${p}\`: ${PERMISSIONS[p]}`).join('\n')}
- \`feature:<id>\`: a pack feature (Smart Estate's \`visitor-passes\`, \`qr-check-in\` …), given by a pack role's
  \`features\`; pack pages and integrations check it.

## Built-in roles

${header}
${builtIn.join('\n')}

Owners and admins have the same permissions; only an owner makes owners, and the last owner cannot leave or be
removed. Nobody can give a role with a permission they do not have.

## API token scopes

Tokens belong to a workspace, are shown once, stored hashed (SHA-256), may expire and are revoked on the Admin
page or with \`DELETE /api/v1/workspaces/{id}/tokens/{tokenId}\`. \`opsbook token create --workspace W --role R\`
mints one from the command line. Ingest tokens may only send integration events (\`alert.*\`, \`monitor.*\`,
\`payment.*\`, \`usage.recorded\`).

${header.replace('| role |', '| scope |')}
${scopes.join('\n')}

## Pack roles

A pack's team role takes the permissions of the built-in role named by its \`access\` (viewer when it names
none); every pack role's \`features\` become \`feature:<id>\` permissions. Account roles are the customer's own
users (an estate's guards and residents): they get their features and nothing of the team's tools.

${packSections.join('\n')}`;
}
