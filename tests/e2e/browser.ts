// Debian's Chromium driven by playwright-core, for the tests that use Playwright's own page API
// (the bundler consumer apps); the suites that run in every engine use engines/.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../scripts/chromium-flags.mjs';

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: sudo apt-get install -y chromium`);
  return chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}
