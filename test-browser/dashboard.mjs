// The dashboard (/_emulator/ui) in a real browser (Debian's chromium, driven by playwright-core), as a person
// uses it: a wrong key shows Clerk's message; invitations made through @clerk/backend appear; a click on an
// outbox link accepts one; the clock moves past expiry; delete and reset ask first; reset leaves the empty
// state. Webhooks: an endpoint added from its panel receives an invitation's email.created; a message the
// receiver answers 500 shows pending with that code, and Retry delivers it; WEBHOOK_URL's endpoint says why
// it cannot be deleted. Along the way: nothing is fetched from another origin, no script or CSP error, the
// key is in no URL and no cookie, and polling adds nothing to the instance's request journal. Writes
// screenshots of the main views (light, dark, 360 px wide, the webhooks panel) to docs/screenshots/.
// Run after `npm run build`: node test-browser/dashboard.mjs
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClerkClient } from '@clerk/backend';
import { chromium } from 'playwright-core';
import { defaultConfig } from '../dist/config.js';
import { startServer } from '../dist/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const KEY = 'sk_test_dashboard_journey';
const EMAILS = ['ada@example.com', 'grace@example.com', 'linus@example.com'];

// The app's webhook receiver on a loopback port: it records each delivery (path and svix-id) and answers 204,
// or 500 to every attempt of one message while `failing` names it (`failNext` picks the next message to arrive).
const receiver = { deliveries: [], failNext: false, failing: undefined };
const hooks = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = req.headers['svix-id'];
    receiver.deliveries.push({ path: req.url, id });
    if (receiver.failNext && req.url === '/hook') {
      receiver.failNext = false;
      receiver.failing = id;
    }
    res.writeHead(receiver.failing === id ? 500 : 204).end();
  });
});
await new Promise((resolve) => hooks.listen(0, '127.0.0.1', resolve));
const hooksUrl = `http://127.0.0.1:${hooks.address().port}`;

