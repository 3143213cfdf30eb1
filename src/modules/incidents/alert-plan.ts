/**
 * What a batch of alert events does, decided in memory and in order (pure): which alerts open, repeat,
 * are acknowledged or resolved, which incidents are declared or joined and which resolve because their
 * last alert did. alerts.ts reads the state this needs in a few statements, and writes the plan in a few
 * more; applying a batch is the same as applying its events one by one (RELIABILITY R9).
 *
 * A batch may hold several requests' events (segments: alert-batcher.ts coalesces concurrent requests
 * into one transaction); each segment's counts and incidents are kept apart for its own answer.
 */
import type { Classification } from './alert-rules.js';

export type AlertAction = 'trigger' | 'acknowledge' | 'resolve';

/** An event as the plan reads it (validated by alerts.ts). */
export interface PlanEvent {
  /** Which request of the batch it came from (0 when there is one). */
  readonly segment: number;
  /** The integration or monitor that raised it. */
  readonly source: string;
  readonly action: AlertAction;
  readonly dedupKey: string;
  readonly summary?: string | undefined;
  readonly service?: string | undefined;
  readonly component?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  readonly startedAt?: Date | undefined;
}

/** Damping: the third firing of one key within 30 minutes is flapping (docs/alerts.md). */
export const FLAP_WINDOW_MS = 30 * 60_000;
/** Re-fires within the window from which an alert counts as flapping (its `flaps` column). */
export const FLAP_REFIRES = 2;

/** A stored alert of a key that is not resolved. */
export interface OpenAlert {
  readonly id: string;
  readonly status: 'firing' | 'acknowledged';
  readonly incidentId: string | null;
  readonly flaps: number;
}

/** What is stored about one key: its open alert, and its firings within the flapping window. */
export interface KeyHistory {
  readonly open: OpenAlert | null;
  /** Alerts of the key that were firing at some time within the window (the open one included). */
  readonly firingsInWindow: number;
  /** The incident of the key's latest alert, for a flapping alert to stay on. */
  readonly lastIncidentId: string | null;
}

/** An incident the batch may touch, as stored when the batch began. */
export interface KnownIncident {
  readonly id: string;
  readonly number: number;
  readonly open: boolean;
  /** Declared by alerts: it resolves itself when its last alert resolves. */
  readonly byAlerts: boolean;
  readonly openAlerts: number;
  readonly groupKey: string | null;
}

export interface DeclareOp {
  readonly kind: 'declare';
  /** `new:<n>`, replaced by the declared incident's id. */
  readonly ref: string;
  /** The segment whose alert declares it (its actor declares), and that alert's source. */
  readonly segment: number;
  readonly source: string;
  readonly groupKey: string;
  readonly title: string;
  readonly severity: string;
  readonly type: string | null;
  readonly service: string | null;
  readonly component: string | null;
  readonly startedAt: Date;
}
export type IncidentOp =
  DeclareOp | { readonly kind: 'resolve'; readonly ref: string; readonly segment: number };

/** One alert as the batch leaves it: a stored one changed, or a new one. */
export interface PlannedAlert {
  readonly id: string;
  readonly stored: boolean;
  readonly dedupKey: string;
  /** New alerts: the source of the trigger that opened it (stored ones keep theirs). */
  readonly source: string;
  status: 'firing' | 'acknowledged' | 'resolved';
  /** New: its count; stored: the repeats to add. */
  count: number;
  /** The latest trigger of the batch (stored alerts: null when only acknowledged or resolved). */
  last: { event: PlanEvent; classification: Classification } | null;
  readonly flaps: number;
  readonly flapping: boolean;
  /** An incident id, or a `new:<n>` ref of a declare op. */
  incident: string | null;
  /** Whether `incident` was set by this batch (stored alerts keep theirs otherwise). */
  incidentSet: boolean;
  readonly startedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export interface PlanCounts {
  accepted: number;
  opened: number;
  updated: number;
  resolved: number;
  acknowledged: number;
  suppressed: number;
}

export interface Plan {
  readonly alerts: PlannedAlert[];
  readonly ops: IncidentOp[];
  /** Per segment: the incidents (ids or refs) its alerts opened or joined, and its counts. */
  readonly touched: Set<string>[];
  readonly counts: PlanCounts[];
}

export interface PlanInput {
  readonly events: readonly PlanEvent[];
  /** The classification of each trigger event, by index (others: null). */
  readonly classifications: readonly (Classification | null)[];
  readonly histories: ReadonlyMap<string, KeyHistory>;
  readonly incidents: ReadonlyMap<string, KnownIncident>;
  /** Whether an alert of this component (or of none) is under maintenance now. */
  readonly inMaintenance: (component: string | null) => boolean;
  readonly now: Date;
  /** New alert ids, in order (ids sort by creation, so the batch's order is kept). */
  readonly newId: () => string;
}

interface LiveIncident {
  open: boolean;
  readonly byAlerts: boolean;
  openAlerts: number;
  readonly groupKey: string | null;
}

interface LiveKey {
  open: PlannedAlert | null;
  firingsInWindow: number;
  lastIncident: string | null;
}

class Planner {
  readonly alerts: PlannedAlert[] = [];
  readonly ops: IncidentOp[] = [];
  readonly touched: Set<string>[] = [];
  readonly counts: PlanCounts[] = [];
  /** The segment of the event being applied. */
  private segment = 0;
  private readonly keys = new Map<string, LiveKey>();
  private readonly incidents = new Map<string, LiveIncident>();
  private readonly openByGroup = new Map<string, string>();
  private declared = 0;

  constructor(private readonly input: PlanInput) {
    for (const [id, incident] of input.incidents) {
      this.incidents.set(id, { ...incident });
      if (incident.open && incident.groupKey !== null) this.openByGroup.set(incident.groupKey, id);
    }
  }

