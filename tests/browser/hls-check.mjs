// Plays an HLS playlist with hls.js in headless Chromium and reports how far playback got, as one JSON line:
//   node hls-check.mjs PLAYLIST_URL SECONDS
// The page is served on the playlist's own origin (intercepted, the proxy does not serve it), so hls.js
// fetches the playlist and segments as a same-origin player would; hls.js comes from node_modules.
import { launchChromium } from './chromium.mjs';
import { readFileSync } from 'node:fs';

const [playlist, seconds] = process.argv.slice(2);
const hlsJs = readFileSync(new URL('./node_modules/hls.js/dist/hls.min.js', import.meta.url), 'utf8');
const pageUrl = new URL(playlist).origin + '/__hls-check.html';
const report = { consoleErrors: [], pageErrors: [] };

const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
try {
  const page = await browser.newPage();
  page.on('console', message => { if (message.type() === 'error') report.consoleErrors.push(message.text()); });
  page.on('pageerror', error => report.pageErrors.push(String(error)));
  await page.route(pageUrl, route => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html><body><video id="v" muted playsinline></video><script>${hlsJs}</script></body></html>`,
  }));
  await page.goto(pageUrl);
  Object.assign(report, await page.evaluate(async ({ playlist, seconds }) => {
    const video = document.getElementById('v');
    const hlsErrors = [];
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_, data) => hlsErrors.push(`${data.type}/${data.details}${data.fatal ? '/fatal' : ''}`));
    hls.loadSource(playlist);
    hls.attachMedia(video);
    video.play().catch(error => hlsErrors.push('play: ' + error));
    await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    const quality = video.getVideoPlaybackQuality();
    return {
      hlsErrors, currentTime: video.currentTime, width: video.videoWidth, height: video.videoHeight,
      decodedFrames: quality.totalVideoFrames, droppedFrames: quality.droppedVideoFrames, mediaError: video.error?.message ?? null,
    };
  }, { playlist, seconds: Number(seconds) }));
} catch (error) {
  report.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
