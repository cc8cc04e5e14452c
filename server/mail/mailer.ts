import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly configured: boolean;
  /** Resolves true when handed to the SMTP server, false when there is none (the caller shows the link instead). */
  send(mail: Mail): Promise<boolean>;
}

/** With no SMTP_URL, nothing is sent: the caller shows the link and it is logged. */
export async function createMailer(smtpUrl: string | null, from: string, logger: Logger): Promise<Mailer> {
  if (!smtpUrl) {
    return {
      configured: false,
      async send(mail) {
        logger.info({ to: mail.to, subject: mail.subject }, 'mail not sent: no SMTP_URL configured');
        return false;
      }
    };
  }
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from, ...mail });
      logger.info({ to: mail.to, subject: mail.subject }, 'mail sent');
      return true;
    }
  };
}
