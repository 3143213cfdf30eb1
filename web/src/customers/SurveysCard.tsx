/**
 * The account's survey invitations (`GET …/accounts/{id}/surveys`): which survey went to whom and when, and
 * its one answer with the comment, the way Delighted lists a person's responses. An NPS answer shows its
 * band (promoter 9-10, passive 7-8, detractor 0-6), the bands the pack's actions follow.
 */
import { ErrorNotice } from '../controls';
import type { SurveyInvitation } from '../customers-api';
import type { Loaded } from '../session';
import { StateBadge, When } from './badges';
import type { Tone } from './words';

interface Props {
  readonly surveys: Loaded<{ readonly invitations: readonly SurveyInvitation[] }>;
  /** The account's contacts by engine subject (`user:<id>`), to say whom a survey asked. */
  readonly names: ReadonlyMap<string, string>;
}

function band(i: SurveyInvitation): { label: string; tone: Tone } | null {
  if (i.score === null) return null;
  if (i.scale === 'csat')
    return i.score >= 4 ? { label: 'satisfied', tone: 'good' } : { label: 'not satisfied', tone: 'warn' };
  if (i.score >= 9) return { label: 'promoter', tone: 'good' };
  if (i.score >= 7) return { label: 'passive', tone: 'quiet' };
  return { label: 'detractor', tone: 'bad' };
}

export function SurveysCard({ surveys, names }: Props) {
  const items = surveys.data?.invitations;
  return (
    <section className="card" aria-labelledby="account-surveys-title">
      <h2 id="account-surveys-title">Surveys</h2>
      <ErrorNotice error={surveys.error} />
      {!items && !surveys.error && <p className="muted">Loading the surveys…</p>}
      {items?.length === 0 && <p className="muted">No survey was sent to this account yet.</p>}
      {items && items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Survey</th>
              <th scope="col">Asked</th>
              <th scope="col">Sent</th>
              <th scope="col">Answer</th>
              <th scope="col">Comment</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const b = band(i);
              return (
                <tr key={i.id}>
                  <td>
                    <code>{i.survey}</code> <span className="muted">({i.scale.toUpperCase()})</span>
                  </td>
                  <td>{names.get(i.subject) ?? i.subject}</td>
                  <td>
                    <When iso={i.sentAt} />
                  </td>
                  <td>
                    {i.score === null || !i.answeredAt ? (
                      <span className="muted">not answered</span>
                    ) : (
                      <>
                        <strong>{i.score}</strong> of {i.scale === 'nps' ? 10 : 5}{' '}
                        {b && <StateBadge state={b.label} tone={b.tone} />}{' '}
                        <span className="muted">
                          <When iso={i.answeredAt} /> · {i.answeredVia === 'api' ? 'in app' : 'by link'}
                        </span>
                      </>
                    )}
                  </td>
                  <td>{i.comment ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
