/**
 * Starts delivery in a worker process: the channel adapters (SMTP or the built-in mailbox, Slack and
 * webhooks over the SSRF-safe client, the Twilio-compatible provider, in-app), their lanes, and the
 * dispatcher that runs them. The built-in mailbox is a real SMTP server on loopback, so demo mail takes
 * the same path as production mail.
 */
import { startMailbox, type RunningMailbox } from '../../channels/mailbox.js';
import { createEmailAdapter, type EmailOptions } from '../../channels/email.js';
import { createInAppAdapter } from '../../channels/in-app.js';
import { createOutboundHttp, type ResolveHost } from '../../channels/outbound-http.js';
import { createSlackAdapter } from '../../channels/slack.js';
import { createTwilioAdapter } from '../../channels/twilio.js';
import type { ChannelAdapter } from '../../channels/types.js';
import { createWebhookAdapter } from '../../channels/webhook.js';
import type { Config } from '../../config/config.js';
import type { Clock } from '../../engine/clock.js';
import { Dispatcher, type DispatchEvent } from '../../engine/dispatcher.js';
import type { Log } from '../../engine/log.js';
import type { KeyService } from '../../security/keys.js';
import type { Database } from '../../store/database.js';
import { notificationLanes } from './lanes.js';
import { createTargets } from './targets.js';

type DeliveryConfig = Pick<
  Config,
  | 'smtpUrl'
  | 'smtpFrom'
  | 'builtInMailbox'
  | 'outboundAllow'
  | 'sendTimeoutMs'
  | 'publicUrl'
  | 'leaseSeconds'
  | 'pollIntervalMs'
> & { readonly smtpPoolSize?: number };

/** `smtp://user:pass@host:587` → nodemailer options; `?tls=off` allows a plain local relay. */
export function emailOptionsFromUrl(url: string, from: string, poolSize = 16): EmailOptions {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const domain = /@([^@>\s]+)>?\s*$/.exec(from)?.[1] ?? 'opsbook.localhost';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    requireTls: !secure && parsed.searchParams.get('tls') !== 'off',
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    from,
    messageIdDomain: domain,
    pool: { maxConnections: poolSize, maxMessages: 1000 },
  };
}

export interface RunningDelivery {
  readonly dispatcher: Dispatcher;
  readonly mailbox: RunningMailbox | null;
  stop(): Promise<void>;
}

export async function startDelivery(options: {
  readonly config: DeliveryConfig;
  readonly database: Database;
  readonly keys: KeyService;
  readonly clock: Clock;
  readonly workerId: string;
  readonly log: Log;
  readonly observe?: (event: DispatchEvent) => void;
  /** Tests: answer DNS for the outbound client. */
  readonly lookup?: ResolveHost;
  /** Tests: build everything but leave the lanes to `dispatcher.runOnce()` (default: start them). */
  readonly autoStart?: boolean;
  /** Tests and benchmarks: messages in flight per lane. */
  readonly concurrency?: Parameters<typeof notificationLanes>[0]['concurrency'];
}): Promise<RunningDelivery> {
  const { config, database, keys, clock, log } = options;
  const mailbox = config.builtInMailbox ? await startMailbox({ database, log }) : null;
  const emailOptions = mailbox
    ? emailOptionsFromUrl(`smtp://${mailbox.host}:${mailbox.port}?tls=off`, config.smtpFrom, 4)
    : config.smtpUrl
      ? emailOptionsFromUrl(config.smtpUrl, config.smtpFrom, config.smtpPoolSize ?? 16)
      : null;
  const http = createOutboundHttp({
    allow: config.outboundAllow,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  const targets = createTargets(database, keys, () => clock.now()?.getTime() ?? Date.now());
  const base = config.publicUrl.replace(/\/+$/, '');
  const twilio = {
    http,
    provider: (workspaceId: string) => targets.provider(workspaceId),
    statusCallbackUrl: (workspaceId: string) =>
      `${base}/api/v1/hooks/twilio/${encodeURIComponent(workspaceId)}/status`,
  };
  const adapters: ChannelAdapter[] = [
    createSlackAdapter({ http }),
    createWebhookAdapter({ http, now: () => clock.now() ?? new Date() }),
    createTwilioAdapter('sms', twilio),
    createTwilioAdapter('whatsapp', twilio),
    createTwilioAdapter('voice', twilio),
    createInAppAdapter(database),
  ];
  if (emailOptions) adapters.unshift(createEmailAdapter(emailOptions));
  const dispatcher = new Dispatcher({
    database,
    workerId: options.workerId,
    clock,
    leaseSeconds: config.leaseSeconds,
    pollIntervalMs: config.pollIntervalMs,
    lanes: notificationLanes({
      database,
      adapters,
      targets,
      now: () => clock.now(),
      publicUrl: base,
      sendTimeoutMs: config.sendTimeoutMs,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    }),
    log,
    ...(options.observe ? { observe: options.observe } : {}),
  });
  if (options.autoStart !== false) await dispatcher.start();
  return {
    dispatcher,
    mailbox,
    async stop() {
      await dispatcher.stop();
      await Promise.all(adapters.map(async (a) => a.close?.()));
      await mailbox?.stop();
    },
  };
}
