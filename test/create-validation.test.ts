import t from 'tap';
import { build, call, clerkError, outbox } from './helper.js';

// Clerk's validation order for a create: unknown keys, then types and ranges, then a missing
// email_address, then its format. The first failure is reported and nothing is written.

const create = (app: Awaited<ReturnType<typeof build>>, payload: unknown) =>
  call(app, { method: 'POST', url: '/v1/invitations', payload: payload as Record<string, unknown> });

const list = async (app: Awaited<ReturnType<typeof build>>) =>
  (
    await call(app, {
      method: 'GET',
      url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
    })
  ).body as Record<string, any>[];

t.test('a missing, empty or null body is a missing email_address', async (t) => {
  const app = await build(t);
  const missing = {
    message: 'is missing',
    long_message: 'email_address must be included.',
    code: 'form_param_missing',
    meta: { param_name: 'email_address' },
  };
  clerkError(t, await call(app, { method: 'POST', url: '/v1/invitations' }), 422, missing);
  clerkError(t, await create(app, {}), 422, missing);
  clerkError(
    t,
    await call(app, {
      method: 'POST',
      url: '/v1/invitations',
      payload: 'null',
      headers: { 'content-type': 'application/json' },
    }),
    422,
    missing,
  );
  clerkError(t, await create(app, { email_address: null }), 422, missing);
  clerkError(t, await create(app, { email_address: '   ' }), 422, missing);
});

t.test('a body that is not a JSON object answers request_body_invalid', async (t) => {
  const app = await build(t);
  for (const payload of ['[]', '"ada@example.com"', '42']) {
    const r = await call(app, {
      method: 'POST',
      url: '/v1/invitations',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    clerkError(t, r, 400, {
      message: 'Request body invalid',
      long_message: 'The request body must be a JSON object.',
      code: 'request_body_invalid',
    });
  }
});

t.test('an unknown key answers form_param_unknown before any other failure', async (t) => {
  const app = await build(t);
  const r = await create(app, { expires_in_days: 'soon', emailAddress: 'ada@example.com' });
  clerkError(t, r, 422, {
    message: 'is unknown',
    long_message: 'emailAddress is not a valid parameter for this request.',
    code: 'form_param_unknown',
    meta: { param_name: 'emailAddress' },
  });
});

t.test('a wrong type answers form_param_value_invalid before a missing email_address', async (t) => {
  const app = await build(t);
  const r = await create(app, { notify: 'yes' });
  clerkError(t, r, 422, {
    message: 'is invalid',
    long_message: 'notify is invalid. Expected true or false.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'notify' },
  });
});

t.test(
  'every wrong type, out-of-range value or unknown enum answers form_param_value_invalid naming the parameter',
  async (t) => {
    const app = await build(t);
    const cases: [string, unknown, string][] = [
      ['email_address', 42, 'Expected a string.'],
      ['public_metadata', [], 'Expected a JSON object.'],
      ['public_metadata', 'plan=pro', 'Expected a JSON object.'],
      ['redirect_url', 'ftp://example.com/x', 'Expected an absolute http(s) URL.'],
      ['redirect_url', '/welcome', 'Expected an absolute http(s) URL.'],
      ['redirect_url', 7, 'Expected a string.'],
      ['notify', 'true', 'Expected true or false.'],
      ['ignore_existing', 1, 'Expected true or false.'],
      ['expires_in_days', 0, 'Expected an integer from 1 to 365.'],
      ['expires_in_days', 366, 'Expected an integer from 1 to 365.'],
      ['expires_in_days', 1.5, 'Expected an integer from 1 to 365.'],
      ['expires_in_days', '30', 'Expected an integer from 1 to 365.'],
      ['template_slug', 'welcome', 'Expected one of: invitation, waitlist_invitation.'],
    ];
    for (const [param, value, expected] of cases) {
      const body =
        param === 'email_address' ? { email_address: value } : { email_address: 'ada@example.com', [param]: value };
      clerkError(t, await create(app, body), 422, {
        message: 'is invalid',
        long_message: `${param} is invalid. ${expected}`,
        code: 'form_param_value_invalid',
        meta: { param_name: param },
      });
    }
    t.same(await list(app), [], 'nothing was created');
    t.same(outbox(app), [], 'nothing was sent');
  },
);

t.test('a malformed email address answers form_param_format_invalid', async (t) => {
  const app = await build(t);
  for (const email of [
    'ada',
    'ada@',
    '@example.com',
    'a da@example.com',
    'ada@example',
    'ada@@example.com',
    'ada@-example.com',
  ]) {
    clerkError(t, await create(app, { email_address: email }), 422, {
      message: 'is invalid',
      long_message: 'email_address must be a valid email address.',
      code: 'form_param_format_invalid',
      meta: { param_name: 'email_address' },
    });
  }
});
