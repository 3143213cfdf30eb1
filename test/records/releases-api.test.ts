/**
 * A ShopSmart release through its lifecycle over HTTP (SOP-005), on PGlite: started with a type and a
 * version (REL-1), refused precisely where a gate is closed (deployed before go/no-go, QA passed before its
 * sign-off checklist, go/no-go before the release checklist's other items, go/no-go by a token holding no
 * role), decided no-go then go by an owner, deployed and rolled back by a CI token by version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Problem {
  code: string;
  detail: string;
  errors: { pointer: string; message: string }[];
}
interface Step {
  action: string;
  to: string;
  ready: boolean;
  gates: { kind: string; message: string }[];
}
interface Release {
  ref: string;
  state: string;
  fields: Record<string, unknown>;
  steps: Step[];
  endedAt: string | null;
  rollbackWindow: { status: string; endsAt: string } | null;
  monitoringEnds: string | null;
  releaseNotes: { template: string; text?: string } | null;
  links: string[];
  timeline: { type: string; actor: string; at: string }[];
}
interface Run {
  id: string;
  checklist: string;
  status: string;
  items: { id: string; evidence: string; status: string }[];
}

const EVIDENCE: Record<string, string | number> = {
  link: 'https://ci.example.com/runs/42',
  note: 'Done and checked',
  number: 82,
  file: 'report.pdf',
};

describe('a release through go/no-go to deploy and rollback', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  let ci: string;
  const call = (method: 'GET' | 'POST', path: string, payload?: object, token?: string) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: token
        ? { authorization: `Bearer ${token}` }
        : { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      ...(payload ? { payload } : {}),
    });
  const runs = async (ref: string) =>
    (await call('GET', `/checklist-runs?subject=release:${ref}&status=all`)).json<{ items: Run[] }>().items;
  const tick = async (run: Run, except: string[] = []) => {
    for (const item of run.items) {
      if (except.includes(item.id) || item.status !== 'open') continue;
      const done = await call('POST', `/checklist-runs/${run.id}/items/${item.id}/complete`, {
        ...(item.evidence === 'none'
          ? {}
          : { evidence: { kind: item.evidence, value: EVIDENCE[item.evidence] } }),
      });
      expect(done.statusCode, done.body).toBe(200);
    }
  };
  const step = (ref: string, action: string, token?: string) =>
    call('POST', `/releases/${ref}/steps`, { action }, token);

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
    ci = (await call('POST', '/tokens', { name: 'ci', scope: 'write' })).json<{ token: string }>().token;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an incomplete release precisely and records nothing', async () => {
    const bad = await call('POST', '/releases', {
      title: 'Spring',
      fields: { release_type: 'nightly', checklist: 'release-checklist' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>().errors).toEqual([
      expect.objectContaining({ pointer: '/body/fields/checklist' }),
    ]);
    const noType = await call('POST', '/releases', { title: 'Spring', fields: { release_type: 'nightly' } });
    expect(noType.statusCode).toBe(400);
    expect(
      noType.json<Problem>().errors.map((e: { pointer: string; message: string }) => [e.pointer, e.message]),
    ).toEqual([
      [
        '/body/fields/release_type',
        '"nightly" is not a release type: use one of hotfix, patch, minor, major',
      ],
      ['/body/fields/version', 'the version being released is required (e.g. 2.14.0)'],
    ]);
    const list = (await call('GET', '/releases')).json<{
      items: unknown[];
      choices: { releaseTypes: unknown[] };
    }>();
    expect(list.items).toEqual([]);
    expect(list.choices.releaseTypes).toEqual([
      { id: 'hotfix', label: 'Hotfix', approver: 'role:tech-lead', rollbackWindow: 'Immediate' },
      { id: 'patch', label: 'Patch', approver: 'role:engineering-lead', rollbackWindow: '24 hours' },
      { id: 'minor', label: 'Minor', approver: 'role:product-engineering', rollbackWindow: '48 hours' },
      { id: 'major', label: 'Major', approver: 'role:leadership', rollbackWindow: '1 week' },
    ]);
  });

  it('walks REL-1 through its gates, go/no-go, the CI deploy and a rollback', async () => {
    const made = await call('POST', '/releases', {
      title: 'Patch 2.14.1',
      fields: { release_type: 'patch', version: '2.14.1', notes: 'Fixes BUG-7' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const release = made.json<Release>();
    expect(release).toMatchObject({ ref: 'REL-1', state: 'development-complete', rollbackWindow: null });
    expect(release.steps).toEqual([expect.objectContaining({ action: 'code-review.approved', ready: true })]);
    expect(release.releaseNotes).toEqual({
      template: 'release-notes',
      text: 'ShopSmart Pro 2.14.1 (patch): Patch 2.14.1\n\nFixes BUG-7',
    });
    // A bug the release ships (SOP-007 severity, the pack's own bug workflow) joins its notes.
    const bug = await call('POST', '/bugs', {
      title: 'Cannot add customer',
      fields: { severity: 'high' },
      links: ['release:REL-1'],
    });
    expect(bug.statusCode, bug.body).toBe(201);
    expect(bug.json()).toMatchObject({ ref: 'BUG-1', state: 'reported' });
    expect((await call('GET', '/releases/REL-1')).json<Release>().releaseNotes?.text).toBe(
      'ShopSmart Pro 2.14.1 (patch): Patch 2.14.1\n\nFixes BUG-7\n\nFixed:\n- BUG-1: Cannot add customer',
    );

    // Deployed before anything: refused with where it is and where "deployed" leaves from.
    const early = await step('REL-1', 'deployed');
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'OPS_STEP_REFUSED' });
    expect(early.json<Problem>().detail).toBe(
      'REL-1 is at Development Complete; "deployed" leaves only from Production Deploy. From here: "code-review.approved".',
    );

    expect((await step('REL-1', 'code-review.approved')).json<Release>().state).toBe('code-review-approved');
    // QA passed waits for its sign-off checklist, which opened when the release got here.
    const qa = await step('REL-1', 'qa.passed');
    expect(qa.statusCode).toBe(409);
    expect(qa.json<Problem>().detail).toContain(
      'the checklist "QA Sign-off Criteria (SOP-007)" is not complete',
    );
    expect(qa.json<Problem>().detail).toContain('Open items of qa-sign-off: All critical/high bugs fixed;');
    const opened = await runs('REL-1');
    expect(opened.map((r) => r.checklist).sort()).toEqual(['qa-sign-off', 'release-checklist']);
    await tick(opened.find((r) => r.checklist === 'qa-sign-off')!);
    expect((await step('REL-1', 'qa.passed')).json<Release>().state).toBe('qa-testing-passed');
    expect((await step('REL-1', 'staging.verified')).json<Release>().state).toBe('staging-deploy-verified');
    const notes = await step('REL-1', 'release-notes.prepared');
    expect(notes.json<Release>().state).toBe('release-notes-prepared');

    // Go/No-Go is the last item: refused while the other eight are open; "go" is never taken directly.
    const soon = await call('POST', '/releases/REL-1/go-no-go', { decision: 'go', note: 'Looks good' });
    expect(soon.statusCode).toBe(409);
    expect(soon.json<Problem>().detail).toMatch(
      /^REL-1 cannot be decided yet: .* 8 other items are open: All tests passing;/,
    );
    const checklist = (await runs('REL-1')).find((r) => r.checklist === 'release-checklist')!;
    await tick(checklist, ['go-no-go-approval-received']);
    // Nobody takes a gate around the record's API: no event for it, no go/no-go written as a field, no
    // type changed to pick an easier approver, and the go/no-go item is the approver's to tick.
    for (const event of [
      { type: 'release.go', release: 'REL-1', checklist: 'release-checklist' },
      { type: 'checklist.completed', run: 'release:REL-1', checklist: 'release-checklist' },
      { type: 'release.created', release: 'REL-9' },
    ]) {
      const sent = await call('POST', '/events', event, ci);
      expect(sent.statusCode, sent.body).toBe(403);
    }
    const sneaky = await call('POST', '/releases/REL-1/steps', {
      action: 'go',
      fields: { go_no_go: 'go', release_type: 'hotfix' },
    });
    expect(sneaky.statusCode).toBe(400);
    expect(sneaky.json<Problem>().errors.map((e) => e.pointer)).toEqual(['/body/fields/go_no_go']);
    const retyped = await call('POST', '/releases/REL-1/steps', {
      action: 'go',
      fields: { release_type: 'hotfix' },
    });
    expect(retyped.json<Problem>().errors.map((e) => e.pointer)).toEqual(['/body/fields/release_type']);
    const goItem = await call(
      'POST',
      `/checklist-runs/${checklist.id}/items/go-no-go-approval-received/complete`,
      { evidence: { kind: 'note', value: 'Go, says the token' } },
      ci,
    );
    expect(goItem.statusCode).toBe(403);
    expect(goItem.json<Problem>().detail).toContain('role "engineering-lead"');
    const twin = await call('POST', '/releases', {
      title: 'Twin',
      fields: { release_type: 'patch', version: '2.14.1' },
    });
    expect(twin.statusCode).toBe(409);
    expect(twin.json<Problem>().detail).toContain('REL-1 is an open release of version 2.14.1');
    const direct = await step('REL-1', 'go');
    expect(direct.statusCode).toBe(409);
    expect(direct.json<Problem>().detail).toContain(
      'REL-1 needs its go/no-go first: role:engineering-lead decides it',
    );
    // A token holds no role: only the patch type's approver (or an owner or admin) decides.
    const byToken = await call('POST', '/releases/REL-1/go-no-go', { decision: 'go', note: 'ok' }, ci);
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json<Problem>().detail).toContain(
      'The go/no-go of a Patch release is decided by role:engineering-lead.',
    );

    const noGo = await call('POST', '/releases/REL-1/go-no-go', {
      decision: 'no-go',
      note: 'Error budget spent',
    });
    expect(noGo.statusCode, noGo.body).toBe(200);
    expect(noGo.json<Release>()).toMatchObject({
      state: 'release-notes-prepared',
      fields: expect.objectContaining({ go_no_go: 'no-go', go_no_go_note: 'Error budget spent' }),
    });
    const go = await call('POST', '/releases/REL-1/go-no-go', { decision: 'go', note: 'Budget back' });
    expect(go.statusCode, go.body).toBe(200);
    expect(go.json<Release>()).toMatchObject({
      state: 'production-deploy',
      fields: expect.objectContaining({ go_no_go: 'go' }),
    });
    expect((await runs('REL-1')).find((r) => r.checklist === 'release-checklist')!.status).toBe('completed');

    // The CI pipeline reports by version.
    const unknown = await call('POST', '/releases/deployments', { version: '9.9.9', status: 'deployed' }, ci);
    expect(unknown.statusCode).toBe(404);
    const deployed = await call(
      'POST',
      '/releases/deployments',
      { version: '2.14.1', status: 'deployed' },
      ci,
    );
    expect(deployed.statusCode, deployed.body).toBe(200);
    const live = deployed.json<Release>();
    expect(live.state).toBe('monitor');
    // A CI job retried after a timeout gets the same answer.
    const again = await call('POST', '/releases/deployments', { version: '2.14.1', status: 'deployed' }, ci);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<Release>().state).toBe('monitor');
    expect(live.rollbackWindow?.status).toBe('open');
    const deployedAt = Date.parse(live.timeline.findLast((e) => e.type === 'release.deployed')!.at);
    expect(Date.parse(live.rollbackWindow!.endsAt) - deployedAt).toBe(24 * 3600_000);

    // An incident declared during the monitoring hour is linked to the release, both ways.
    expect(Date.parse(live.monitoringEnds!) - deployedAt).toBe(3600_000);
    const incident = await call('POST', '/incidents', { title: 'Checkout errors up', severity: 'sev2' });
    expect(incident.statusCode, incident.body).toBe(201);
    const number = incident.json<{ number: number }>().number;
    const watched = (await call('GET', '/releases/REL-1')).json<Release>();
    expect(watched.links).toEqual([`incident:${number}`]);
    expect(watched.timeline.map((e) => e.type)).toContain('release.incident-during-monitoring');

    const back = await call(
      'POST',
      '/releases/deployments',
      { version: '2.14.1', status: 'rolled-back', note: 'Error rate up' },
      ci,
    );
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json<Release>()).toMatchObject({ state: 'rolled-back', steps: [] });
    expect(back.json<Release>().endedAt).not.toBeNull();
    const backAgain = await call(
      'POST',
      '/releases/deployments',
      { version: '2.14.1', status: 'rolled-back' },
      ci,
    );
    expect(backAgain.statusCode, backAgain.body).toBe(200);
    const tasks = (await call('GET', '/tasks?subject=release:REL-1')).json<{
      items: { title: string; assignee: string }[];
    }>();
    expect(tasks.items).toEqual([
      expect.objectContaining({
        title: 'Document incident - create post-mortem if needed',
        assignee: 'role:tech-lead',
      }),
    ]);
    // Rolled back is the end: no second rollback.
    expect((await step('REL-1', 'rollback')).statusCode).toBe(409);
    // Each step and the go/no-go decisions are in the audit log.
    const audited = (await call('GET', '/audit?target=REL-1')).json<{
      items: { action: string; data: Record<string, unknown> }[];
    }>().items;
    expect(
      audited.map((e) =>
        e.action === 'release.step'
          ? `step ${String(e.data.step)}`
          : `${e.action} ${String(e.data.decision)}`,
      ),
    ).toEqual([
      'step rollback',
      'step deployed',
      'step go',
      'release.go-no-go go',
      'release.go-no-go no-go',
      'step release-notes.prepared',
      'step staging.verified',
      'step qa.passed',
      'step code-review.approved',
    ]);
    const list = (await call('GET', '/releases?open=false')).json<{ items: Release[] }>().items;
    expect(list.map((r) => [r.ref, r.state])).toEqual([['REL-1', 'rolled-back']]);
  });
});
