// Opens the API reference (/docs) in headless Chromium as a visitor without a token would, then
// types the token and sends GET /streams from the page; prints one JSON line:
//   node docs-check.mjs DOCS_URL TOKEN SCREENSHOT_PATH
import { launchChromium } from './chromium.mjs';

const [url, token, screenshot] = process.argv.slice(2);
const report = { consoleErrors: [], pageErrors: [], foreignRequests: [] };
const origin = new URL(url).origin;
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', message => { if (message.type() === 'error') report.consoleErrors.push(message.text()); });
  page.on('pageerror', error => report.pageErrors.push(String(error)));
  page.on('request', request => { if (!request.url().startsWith(origin)) report.foreignRequests.push(request.url()); });
  report.status = (await page.goto(url, { waitUntil: 'load' })).status();
  await page.waitForSelector('details');
  report.title = await page.locator('#title').innerText();
  report.operations = await page.locator('details').count();
  report.tags = await page.locator('h2').allInnerTexts();
  await page.fill('#token', token);
  const streams = page.locator('details#get-streams');
  await streams.locator('summary').click();
  report.streamsFields = await streams.locator('pre.fields').innerText();
  await streams.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => /^\d{3} /.test(document.querySelector('details#get-streams pre.output').textContent));
  report.sendResult = (await streams.locator('pre.output').innerText()).split('\n')[0];
  await page.screenshot({ path: screenshot });
} catch (error) {
  report.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
