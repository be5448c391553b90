// Drives the broker's web console in Debian's headless Chromium through playwright-core. Run by
// tests/e2e/console (e2e_console), which starts the broker and plays an agent labelled gpu that
// completes what it claims after a second (FAILED_PERMANENT for items labelled outcome=fail).
// Exits non-zero on the first failed check; screenshots go to $BROKKR_SCREENSHOTS.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest: e2e_console)`);
  return v;
};
const base = env('BROKKR_URL');
const adminKey = env('BROKKR_ADMIN_KEY');
const shots = env('BROKKR_SCREENSHOTS');
const spec = readFileSync(env('BROKKR_SPEC'), 'utf8');
const timeout = 30000;

let step = 'start';
function check(condition, what) {
  if (!condition) throw new Error(`check failed (${step}): ${what}`);
  console.log(`  ok: ${what}`);
}

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const browser = await chromium.launch({
  executablePath: process.env.BROKKR_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const problems = [];
let page = null;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A refused login's 401 is logged by the browser as a failed resource load: expected.
    if (m.type() === 'error' && !m.text().includes('401') && !m.text().includes('inline script'))
      problems.push(`console error: ${m.text()}`);
  });
  const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

  step = 'headers';
  const first = await page.goto(`${base}/ui/`);
  const csp = first.headers()['content-security-policy'] || '';
  check(first.status() === 200, '/ui/ answers 200');
  check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `CSP forbids inline scripts: ${csp}`);
  check(first.headers()['x-content-type-options'] === 'nosniff', 'nosniff');
  const redirect = await fetch(`${base}/ui`, { redirect: 'manual' });
  check(redirect.status === 308 && redirect.headers.get('location') === '/ui/', '/ui redirects to /ui/');
  // An inline script injected into the page must not run under the broker's CSP.
  const inlineRan = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true;';
    document.body.append(s);
    return window.__inline === true;
  });
  check(!inlineRan, 'an inline script is blocked by the CSP');

  step = 'login';
  await page.fill('#key', 'brokkr_not_a_key');
  await page.click('#login button');
  await page.waitForSelector('#flash:has-text("not valid")');
  check(true, 'a wrong key is refused');
  await page.fill('#key', adminKey);
  await page.click('#login button');
  await page.waitForSelector('[data-count="total"]');
  check((await page.textContent('#who')) === 'admin', 'logged in as admin');
  const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie);
  check(!stored.includes(adminKey), 'the key is not in localStorage, sessionStorage or a cookie');
  await shot('overview-empty');

  step = 'submit and complete';
  await page.click('a[data-view="submit"]');
  await page.fill('#spec', spec);
  await page.fill('input[name="labels"]', 'gpu');
  await page.fill('input[name="work_labels"]', 'team=web,release=1.4');
  await page.click('#submit-form button[type="submit"]');
  await page.waitForURL(/#\/work\/[0-9a-f-]{36}$/);
  const doneId = page.url().split('/').pop();
  await page.waitForSelector('#item [data-status="COMPLETED"]', { timeout: 60000 });
  check(true, `item ${doneId} shows COMPLETED on its page`);
  await page.waitForSelector('#timeline [data-status="COMPLETED"]');
  const timeline = await page.textContent('#timeline');
  check(timeline.includes('PENDING') && timeline.includes('CLAIMED') && timeline.includes('builder-0'),
    'the timeline shows each transition and the agent by name');
  const log = await page.textContent('#log');
  check(log.includes('Writing manifest to image destination'), 'the log tail is shown');
  check((await page.textContent('#item')).includes('registry.example.com/org/app:1.0@sha256:4f0c2d1e'),
    'the pinned image reference is shown');
  check((await page.textContent('#item')).includes('release=1.4,team=web'), 'the work labels are shown');
  await shot('item-completed');

  step = 'live log';
  // Claimed by a CAF agent that prints a line every 700 ms: the page shows them as they come.
  const liveId = env('BROKKR_LIVE_ID');
  await page.goto(`${base}/ui/#/work/${liveId}`);
  await page.waitForSelector('#live-log:has-text("live line 1")', { timeout: 60000 });
  check(!!(await page.$('#item [data-status="CLAIMED"]')), 'the first live line is shown while the item is CLAIMED');
  await page.waitForSelector('#live-log:has-text("live line 3")');
  check(!(await page.textContent('#live-log')).includes('live line 5'), 'later lines are not there yet');
  await shot('item-live-log');
  await page.waitForSelector('#item [data-status="COMPLETED"]', { timeout: 60000 });
  await page.waitForSelector('#log:has-text("live line 5")');
  check(true, 'after the end the page shows the stored log');

  step = 'failure hint';
  const failed = await api('POST', '/api/v1/ephemeral-work',
    { work_type: 'shipwright-build', crd_spec: spec, targets: { labels: ['gpu'] }, labels: { outcome: 'fail' }, max_retries: 0 });
  check(failed.status === 201, 'a failing item is submitted');
  await page.goto(`${base}/ui/#/work/${failed.body.id}`);
  await page.waitForSelector('#failure', { timeout: 60000 });
  const hint = await page.textContent('#failure');
  check(hint.includes('GitRevisionNotFound') && hint.includes('revision v9 not found'), 'the failure reason and message are shown');
  check(hint.includes('cloneSecret'), 'the troubleshooting hint for the reason is shown');
  await shot('item-failed');

  step = 'cancel and retry';
  await page.click('a[data-view="submit"]');
  await page.fill('#spec', spec);
  await page.fill('input[name="labels"]', 'nobody-has-this');
  await page.fill('input[name="work_labels"]', 'team=idle');
  await page.click('#submit-form button[type="submit"]');
  await page.waitForURL(/#\/work\/[0-9a-f-]{36}$/);
  const idleId = page.url().split('/').pop();
  await page.waitForSelector('#item [data-status="PENDING"]');
  await page.click('#cancel');
  await page.waitForSelector('#item [data-status="CANCELED"]');
  check((await api('GET', `/api/v1/ephemeral-work/${idleId}`)).body.status === 'CANCELED', 'the broker has the item CANCELED');
  await shot('item-canceled');
  await page.click('#retry');
  await page.waitForURL((u) => !u.toString().endsWith(idleId));
  await page.waitForSelector('#item [data-field="Retry of"]');
  check((await page.textContent('#item [data-field="Retry of"]')).includes(idleId), 'the retry links to the canceled item');
  const retryId = page.url().split('/').pop();

  step = 'work list, filters and live updates';
  await page.goto(`${base}/ui/#/work?labelSelector=team%3Dweb`);
  await page.waitForSelector(`#work-rows tr[data-id="${doneId}"]`);
  check((await page.$$('#work-rows tr')).length === 1, 'the label selector keeps only team=web');
  await page.goto(`${base}/ui/#/work`);
  await page.waitForSelector(`#work-rows tr[data-id="${retryId}"]`);
  const live = await api('POST', '/api/v1/ephemeral-work',
    { work_type: 'shipwright-build', crd_spec: spec, targets: { labels: ['nobody-has-this'] }, labels: { team: 'live' } });
  await page.waitForSelector(`#work-rows tr[data-id="${live.body.id}"]`, { timeout: 10000 });
  check(true, 'an item submitted elsewhere appears in the list without a reload');
  await api('DELETE', `/api/v1/ephemeral-work/${live.body.id}`);
  await page.waitForSelector(`#work-rows tr[data-id="${live.body.id}"] [data-status="CANCELED"]`, { timeout: 10000 });
  check(true, 'its cancel shows up live too');
  await page.click(`#work-rows tr[data-id="${retryId}"] [data-cancel]`);
  await page.waitForSelector(`#work-rows tr[data-id="${retryId}"] [data-status="CANCELED"]`);
  check(true, 'cancel from the list');
  await shot('work-list');

  step = 'overview and agents';
  await page.click('a[data-view="overview"]');
  await page.waitForSelector('[data-count="COMPLETED"]');
  check(Number(await page.textContent('[data-count="COMPLETED"]')) >= 1, 'the overview counts completed work');
  check(Number(await page.textContent('[data-count="CANCELED"]')) >= 2, 'the overview counts canceled work');
  await shot('overview');
  await page.click('a[data-view="agents"]');
  const agentRow = `#agent-rows tr[data-agent="${env('BROKKR_AGENT_ID')}"]`;
  await page.waitForSelector(agentRow);
  check((await page.textContent(agentRow)).includes('builder-0'), 'the agents page lists builder-0');
  // Presence is written every 500 ms here; the page refreshes every 10 s, a reload is quicker.
  for (let i = 0; i < 20 && !(await page.textContent(agentRow)).includes('READY'); ++i) {
    await page.waitForTimeout(500);
    await page.reload();
    await page.fill('#key', adminKey).catch(() => {});
    if (await page.$('#login')) {
      await page.click('#login button');
      await page.waitForSelector(agentRow);
    }
  }
  check((await page.textContent(agentRow)).includes('READY'), 'the polling agent is READY');
  await shot('agents');

  step = 'logout';
  await page.click('#logout');
  await page.waitForSelector('#login');
  check(!(await page.evaluate(() => document.body.textContent)).includes(adminKey), 'logging out forgets the key');

  check(problems.length === 0, `no page or console errors${problems.length ? `: ${problems.join('; ')}` : ''}`);
  console.log('console: all checks passed');
} catch (e) {
  console.log(`console: FAILED: ${e.message}`);
  if (page) {
    console.log(`  at ${page.url()}; the page said: ${(await page.textContent('body').catch(() => '')).slice(0, 2000)}`);
    await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
  }
  for (const p of problems) console.log(`  ${p}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
