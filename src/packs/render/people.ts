/** Who: roles (of the team and of the customer's users), named contacts, on-call rotations, support tiers. */
import type { RenderContext } from './context.js';
import { labelOf, levelLabel } from './context.js';
import { list, section, table } from './markdown.js';

type Role = NonNullable<RenderContext['pack']['roles']>[number];

function roleTable(roles: Role[]): string {
  return table(
    ['Role', 'Id', 'Description', 'Members', 'Reached via', 'Access'],
    roles.map((r) => [
      r.label,
      r.id,
      r.description ?? '',
      (r.members ?? []).join(', '),
      r.contact ?? '',
      (r.features ?? []).join(', '),
    ]),
  );
}

export function roles({ pack }: RenderContext): string[] {
  const all = pack.roles ?? [];
  const team = all.filter((r) => r.scope === 'team');
  const account = all.filter((r) => r.scope === 'account');
  if (account.length === 0) return section('Roles', [roleTable(team)]);
  return section('Roles', [
    ...(team.length ? ['### Our team', '', roleTable(team)] : []),
    "### The customer's users",
    '',
    roleTable(account),
  ]);
}

export function contacts({ pack }: RenderContext): string[] {
  if (!pack.contacts?.length) return [];
  return section('Contacts', [
    table(
      ['Contact', 'Id', 'Name', 'Role', 'Email', 'Phone'],
      pack.contacts.map((c) => [
        c.label,
        c.id,
        c.name ?? '',
        c.role ? labelOf(pack.roles, c.role) : '',
        c.email ?? '',
        c.phone ?? '',
      ]),
    ),
  ]);
}

export function rotations({ pack }: RenderContext): string[] {
  if (!pack.rotations?.length) return [];
  return section('On-call rotations', [
    table(
      ['Rotation', 'Id', 'Staffs the role', 'Hand-off'],
      pack.rotations.map((r) => [
        r.label,
        r.id,
        r.role ? labelOf(pack.roles, r.role) : '',
        r.handoff === 'daily' ? 'every day' : r.handoff === 'weekly' ? 'every week' : '',
      ]),
    ),
    'Who is on call, and when, is set in the workspace.',
    '',
  ]);
}

export function tiers({ pack, target }: RenderContext): string[] {
  if (!pack.tiers?.length) return [];
  return section(
    'Support tiers',
    pack.tiers.flatMap((t) => [
      `### ${t.label}`,
      '',
      ...(t.members?.length ? [`Members: ${t.members.join(', ')}.`, ''] : []),
      ...list(t.responsibilities),
      ...(t.responseTimes?.length
        ? [
            `Responds: ${t.responseTimes.map((r) => `${levelLabel(pack, r.level)} ${target(r.target)}`).join('; ')}.`,
            '',
          ]
        : []),
    ]),
  );
}
