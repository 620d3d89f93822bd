import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type nunjucks from 'nunjucks';
import type { Logger } from 'pino';
import type { Config } from '../config';

export interface Mailer {
  /** Flasky's send_email: renders `<template>.txt` and `.html` with ctx and sends both. */
  sendEmail(to: string, subject: string, template: string, ctx: Record<string, unknown>): Promise<void>;
  close(): void;
}

/**
 * SMTP when MAIL_SERVER is set; otherwise every message is written to the
 * outbox folder (a readable .txt beside the raw .eml) and logged, so a new
 * user can confirm an account on a machine with no mail server.
 */
export function createMailer(config: Config, views: nunjucks.Environment, log: Logger): Mailer {
  const { mail } = config;
  const transport: Transporter = mail.server
    ? nodemailer.createTransport({
        host: mail.server,
        port: mail.port,
        secure: mail.port === 465,
        requireTLS: mail.useTls && mail.port !== 465,
        ignoreTLS: !mail.useTls,
        auth: mail.username ? { user: mail.username, pass: mail.password ?? '' } : undefined,
      })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  async function saveToOutbox(to: string, subject: string, text: string, raw: Buffer): Promise<void> {
    await fs.mkdir(mail.outboxDir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(3).toString('hex')}`;
    const file = path.join(mail.outboxDir, `${name}.txt`);
    await fs.writeFile(path.join(mail.outboxDir, `${name}.eml`), raw);
    await fs.writeFile(file, `To: ${to}\nSubject: ${subject}\n\n${text}`);
    log.info({ to, subject, file }, `mail to ${to} saved in the outbox: ${file}`);
  }

  return {
    async sendEmail(to, subject, template, ctx) {
      const fullSubject = `${mail.subjectPrefix} ${subject}`;
      const text = views.render(`${template}.txt`, ctx);
      const html = views.render(`${template}.html`, ctx);
      const info = await transport.sendMail({ from: mail.sender, to, subject: fullSubject, text, html });
      if (!mail.server) await saveToOutbox(to, fullSubject, text, info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
