// Debian's Chromium as the tests and benchmarks start it: headless, no sandbox (containers), no
// GPU, and none of the browser's own traffic (updates, sync, component downloads).
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
