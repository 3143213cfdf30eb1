import { describe, expect, it } from 'vitest';
import { classifyAlert, levelOf, rawSeverityOf, type AlertPolicy } from './alert-rules.js';

const sev: AlertPolicy = { levels: ['sev1', 'sev2', 'sev3', 'sev4'], rules: [] };

describe('levelOf', () => {
  it('maps critical, error, warning, info onto the scale in order; a level id stays as it is', () => {
    expect(
      ['critical', 'error', 'warning', 'info', 'sev3', 'bogus'].map((s) => levelOf(sev.levels!, s)),
    ).toEqual(['sev1', 'sev2', 'sev3', 'sev4', 'sev3', 'sev2']);
  });

  it('uses the last level for what a shorter scale has no room for', () => {
    expect(levelOf(['high', 'low'], 'warning')).toBe('low');
    expect(levelOf(['only'], 'info')).toBe('only');
  });

  it('knows the usual spellings', () => {
    expect(['page', 'FATAL', ' warn ', 'notice', undefined].map(rawSeverityOf)).toEqual([
      'critical',
      'critical',
      'warning',
      'info',
      'error',
    ]);
  });
});

describe('classifyAlert', () => {
  it('groups by source and service by default, by the sender group key when given', () => {
    expect(classifyAlert(sev, { source: 'check:chk_1' }).groupKey).toBe('check:chk_1');
    expect(classifyAlert(sev, { source: 'generic:int_1', service: 'api' }).groupKey).toBe(
      'generic:int_1 service=api',
    );
    expect(classifyAlert(sev, { source: 'am:int_1', groupKey: 'g', service: 'api' }).groupKey).toBe(
      'am:int_1 g',
    );
  });

  it('opens no incident for info, and none at all without an incident scale', () => {
    expect(classifyAlert(sev, { source: 's', severity: 'info' })).toMatchObject({
      severity: 'sev4',
      openIncident: false,
    });
    expect(classifyAlert(sev, { source: 's', severity: 'sev4' })).toMatchObject({ openIncident: true });
    expect(classifyAlert({ levels: null, rules: [] }, { source: 's', severity: 'crit' })).toMatchObject({
      severity: 'critical',
      openIncident: false,
    });
  });

  it('lets the first matching rule decide level, incident, type and grouping', () => {
    const policy: AlertPolicy = {
      levels: sev.levels,
      rules: [
        { id: 'quiet', match: { source: ['threshold:uptime'] }, incident: 'none' },
        {
          id: 'db',
          match: { labels: { alertname: ['DbDown', 'db-down'] }, severity: ['warning'] },
          severity: 'sev1',
          type: 'service-incident',
          groupBy: ['cluster'],
        },
        { id: 'thresholds', match: { source: ['threshold'] }, severity: 'sev2' },
        { id: 'graded-info', match: { severity: ['info'] }, severity: 'sev4' },
      ],
    };
    expect(classifyAlert(policy, { source: 'threshold:uptime', severity: 'critical' })).toMatchObject({
      rule: 'quiet',
      openIncident: false,
    });
    expect(classifyAlert(policy, { source: 'threshold:cpu', severity: 'info' })).toMatchObject({
      rule: 'thresholds',
      severity: 'sev2',
      openIncident: true,
    });
    const db = classifyAlert(policy, {
      source: 'am:int_2',
      severity: 'warning',
      labels: { alertname: 'db-down', cluster: 'eu' },
    });
    expect(db).toEqual({
      severity: 'sev1',
      openIncident: true,
      groupKey: 'rule:db cluster=eu',
      type: 'service-incident',
      rule: 'db',
    });
    // A label rule needs the label; severity must also match.
    expect(
      classifyAlert(policy, { source: 'am:int_2', severity: 'critical', labels: { alertname: 'db-down' } })
        .rule,
    ).toBeNull();
    // A rule that names the level has graded an info alert: it opens an incident.
    expect(classifyAlert(policy, { source: 'x', severity: 'info' })).toMatchObject({
      rule: 'graded-info',
      openIncident: true,
    });
  });

  it('keeps group keys short enough for an index, distinct for distinct long keys', () => {
    const long = (c: string) => classifyAlert(sev, { source: 's', service: c.repeat(600) }).groupKey;
    expect(long('a').length).toBeLessThanOrEqual(400);
    expect(long('a')).not.toBe(long('b'));
  });
});
