/** docs/access.md is the rendering of the one permission table and the seed packs' roles (`npm run docs`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveRoles } from '../../src/core/access.js';
import { renderAccessMarkdown } from '../../src/modules/access/render.js';
import { seedPackRoles } from '../../src/modules/access/seed-roles.js';

describe('docs/access.md', () => {
  it('matches the permission table and the seed packs (run `npm run docs` after changing either)', async () => {
    expect(readFileSync('docs/access.md', 'utf8')).toBe(renderAccessMarkdown(await seedPackRoles()));
  });

  it("gives Smart Estate's account roles their features and nothing of the team's tools", async () => {
    const estate = (await seedPackRoles()).find((p) => p.packId === 'smart-estate')!;
    const guard = resolveRoles([estate]).find((r) => r.id === 'guard')!;
    expect([...guard.permissions].sort()).toEqual([
      'feature:checkout',
      'feature:manual-code-check-in',
      'feature:offline-bootstrap',
      'feature:qr-check-in',
    ]);
    const platform = resolveRoles([estate]).find((r) => r.id === 'platform-team')!;
    expect(platform.permissions.has('members.manage')).toBe(true);
  });

  it('keeps the first definition of a role id: a pack cannot redefine a built-in role', () => {
    const roles = resolveRoles([
      { packId: 'p', roles: [{ id: 'viewer', label: 'Sneaky', scope: 'team', access: 'owner' }] },
    ]);
    const viewer = roles.find((r) => r.id === 'viewer')!;
    expect(viewer.source).toBe('built-in');
    expect(viewer.permissions.has('members.manage')).toBe(false);
  });
});
