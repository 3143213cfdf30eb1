/**
 * `/customers/review`: the signup review queue, like a help desk's views. "Signups to review" are the
 * signups the pack holds pending (`estate-signup:pending`), with those put on hold below them
 * (`estate-signup:suspended`); "Payments to confirm" are approved signups whose payment record is still
 * pending. Each account opens on its page, where it is approved, rejected or held and its payment recorded
 * (docs/customers.md, "Signup, approval, payment, activation"). In a workspace whose accounts run no
 * signup lifecycle (another pack), the page says so instead of showing empty queues.
 */
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { type Account, customersApi, PAYMENT_LIFECYCLE, SIGNUP_LIFECYCLE } from '../customers-api';
import { NavIcon } from '../icons';
import { useLoad } from '../session';
import { usePageHeading } from '../support/page-heading';
import { MoreButton } from './badges';
import { type CursorPages, useCursorPages } from './paging';
import { ReviewTable } from './ReviewTable';
import { CUSTOMERS_PATH, REVIEW_PATH } from './words';

const PAGE_SIZE = 50;

/**
 * Whether any account of the workspace runs the signup lifecycle at all: one that left the queues
 * (approved or rejected) says so when the queues are empty.
 */
async function signupReviewRuns(workspaceId: string): Promise<boolean> {
  const decided = await Promise.all(
    ['approved', 'rejected'].map((state) =>
      customersApi.accounts(workspaceId, { lifecycle: `${SIGNUP_LIFECYCLE}:${state}`, limit: 1 }),
    ),
  );
  return decided.some((page) => page.items.length > 0);
}

export function ReviewPage({ workspace }: { readonly workspace: Workspace }) {
  const w = workspace.id;
  const queue = (lifecycle: string) => (after: string | undefined) =>
    customersApi.accounts(w, { lifecycle, after, limit: PAGE_SIZE });
  const pending = useCursorPages(`${w}/review/pending`, queue(`${SIGNUP_LIFECYCLE}:pending`));
  const held = useCursorPages(`${w}/review/held`, queue(`${SIGNUP_LIFECYCLE}:suspended`));
  const payments = useCursorPages(`${w}/review/payments`, queue(`${PAYMENT_LIFECYCLE}:pending`));
  const runs = useLoad(`${w}/review/runs`, () => signupReviewRuns(w));
  const heading = usePageHeading(REVIEW_PATH, `Review queue · Customers · ${workspace.name}`);

  // A payment is confirmed only on an approved signup (004#2): pending and held signups' records wait.
  const toConfirm = payments.list.data?.items.filter((a) => a.lifecycles[SIGNUP_LIFECYCLE] === 'approved');
  const queues = [pending, held, payments];
  const none = queues.every((q) => q.list.data?.items.length === 0 && !q.more) && runs.data === false;

  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Review queue{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <AppLink to={CUSTOMERS_PATH} className="button">
          All customers
        </AppLink>
      </header>
      {none ? (
        <section className="empty-state review-none" aria-labelledby="review-none-title">
          <div className="empty-icon">
            <NavIcon path={CUSTOMERS_PATH} />
          </div>
          <h2 id="review-none-title">The active pack has no signup review</h2>
          <p>
            No account in {workspace.name} runs a signup or payment-record lifecycle, so nothing waits here
            for approval or payment.
          </p>
          <p>
            Smart Estate&apos;s pack reviews estate signups: they arrive with <code>POST …/signups</code>,
            wait here to be approved, rejected or held, and then for their payment.
          </p>
        </section>
      ) : (
        <>
          <section className="card review-queue" aria-labelledby="review-signups-title">
            <h2 id="review-signups-title">Signups to review</h2>
            <p className="muted">Approve, reject or hold each one, with the reason, on its page.</p>
            <QueueList
              pages={pending}
              items={pending.list.data?.items}
              labelledBy="review-signups-title"
              queue="signup"
              empty="No signup waits for review."
              more="More signups to review"
            />
            <h3 id="review-held-title">On hold</h3>
            <QueueList
              pages={held}
              items={held.list.data?.items}
              labelledBy="review-held-title"
              queue="signup"
              empty="No signup is on hold."
              more="More signups on hold"
            />
          </section>
          <section className="card review-queue" aria-labelledby="review-payments-title">
            <h2 id="review-payments-title">Payments to confirm</h2>
            <p className="muted">
              Approved signups whose payment is not confirmed yet: the provider&apos;s webhook confirms a
              hosted checkout, finance records a bank transfer on the account&apos;s page.
            </p>
            <QueueList
              pages={payments}
              items={toConfirm}
              labelledBy="review-payments-title"
              queue="payment"
              empty="No approved signup waits for its payment."
              more="More payments to confirm"
            />
          </section>
          <ErrorNotice error={runs.error} />
        </>
      )}
    </>
  );
}

function QueueList({
  pages,
  items,
  labelledBy,
  queue,
  empty,
  more,
}: {
  readonly pages: CursorPages<Account>;
  /** The loaded accounts to show (a queue may filter the pages), undefined while loading. */
  readonly items: readonly Account[] | undefined;
  readonly labelledBy: string;
  readonly queue: 'signup' | 'payment';
  readonly empty: string;
  /** The name of the button that loads the next page. */
  readonly more: string;
}) {
  return (
    <>
      <ErrorNotice error={pages.list.error} />
      {!items && !pages.list.error && <p className="muted">Loading…</p>}
      {items?.length === 0 && <p className="muted">{empty}</p>}
      {items && items.length > 0 && <ReviewTable accounts={items} labelledBy={labelledBy} queue={queue} />}
      <MoreButton pages={pages} label={more} />
    </>
  );
}
