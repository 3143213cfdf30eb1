/**
 * The reply composer's templates: the customer templates of the pack a ticket runs under, rendered in the
 * customer's language with what the ticket knows (number, title, the customer's name and addresses, the
 * help-centre link). A value the ticket cannot give (what the agent did, the agent's own name) is left as
 * a visible `[variable]` blank for the agent to fill before sending.
 */
import { renderTemplate } from '../../core/templates.js';
import { and, eq } from 'drizzle-orm';
import { tickets } from '../../store/schema.js';
import { notFound, ticketPolicy, workspaceNaming } from './detail.js';
import type { SupportContext } from './ticket-store.js';

export interface ComposerTemplate {
  readonly id: string;
  readonly label: string;
  readonly channel: string;
  readonly locale: string;
  readonly subject: string | null;
  readonly text: string;
  /** Variables left as `[name]` blanks. */
  readonly blanks: string[];
}

export async function composerTemplates(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
): Promise<ComposerTemplate[]> {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [ticket] = await tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)))
      .limit(1);
    if (!ticket) throw notFound(number);
    const pack = (await ticketPolicy(ctx, tx, workspaceId, number)).pack;
    const naming = await workspaceNaming(tx, workspaceId);
    const known: Record<string, string> = {
      ticket_number: String(ticket.number),
      ticket_title: ticket.title,
      ...(ticket.requesterName ? { customer_name: ticket.requesterName } : {}),
      ...(ticket.requesterEmail ? { customer_email: ticket.requesterEmail } : {}),
      ...(ticket.requesterPhone ? { customer_phone: ticket.requesterPhone } : {}),
      ...(ticket.account ? { account: ticket.account } : {}),
      workspace_name: naming.name,
      portal_url: `${ctx.publicUrl}/help/${encodeURIComponent(naming.slug)}`,
    };
    const out: ComposerTemplate[] = [];
    for (const template of pack.templates ?? []) {
      if (template.audience !== 'customer') continue;
      const blanks = template.variables.map((v) => v.name).filter((name) => known[name] === undefined);
      const values = { ...known, ...Object.fromEntries(blanks.map((name) => [name, `[${name}]`])) };
      const rendered = renderTemplate(template, {
        preferred: [ticket.locale, ...(pack.pack.locales ?? [])],
        mode: 'deliver',
        values,
      });
      // A pack's templates are checked when it is loaded; one that still fails is left out of the list.
      if (!rendered.ok) continue;
      out.push({
        id: template.id,
        label: template.label,
        channel: template.channel,
        locale: rendered.locale,
        subject: rendered.subject ?? null,
        text: rendered.text,
        blanks,
      });
    }
    return out;
  });
}
