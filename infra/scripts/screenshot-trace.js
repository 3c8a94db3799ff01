// Saves a PNG of one trace in the Aspire Dashboard of `pipeline cluster up` (the README's docs/images/run-trace.png),
// through Playwright driving Debian's chromium (no browser is downloaded). Playwright and its node come with the
// Microsoft.Playwright NuGet package that the test projects restore:
//   P=~/.nuget/packages/microsoft.playwright/1.64.1/.playwright
//   PLAYWRIGHT=$P/package $P/node/linux-x64/node infra/scripts/screenshot-trace.js DASHBOARD_URL TRACE_ID OUT.png [ROW...]
// Each ROW names a span whose children are folded (e.g. "preprocess chunk"); object-store calls are always folded, so
// that the stages, not their HTTP requests, fill the picture.
const { chromium } = require(process.env.PLAYWRIGHT);

(async () => {
  const [dashboard, traceId, out, ...folded] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  await page.goto(`${dashboard}/traces/detail/${traceId}`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(3000); // the trace grid renders over the page's websocket after the load
  const row = title => page.locator('tr[role=row]').filter({ has: page.locator(`td[title*="${title}"]`) });
  for (const name of folded) {
    await row(`: ${name}`).first().locator('.main-grid-expand-button').click();
    await page.waitForTimeout(1000);
  }
  // An expanded row with a button has children to fold (an object-store call on a folder store has none).
  for (let open = row(': object store ').filter({ has: page.locator('.main-grid-expanded .main-grid-expand-button') }); await open.count();) {
    await open.first().locator('.main-grid-expand-button').click();
    await page.waitForTimeout(300);
  }
  // Folding scrolls the grid: back to the trace's first span.
  await page.evaluate(() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; }));
  await page.waitForTimeout(1000);
  await page.screenshot({ path: out });
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
