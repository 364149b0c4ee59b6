// Opens /docs in a real browser (Debian's chromium, driven by playwright-core) and checks that the page
// renders the API offline: every Clerk operation listed, an operation's request body shown, nothing
// fetched from anywhere but this server, and "Try it out" answered from both the banner's link
// (127.0.0.1) and localhost. Run after `npm run build`: node test-browser/docs.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { defaultConfig } from '../dist/config.js';
import { startServer } from '../dist/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.DOCS_SCREENSHOT ?? join(tmpdir(), 'clerk-invitations-mock-docs.png');
const SUMMARIES = [
  'Create an invitation',
  'Create multiple invitations',
  'List all invitations',
  'Revoke an invitation',
  'Delete an invitation',
];
const TAGS = ['Invitations', 'Invitation link', 'Emulator'];

const server = await startServer(defaultConfig({ port: 0, logLevel: 'warn' }));
const userDataDir = mkdtempSync(join(tmpdir(), 'docs-chromium-'));
const problems = [];
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 1600 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const port = new URL(server.url).port;
  const origins = [server.url, `http://localhost:${port}`];
  page.on('request', (r) => {
    if (!origins.some((o) => r.url().startsWith(`${o}/`)) && !r.url().startsWith('data:'))
      problems.push(`fetched from elsewhere: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  const response = await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  if (response?.status() !== 200) problems.push(`/docs answered ${response?.status()}`);
  await page.locator('.opblock-summary-description').first().waitFor({ timeout: 30_000 });

  for (const summary of SUMMARIES) {
    if (!(await page.getByText(summary, { exact: true }).isVisible()))
      problems.push(`operation not listed: ${summary}`);
  }
  for (const tag of TAGS) {
    if (!(await page.locator('.opblock-tag', { hasText: tag }).first().isVisible()))
      problems.push(`tag not shown: ${tag}`);
  }
  const title = await page.locator('.info .title').innerText();
  if (!title.includes('clerk-invitations-mock')) problems.push(`title is ${JSON.stringify(title)}`);
  const servers = await page.locator('.servers select').innerText();
  if (!servers.includes(server.url)) problems.push(`servers list shows ${JSON.stringify(servers)}`);

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`docs: screenshot at ${SCREENSHOT}`);

  // Opening an operation renders its body schema and responses from the document.
  await page.getByText('Create an invitation', { exact: true }).click();
  const create = page.locator('#operations-Invitations-CreateInvitation');
  await create.locator('.responses-wrapper').waitFor({ timeout: 10_000 });
  for (const text of ['email_address', 'expires_in_days', 'duplicate_record']) {
    if (!(await create.getByText(text).first().isVisible()))
      problems.push(`Create an invitation does not show ${text}`);
  }

  // "Try it out" calls the origin the page was opened from: the banner's link, and localhost.
  for (const origin of origins) {
    await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' });
    const health = page.locator('#operations-Emulator-EmulatorHealth');
    await health.locator('.opblock-summary').click({ timeout: 30_000 });
    await health.locator('.try-out__btn').click({ timeout: 10_000 });
    await health.locator('.execute').click();
    const status = health.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    const answered = (await status.innerText()).trim();
    const called = (await health.locator('.request-url pre').innerText()).trim();
    if (answered !== '200' || called !== `${origin}/_emulator/health`)
      problems.push(`Try it out from ${origin}/docs called ${called} and got ${JSON.stringify(answered)}`);
  }
} catch (err) {
  problems.push(`browser check failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await context?.close();
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const p of problems) console.error(`docs: ${p}`);
  process.exit(1);
}
console.log(
  `docs: /docs lists ${SUMMARIES.length} Clerk operations and ${TAGS.length} tags in chromium, offline, and Try it out answers from 127.0.0.1 and localhost`,
);
