/**
 * The help desk's figures and its setup (src/api/routes/support-desk.ts, support-admin.ts): the metrics
 * of a period and their CSV, agents' tiers and shifts, support addresses, and help-centre articles.
 */
import { request } from '../api';
import { type Agent, queryOf } from '../support-api';

export interface Durations {
  readonly avgMs: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly count: number;
}

export interface Verdicts {
  readonly met: number;
  readonly breached: number;
  readonly percent: number | null;
  /** Percent on time the pack's KPIs ask of this clock, or null. */
  readonly target: number | null;
}

export interface Metrics {
  readonly from: string;
  readonly to: string;
  /** Tickets created in the period. */
  readonly tickets: number;
  readonly firstResponse: Durations;
  readonly resolution: Durations;
  readonly slaCompliance: readonly {
    readonly priority: string;
    readonly target: number | null;
    readonly firstResponse: Verdicts;
    readonly resolution: Verdicts;
  }[];
  readonly firstContactResolution: {
    readonly percent: number | null;
    readonly target: number | null;
    readonly count: number;
  };
  readonly csat: {
    readonly average: number | null;
    readonly responses: number;
    readonly target: number | null;
  };
  readonly reopenRate: { readonly percent: number | null; readonly count: number };
  readonly backlogByTier: readonly { readonly tier: string; readonly open: number }[];
  readonly volumeByChannel: readonly { readonly channel: string; readonly count: number }[];
  readonly perAgent: readonly {
    readonly userId: string;
    readonly name: string | null;
    readonly assigned: number;
    readonly resolved: number;
    readonly firstResponseP50Ms: number | null;
    readonly csat: number | null;
  }[];
  readonly volumeByDay: readonly { readonly day: string; readonly count: number }[];
}

export interface MetricsQuery {
  readonly from: string;
  readonly to: string;
  readonly tier?: string;
  readonly channel?: string;
  readonly agent?: string;
}

export interface SupportAddress {
  readonly address: string;
  /** The pack channel its mail counts as. */
  readonly channel: string;
  readonly createdAt: string;
}

/** An article as the list shows it (its text is fetched when it is opened). */
export interface ArticleSummary {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  /** The help-centre section it is listed under. */
  readonly category: string;
  readonly excerpt: string;
  readonly ticketCategories: readonly string[];
  readonly published: boolean;
  /** Its public address (404 while a draft). */
  readonly url: string;
  readonly updatedAt: string;
}

export interface Article extends Omit<ArticleSummary, 'excerpt'> {
  /** Markdown. */
  readonly body: string;
  readonly views: number;
  readonly helpful: number;
  readonly notHelpful: number;
  readonly createdAt: string;
}

export interface ArticleInput {
  readonly slug?: string;
  readonly title: string;
  readonly body: string;
  readonly category: string;
  readonly ticketCategories: readonly string[];
  readonly published: boolean;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;

export const metricsCsvUrl = (workspaceId: string, query: MetricsQuery) =>
  `${base(workspaceId)}/support/metrics.csv${queryOf({ ...query })}`;

export const deskApi = {
  metrics: (workspaceId: string, query: MetricsQuery) =>
    request<Metrics>('GET', `${base(workspaceId)}/support/metrics${queryOf({ ...query })}`),

  // Admin (support.manage / knowledge.write).
  saveAgent: (
    workspaceId: string,
    userId: string,
    agent: { tiers: readonly string[]; onShift: boolean },
    csrfToken: string,
  ) =>
    request<Agent>('PUT', `${base(workspaceId)}/support/agents/${encodeURIComponent(userId)}`, {
      body: agent,
      csrfToken,
    }),
  addresses: (workspaceId: string) =>
    request<{ items: readonly SupportAddress[] }>('GET', `${base(workspaceId)}/support/addresses`).then(
      (answer) => answer.items,
    ),
  addAddress: (workspaceId: string, address: { address: string; channel?: string }, csrfToken: string) =>
    request<SupportAddress>('POST', `${base(workspaceId)}/support/addresses`, { body: address, csrfToken }),
  removeAddress: (workspaceId: string, address: string, csrfToken: string) =>
    request<undefined>('DELETE', `${base(workspaceId)}/support/addresses/${encodeURIComponent(address)}`, {
      csrfToken,
    }),
  articles: (workspaceId: string) =>
    request<{ items: readonly ArticleSummary[] }>('GET', `${base(workspaceId)}/knowledge/articles`).then(
      (answer) => answer.items,
    ),
  article: (workspaceId: string, id: string) =>
    request<Article>('GET', `${base(workspaceId)}/knowledge/articles/${encodeURIComponent(id)}`),
  createArticle: (workspaceId: string, article: ArticleInput, csrfToken: string) =>
    request<Article>('POST', `${base(workspaceId)}/knowledge/articles`, { body: article, csrfToken }),
  updateArticle: (workspaceId: string, id: string, article: Partial<ArticleInput>, csrfToken: string) =>
    request<Article>('PATCH', `${base(workspaceId)}/knowledge/articles/${encodeURIComponent(id)}`, {
      body: article,
      csrfToken,
    }),
  deleteArticle: (workspaceId: string, id: string, csrfToken: string) =>
    request<undefined>('DELETE', `${base(workspaceId)}/knowledge/articles/${encodeURIComponent(id)}`, {
      csrfToken,
    }),
};