const server = await startServer(defaultConfig({ port: 0, logLevel: 'warn', webhookUrl: `${hooksUrl}/from-config` }));
const clerk = createClerkClient({ secretKey: KEY, apiUrl: server.url });
const journal = async () => {
  const res = await fetch(`${server.url}/_emulator/requests?limit=500`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  return (await res.json()).total_count;
};
const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
const problems = [];
const step = (name) => console.log(`dashboard: ${name}`);
let context;
try {
  mkdirSync(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Invitation links are built from PUBLIC_URL, http://localhost:<port> by default.
  const origins = [server.url, `http://localhost:${new URL(server.url).port}`];
  context.on('request', (r) => {
    if (!origins.some((o) => r.url().startsWith(`${o}/`)) && !r.url().startsWith('data:'))
      problems.push(`fetched from elsewhere: ${r.url()}`);
    if (r.url().includes(KEY)) problems.push(`the key is in a URL: ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 4')) problems.push(`console error: ${m.text()}`);
  });
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  const expectText = async (locator, text, what) => {
    try {
      await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
    } catch {
      problems.push(
        `${what}: never showed ${JSON.stringify(text)} (shows ${JSON.stringify(await locator.allInnerTexts())})`,
      );
    }
  };
  // Screenshots without the passing message of the last action (it clears after 5 s).
  const shoot = async (name, fullPage = true) => {
    await page.locator('#status:empty').waitFor({ state: 'attached', timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, name), fullPage });
  };
  const rowOf = (email) => page.locator('#invitations tbody tr', { hasText: email });

  const response = await page.goto(`${server.url}/_emulator/ui`);
  if (response?.status() !== 200) problems.push(`/_emulator/ui answered ${response?.status()}`);

  step('a key the emulator refuses shows Clerk’s message');
  await page.getByLabel('Secret key').fill('not-a-key');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expectText(page.locator('#key-note'), 'The provided Clerk Secret Key is invalid', 'a refused key');

  step('an empty instance says what to run, with this server’s URL');
  await page.getByLabel('Secret key').fill(KEY);
  await page.keyboard.press('Enter');
  await expectText(page.locator('#invitations'), 'No invitations yet', 'the empty state');
  await expectText(page.locator('#invitations pre'), `curl -X POST ${server.url}/v1/invitations`, 'the curl snippet');
  await shoot('dashboard-empty.png', false);

  step('invitations made through @clerk/backend appear');
  for (const emailAddress of EMAILS) await clerk.invitations.createInvitation({ emailAddress });
  for (const email of EMAILS) await expectText(rowOf(email), 'pending', `the row of ${email}`);
  await expectText(page.locator('#invitations .range'), '1–3 of 3', 'the total');
  await expectText(page.locator('#outbox tbody tr'), EMAILS[2], 'the outbox');
  const outboxOrder = await page.locator('#outbox tbody td[data-label="To"]').allInnerTexts();
  if (outboxOrder.join() !== [...EMAILS].reverse().join()) problems.push(`outbox order: ${outboxOrder.join()}`);

  step('searching narrows the list');
  await page.getByLabel('Search').fill('grace');
  await expectText(page.locator('#invitations .range'), '1–1 of 1', 'the search');
  await page.getByLabel('Search').fill('');
  await expectText(page.locator('#invitations .range'), '1–3 of 3', 'the cleared search');

  step('clicking the outbox link accepts the invitation, as the invitee would');
  const [ticket] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('link', { name: `Open the invitation link sent to ${EMAILS[0]}` }).click(),
  ]);
  await ticket.waitForLoadState();
  const heading = await ticket.locator('h1').innerText();
  if (heading !== 'Invitation accepted') problems.push(`the ticket page says ${JSON.stringify(heading)}`);
  await ticket.close();
  await expectText(rowOf(EMAILS[0]), 'accepted', 'the accepted row');
  await expectText(page.locator('#users tbody tr'), EMAILS[0], 'the new user');
  await shoot('dashboard-light.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot('dashboard-dark.png');
  await page.emulateMedia({ colorScheme: 'light' });

  step('advancing the clock past expiry shows expired, by keyboard');
  await page.getByRole('button', { name: 'Advance the clock by 30 days' }).focus();
  await page.keyboard.press('Enter');
  for (const email of EMAILS.slice(1)) await expectText(rowOf(email), 'expired', `the row of ${email}`);
  await expectText(rowOf(EMAILS[0]), 'accepted', 'the accepted row after the clock moved');
  await expectText(page.locator('#clock-offset'), 'Moved by 30 d', 'the clock panel');

  step('revoke, then delete after a confirmation');
  await page.getByRole('button', { name: `Revoke the invitation for ${EMAILS[1]}` }).click();
  await page.locator('#inv-status').selectOption('revoked');
  await expectText(rowOf(EMAILS[1]), 'revoked', 'the revoked row');
  await page.locator('#inv-status').selectOption('');

  step('delete asks first, then the row is gone');
  await page.getByRole('button', { name: `Delete the invitation for ${EMAILS[2]}` }).click();
  await expectText(page.locator('#invitations .range'), '1–1 of 1', 'the list after a delete');
  if (!dialogs.some((m) => m.includes(`Delete the invitation for ${EMAILS[2]}`)))
    problems.push(`no confirmation before delete: ${JSON.stringify(dialogs)}`);

  step('the journal holds only the app’s requests: none of the page’s polling, revoking or deleting');
  const entries = await journal();
  if (entries !== EMAILS.length) problems.push(`the journal has ${entries} entries, not the ${EMAILS.length} creates`);

  step('rate limits and faults are set from their panels; an API error reads as Clerk words it');
  await page.getByLabel('Profile').selectOption('dev');
  await expectText(page.locator('#rate-limits tbody tr'), 'POST /v1/invitations/bulk', 'the dev limits');
  await page.locator('#fault-path').fill('/v1/nope');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await expectText(page.locator('#status'), 'path is invalid. Expected * or a route of /v1', 'the refused fault');
  await page.locator('#fault-path').fill('/v1/invitations');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await expectText(page.locator('#faults tbody tr'), 'answer 503', 'the new fault');
  await page.getByRole('button', { name: 'Delete all faults' }).click();
  await expectText(page.locator('#faults'), 'No faults', 'the faults after delete all');
  await page.getByLabel('Profile').selectOption('off');

  step('a webhook endpoint added from the panel receives an invitation’s email.created');
  const webhooks = page.locator('#webhooks');
  const endpointRow = (url) => webhooks.locator('tbody tr', { hasText: url });
  await expectText(endpointRow(`${hooksUrl}/from-config`), 'whsec_', 'WEBHOOK_URL’s endpoint and its secret');
  await page.getByLabel('URL').fill(`${hooksUrl}/hook`);
  await page.getByLabel('Events').selectOption('email.created');
  await page.getByLabel('URL').press('Enter');
  await expectText(endpointRow(`${hooksUrl}/hook`), 'email.created', 'the new endpoint');
  await expectText(endpointRow(`${hooksUrl}/hook`), 'whsec_', 'the new endpoint’s secret');
  await clerk.invitations.createInvitation({ emailAddress: 'hook@example.com' });
  const messageRow = (text) => webhooks.locator('tbody tr', { hasText: text });
  await expectText(messageRow(`${hooksUrl}/hook`), 'delivered', 'the delivered message');
  await expectText(messageRow(`${hooksUrl}/hook`), '1, last: 204', 'the delivered message’s attempt');

  step('a message the receiver refuses shows its status code; Retry delivers it once the receiver is fixed');
  receiver.failNext = true;
  await clerk.invitations.createInvitation({ emailAddress: 'hook-500@example.com' });
  await page.getByLabel('Message status').selectOption('pending');
  await expectText(messageRow('last: 500'), 'pending', 'the refused message');
  const refused = receiver.failing;
  if (!refused?.startsWith('msg_')) problems.push(`the refused delivery had svix-id ${refused}`);
  // Its second attempt (5 s later) is refused too; the next is 5 min away, so only Retry delivers it now.
  await expectText(messageRow(refused), '2, last: 500', 'the refused message’s second attempt');
  await page.locator('#status:empty').waitFor({ state: 'attached', timeout: 15_000 });
  await webhooks.screenshot({ path: join(SHOTS, 'dashboard-webhooks.png') });
  receiver.failing = undefined;
  await page.getByRole('button', { name: `Retry the email.created message ${refused}` }).click();
  await expectText(webhooks, 'No message matches', 'the pending filter after the retry');
  await page.getByLabel('Message status').selectOption('');
  await expectText(messageRow(refused), 'delivered', 'the retried message');
  const attempts = receiver.deliveries.filter((d) => d.id === refused).length;
  if (attempts !== 3) problems.push(`the refused message reached the receiver ${attempts} time(s), not 3`);

  step('WEBHOOK_URL’s endpoint says why it stays; another endpoint is deleted after a confirmation');
  await page.getByRole('button', { name: `Delete the webhook endpoint ${hooksUrl}/from-config` }).click();
  await expectText(page.locator('#status'), 'comes from WEBHOOK_URL', 'the refused delete');
  await expectText(endpointRow(`${hooksUrl}/from-config`), 'Set by WEBHOOK_URL', 'WEBHOOK_URL’s endpoint');
  await page.getByRole('button', { name: `Delete the webhook endpoint ${hooksUrl}/hook` }).click();
  await webhooks
    .locator('tbody tr', { hasText: `${hooksUrl}/hook` })
    .first()
    .waitFor({ state: 'detached' });
  if (!dialogs.some((m) => m.startsWith(`Delete the webhook endpoint ${hooksUrl}/hook?`)))
    problems.push('no confirmation before deleting an endpoint');

  step('at 360 px wide');
  await page.setViewportSize({ width: 360, height: 780 });
  await shoot('dashboard-360.png', false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) problems.push(`at 360 px the page scrolls sideways by ${overflow} px`);
  await page.setViewportSize({ width: 1280, height: 900 });

  step('reset asks first, then the empty state is back');
  await page.getByRole('button', { name: 'Reset instance…' }).click();
  await expectText(page.locator('#invitations'), 'No invitations yet', 'the empty state after reset');
  await expectText(
    page.locator('#status'),
    'Reset: removed 4 invitations, 1 user, 4 emails, 0 webhook endpoints and 8 webhook messages.',
    'the reset message',
  );
  if (!dialogs.some((m) => m.startsWith('Reset this instance?'))) problems.push('no confirmation before reset');

  step('the key stays in the tab: no cookie, and a reload keeps the instance open');
  if ((await context.cookies()).length > 0) problems.push('the page set a cookie');
  await page.reload();
  await expectText(page.locator('#key-note'), 'Showing the instance of sk_test_dash', 'the key after a reload');
} catch (err) {
  problems.push(`browser check failed: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  await context?.close();
  await server.close();
  hooks.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const p of problems) console.error(`dashboard: ${p}`);
  process.exit(1);
}
console.log(`dashboard: the journey passed in chromium; screenshots in ${SHOTS}`);
