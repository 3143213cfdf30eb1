/**
 * The demo help centres' articles: what each seed SOP tells customers (channels, hours, response times,
 * plan terms, common issues), rewritten for the customer and citing nothing the seed does not say.
 */

export interface DemoArticle {
  readonly slug: string;
  readonly title: string;
  readonly category: string;
  /** Ticket categories of the pack's desk it answers (only where the pack names categories). */
  readonly ticketCategories?: readonly string[];
  readonly body: string;
}

/** By demo workspace slug. */
export const DEMO_ARTICLES: Readonly<Record<string, readonly DemoArticle[]>> = {
  // 000 SOP-002 Customer Support: support channels, SLAs, ticket handling, quality metrics.
  shopsmart: [
    {
      slug: 'contact-support',
      title: 'How to contact ShopSmart Pro support',
      category: 'Contact us',
      ticketCategories: ['how-to'],
      body: `Choose the channel that suits you; every conversation becomes a ticket our team follows up.

| Channel | Hours | We answer within |
|---------|-------|------------------|
| WhatsApp | 9 AM - 9 PM | 15 minutes |
| Phone | 10 AM - 7 PM | Immediately |
| Email | 24/7 | 24 hours |
| In-app chat | 24/7 | 15 minutes (bot), 1 hour (a person) |

In the in-app chat our bot answers first and suggests help-centre articles; a person takes over when you reply.`,
    },
    {
      slug: 'response-times',
      title: 'How quickly will we answer and resolve your request?',
      category: 'Support policy',
      body: `Every request gets a priority from what it is about. The priority sets how fast we answer and resolve it.

| Priority | For example | First response | Resolution |
|----------|-------------|----------------|------------|
| P1 - Critical | The app is down, data is lost | 15 min | 4 hours |
| P2 - High | A feature is not working | 1 hour | 24 hours |
| P3 - Medium | How-to questions | 4 hours | 48 hours |
| P4 - Low | Feature requests | 24 hours | - |

Say plainly what happens ("the app is down", "the report is not working") so your request gets the right priority straight away.`,
    },
    {
      slug: 'app-down-or-data-loss',
      title: 'The app is down or data is missing',
      category: 'Troubleshooting',
      ticketCategories: ['technical'],
      body: `This is our most urgent kind of request (**P1 - Critical**): we answer within **15 minutes** and aim to resolve it within **4 hours**.

1. Write to us on WhatsApp (9 AM - 9 PM), call us (10 AM - 7 PM) or email us at any time.
2. Say "app down" or "data loss" and when it started.
3. Tell us what you see on screen; a screenshot helps. Never send passwords or OTP codes.

If an agent cannot solve it within 30 minutes, it goes to our technical (L2) team, and to our engineers when a fix in the app is needed.`,
    },
    {
      slug: 'after-you-contact-us',
      title: 'What happens after you contact us',
      category: 'Support policy',
      body: `1. **Your request becomes a ticket**, categorised and prioritised automatically.
2. **An agent is assigned** and answers within the time for its priority.
3. **Resolved, or escalated**: a technical issue moves to our L2 team, a confirmed bug to our engineers.
4. **Tell us how we did**: when your ticket is resolved we send a one-question survey (1 to 5).

Not solved after all? Reply within 7 days and the same ticket reopens.`,
    },
  ],
  // 001 Customer Support & Issue Resolution: ticketing, severities, the tiered model; MFA for all logins.
  'company-ops': [
    {
      slug: 'who-handles-your-request',
      title: 'Who handles your request',
      category: 'Support policy',
      body: `Every issue is logged in our ticketing system and given a severity: Critical, High, Medium or Low.

- **Tier 1** solves everyday problems: password resets, login issues and connectivity problems.
- **Tier 2** handles in-depth technical questions: system settings, API configurations and database queries.
- **Tier 3** is our development team: software bugs and feature requests.

You do not need to choose: we move your ticket to the right tier.`,
    },
    {
      slug: 'report-a-bug',
      title: 'Reporting a bug or requesting a feature',
      category: 'Getting help',
      body: `Bugs and feature requests go to our development team (Tier 3). Help us act quickly:

1. Describe what you did, what you expected and what happened instead.
2. Say how many people are affected and whether you can work around it.
3. Add screenshots or error messages, without passwords or keys.`,
    },
    {
      slug: 'multi-factor-sign-in',
      title: 'Why we ask for a second sign-in step',
      category: 'Account and security',
      body: `We enforce multi-factor authentication (MFA) for all user logins: after your password, confirm with a code from your authenticator app. It keeps your account safe even if your password leaks.

Locked out? Contact support: password resets and login issues are handled by our Tier 1 team.`,
    },
  ],
  // 002 Support Channels, Incident Classification, customer communication templates.
  sofacover: [
    {
      slug: 'ways-to-get-help',
      title: 'Ways to get help',
      category: 'Contact us',
      body: `1. **Support ticket system**: the best place for detailed issues.
2. **Live chat**: for immediate assistance during business hours.
3. **Email**: [support@sofacoverpro.com](mailto:support@sofacoverpro.com).
4. **Phone**: for critical issues.
5. **This help centre**: answers you can find yourself, at any time.`,
    },
    {
      slug: 'how-we-prioritise',
      title: 'How we prioritise issues',
      category: 'Support policy',
      body: `| Priority | For example | Response | Resolution target |
|----------|-------------|----------|-------------------|
| Critical (P0) | Site completely down, data loss, security breach, payment system failure | Within 15 minutes | 2 hours |
| High (P1) | Major feature not working, authentication issues, order processing problems | Within 1 hour | 8 hours |
| Medium (P2) | Minor feature issues, UI/UX problems | Within 4 hours | 24 hours |
| Low (P3) | Enhancement requests, documentation issues, cosmetic problems | Within 24 hours | 1 week |`,
    },
    {
      slug: 'during-an-incident',
      title: 'When something is wrong on our side',
      category: 'Service status',
      body: `When an issue affects our service we tell you what is affected, its current status, when we expect it resolved and how often we will update you. Our status page has public updates.

Once it is resolved we explain what happened, what we did to fix it and what we changed so it does not happen again. Still seeing problems afterwards? Contact us.`,
    },
  ],
  // 003 SLA definition (enterprise), trial and payment-failure emails, data retention.
  'pos-saas': [
    {
      slug: 'response-times-by-plan',
      title: 'Support response times by plan',
      category: 'Support policy',
      body: `| Issue | Pro | Enterprise |
|-------|-----|------------|
| Critical (service down, data loss) | 4 hours | 1 hour |
| High (feature broken, payment issue) | 24 hours | 4 hours |
| Normal (feature request, bug) | 48 hours | 24 hours |

Pro includes email support; Enterprise has a dedicated support channel.`,
    },
    {
      slug: 'payment-failed',
      title: 'Your payment failed: update your payment method',
      category: 'Billing',
      body: `When we cannot process your subscription payment, we email you. **You have 7 days to update your payment method** before your account is suspended.

If your account was suspended, your data is safe for 30 days. To reactivate:

1. Update your payment method.
2. Click **Reactivate Account**.

After 30 days a suspended account is cancelled and its data deleted. Need help? Reply to our email.`,
    },
    {
      slug: 'free-trial',
      title: 'Your 14-day free trial',
      category: 'Getting started',
      body: `Your trial lasts 14 days. We remind you halfway through and two days before it ends.

When the trial ends without an upgrade, your account is suspended: read-only access for 30 days, so you can still export your data. Upgrade at any time to keep all your products and sales, team access, and reports.`,
    },
    {
      slug: 'data-after-cancellation',
      title: 'What happens to your data after you cancel',
      category: 'Billing',
      body: `- **Standard plans**: your data is kept for 30 days after cancellation, and you can export it.
- **Enterprise**: 90 days after cancellation, with extended data export; custom retention is available.`,
    },
  ],
  // 004 Support Triage and Common Support Issues (the customer's side of the first checks).
  'smart-estate': [
    {
      slug: 'support-priorities',
      title: 'How quickly we respond',
      category: 'Support policy',
      body: `| Priority | For example | Response goal |
|----------|-------------|---------------|
| P1 | The gate cannot check in visitors | Immediate investigation |
| P2 | Payment confirmed but the estate is not active | Same business day |
| P3 | A resident cannot create a pass | Same business day |
| P4 | Reports, wording or training | Next planned support cycle |`,
    },
    {
      slug: 'cannot-log-in',
      title: 'I cannot log in',
      category: 'Residents and guards',
      body: `Sign-in uses a one-time code sent to your phone. Check that:

1. You use the phone number your estate registered for you.
2. Your account is active: your estate admin can tell you.
3. Your role gives you access to the app you are opening.

Still stuck? Contact support with your phone number and estate; never send the code itself.`,
    },
    {
      slug: 'qr-pass-rejected',
      title: 'A visitor pass is rejected at the gate',
      category: 'Visitors',
      body: `A QR pass is refused when:

- it has **expired** (outside its validity window);
- it has been used for **all its entries**;
- it was **revoked**;
- it belongs to **another estate**.

Create a new pass for your visitor, or ask the guard to check the pass details with your estate admin.`,
    },
  ],
};
