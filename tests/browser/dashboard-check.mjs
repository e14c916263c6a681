// Opens the dashboard in headless Chromium and reports what a person would see, as one JSON line:
//   node dashboard-check.mjs URL STREAM_ID SCREENSHOT_PREFIX
// It waits until the stream's row shows a viewer and a bitrate (two polls apart), checks that no
// console error, page error or failed request happened, that every data request carried the
// token and stayed on the proxy, and that the page fits a phone's width; then takes screenshots.
// firstPaint: what the stream's row and the chart held the moment the row first appeared (the
// server's history, before the page has measured anything itself).
import { launchChromium } from './chromium.mjs';

const [url, streamId, screenshotPrefix] = process.argv.slice(2);
const report = { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [], requestsWithoutToken: [], dataRequests: 0 };
const origin = new URL(url).origin;

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', message => { if (message.type() === 'error') report.consoleErrors.push(message.text()); });
  page.on('pageerror', error => report.pageErrors.push(String(error)));
  page.on('requestfailed', request => report.failedRequests.push(request.url() + ' ' + (request.failure()?.errorText ?? '')));
  page.on('response', response => { if (response.status() >= 400) report.failedRequests.push(response.url() + ' ' + response.status()); });
  page.on('request', request => {
    if (!request.url().startsWith(origin)) { report.foreignRequests.push(request.url()); return; }
    if (request.resourceType() === 'fetch') {
      report.dataRequests++;
      if (request.headers()['x-api-token'] === undefined) report.requestsWithoutToken.push(request.url());
    }
  });

  await page.addInitScript(id => {
    const observer = new MutationObserver(() => {
      const row = document.querySelector(`tr[data-stream="${id}"]`);
      if (!row || window.firstPaint) return;
      const spark = row.querySelector('svg polyline');
      window.firstPaint = {
        sparklinePoints: spark ? spark.getAttribute('points').trim().split(/\s+/).length : 0,
        chartLines: document.querySelectorAll('#chart polyline').length,
        rate: row.cells[3].textContent,
      };
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  }, streamId);
  const response = await page.goto(url, { waitUntil: 'load' });
  report.status = response.status();
  const row = page.locator(`tr[data-stream="${streamId}"]`);
  // Live: the viewer count and a measured bitrate appear only after the page has polled twice.
  await page.waitForFunction(id => {
    const cells = document.querySelector(`tr[data-stream="${id}"]`)?.cells;
    return cells && cells[2].textContent === '1' && /bit\/s$/.test(cells[3].textContent) && document.querySelector('#chart polyline');
  }, streamId, { timeout: 30000 });
  report.firstPaint = await page.evaluate(() => window.firstPaint ?? null);
  report.streamRow = (await row.innerText()).replace(/\s+/g, ' ').trim();
  report.clientRows = await page.locator('#clients tbody tr').count();
  report.live = await page.locator('#live').innerText();
  report.viewers = await page.locator('#t-viewers').innerText();
  report.outRate = await page.locator('#t-out').innerText();
  await page.screenshot({ path: screenshotPrefix + '-desktop.png', fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(2500); // one more poll at phone width
  report.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  report.phoneRowStillThere = await row.isVisible();
  await page.screenshot({ path: screenshotPrefix + '-phone.png', fullPage: true });
} catch (error) {
  report.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
