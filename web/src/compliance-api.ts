/**
 * The compliance report's call (src/api/routes/compliance.ts): how often each timed step of each pack
 * version was met in a period, and the address of its printable page.
 */
import { request } from './api';

export interface ComplianceLine {
  readonly step: string;
  readonly source: string;
  readonly kind: string;
  readonly level: string | null;
  readonly levelLabel: string | null;
  readonly label: string;
  readonly quote: string | null;
  readonly total: number;
  readonly met: number;
  readonly breached: number;
  readonly running: number;
  /** Running and already past due. */
  readonly overdue: number;
  readonly percent: number | null;
  readonly targetPercent: number;
  readonly targetKpi: string | null;
  readonly onTarget: boolean | null;
  readonly text: string;
}

export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly packs: readonly {
    readonly packId: string;
    readonly version: string;
    readonly title: string;
    readonly steps: number;
    readonly families: readonly {
      readonly family: string;
      readonly title: string;
      readonly lines: readonly ComplianceLine[];
    }[];
  }[];
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/compliance`;

export const complianceApi = {
  report: (workspaceId: string, period: { from: string; to: string }) =>
    request<ComplianceReport>('GET', `${base(workspaceId)}?${new URLSearchParams(period).toString()}`),
  /** The printable page (HTML, no script) of the same period. */
  printableUrl: (workspaceId: string, period: { from: string; to: string }) =>
    `${base(workspaceId)}/report.html?${new URLSearchParams(period).toString()}`,
};
