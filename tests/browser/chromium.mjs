// Debian's Chromium for the checks in this folder (playwright-core never downloads a browser here).
// No sandbox (CI runs as root), and none of Chromium's own background connections: the build
// machines reach only the package registries, and refused connections would be logged.
import { chromium } from 'playwright-core';

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
  });
}