  private key(dedupKey: string): LiveKey {
    let live = this.keys.get(dedupKey);
    if (!live) {
      const stored = this.input.histories.get(dedupKey);
      const open: PlannedAlert | null = stored?.open
        ? {
            id: stored.open.id,
            stored: true,
            dedupKey,
            source: '',
            status: stored.open.status,
            count: 0,
            last: null,
            flaps: stored.open.flaps,
            flapping: stored.open.flaps >= FLAP_REFIRES,
            incident: stored.open.incidentId,
            incidentSet: false,
            startedAt: this.input.now,
            acknowledgedAt: null,
            resolvedAt: null,
          }
        : null;
      if (open) this.alerts.push(open);
      live = {
        open,
        firingsInWindow: stored?.firingsInWindow ?? 0,
        lastIncident: stored?.lastIncidentId ?? null,
      };
      this.keys.set(dedupKey, live);
    }
    return live;
  }

  private count(what: keyof PlanCounts): void {
    this.counts[this.segment]![what]++;
  }

  apply(event: PlanEvent, classification: Classification | null): void {
    this.segment = event.segment;
    this.counts[event.segment] ??= {
      accepted: 0,
      opened: 0,
      updated: 0,
      resolved: 0,
      acknowledged: 0,
      suppressed: 0,
    };
    this.touched[event.segment] ??= new Set();
    this.count('accepted');
    const live = this.key(event.dedupKey);
    if (event.action === 'trigger') this.trigger(live, event, classification!);
    else if (event.action === 'acknowledge') this.acknowledge(live);
    else this.resolve(live);
  }

  private trigger(live: LiveKey, event: PlanEvent, classification: Classification): void {
    const now = this.input.now;
    let alert = live.open;
    if (alert) {
      alert.count++;
      this.count('updated');
    } else {
      // A trigger after a resolve opens a new alert (R9); its re-fires within the window are counted.
      const flaps = live.firingsInWindow;
      live.firingsInWindow++;
      alert = {
        id: this.input.newId(),
        stored: false,
        dedupKey: event.dedupKey,
        source: event.source,
        status: 'firing',
        count: 1,
        last: null,
        flaps,
        flapping: flaps >= FLAP_REFIRES,
        incident: null,
        incidentSet: false,
        startedAt: event.startedAt ?? now,
        acknowledgedAt: null,
        resolvedAt: null,
      };
      this.alerts.push(alert);
      live.open = alert;
      this.count('opened');
      // Flapping: it stays on the incident of the key's previous alert and opens none (SOP damping).
      if (alert.flapping && live.lastIncident !== null) this.attach(alert, live.lastIncident);
    }
    alert.last = { event, classification };
    if (alert.incident === null && !alert.flapping) this.assignIncident(alert, event, classification);
  }

  private assignIncident(alert: PlannedAlert, event: PlanEvent, classification: Classification): void {
    if (!classification.openIncident) return;
    if (this.input.inMaintenance(event.component ?? null)) {
      this.count('suppressed');
      return;
    }
    let ref = this.openByGroup.get(classification.groupKey);
    if (ref === undefined) {
      ref = `new:${this.declared++}`;
      this.ops.push({
        kind: 'declare',
        ref,
        segment: event.segment,
        source: event.source,
        groupKey: classification.groupKey,
        title: event.summary ?? event.dedupKey,
        severity: classification.severity,
        type: classification.type,
        service: event.service ?? null,
        component: event.component ?? null,
        startedAt: alert.startedAt,
      });
      this.incidents.set(ref, {
        open: true,
        byAlerts: true,
        openAlerts: 0,
        groupKey: classification.groupKey,
      });
      this.openByGroup.set(classification.groupKey, ref);
    }
    this.attach(alert, ref);
  }

  private attach(alert: PlannedAlert, ref: string): void {
    alert.incident = ref;
    alert.incidentSet = true;
    this.touched[this.segment]!.add(ref);
    const incident = this.incidents.get(ref);
    if (incident?.open) incident.openAlerts++;
  }

  private acknowledge(live: LiveKey): void {
    const alert = live.open;
    if (!alert || alert.status !== 'firing') return;
    alert.status = 'acknowledged';
    alert.acknowledgedAt = this.input.now;
    this.count('acknowledged');
  }

  private resolve(live: LiveKey): void {
    const alert = live.open;
    if (!alert) return;
    alert.status = 'resolved';
    alert.resolvedAt = this.input.now;
    live.open = null;
    live.lastIncident = alert.incident;
    this.count('resolved');
    const ref = alert.incident;
    const incident = ref === null ? undefined : this.incidents.get(ref);
    if (!incident?.open) return;
    incident.openAlerts = Math.max(0, incident.openAlerts - 1);
    // Every alert of an incident that alerts opened is resolved: so is the incident.
    if (incident.openAlerts === 0 && incident.byAlerts) {
      incident.open = false;
      this.ops.push({ kind: 'resolve', ref: ref!, segment: this.segment });
      if (incident.groupKey !== null && this.openByGroup.get(incident.groupKey) === ref)
        this.openByGroup.delete(incident.groupKey);
    }
  }
}

/**
 * Plans a batch: every event in order against what was stored and what the earlier events did.
 *
 * @example planAlerts({ events: [trigger('a'), resolve('a'), trigger('a')], … }).counts.opened // 2
 */
export function planAlerts(input: PlanInput): Plan {
  const planner = new Planner(input);
  input.events.forEach((event, i) => planner.apply(event, input.classifications[i] ?? null));
  return { alerts: planner.alerts, ops: planner.ops, touched: planner.touched, counts: planner.counts };
}
