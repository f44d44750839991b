// The engines the browser tests run in: all three unless CLIPSCOPE_ENGINES names some
// (e.g. CLIPSCOPE_ENGINES=firefox,webkit).
import type { EngineBrowser, EngineName, LaunchOptions } from './engine.js';
import { launchChromiumEngine } from './chromium.js';
import { launchFirefoxEngine } from './firefox.js';
import { launchWebKitEngine } from './webkit.js';

export type { EngineBrowser, EngineContext, EngineName, EnginePage } from './engine.js';
export { waitInPage } from './engine.js';

const ALL: EngineName[] = ['chromium', 'firefox', 'webkit'];

export const ENGINES: EngineName[] = (() => {
  const wanted = process.env.CLIPSCOPE_ENGINES?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (!wanted) return ALL;
  for (const name of wanted)
    if (!ALL.includes(name as EngineName))
      throw new Error(`CLIPSCOPE_ENGINES: unknown engine ${name} (${ALL.join(', ')})`);
  return wanted as EngineName[];
})();

export function launchEngine(name: EngineName, options: LaunchOptions = {}): Promise<EngineBrowser> {
  if (name === 'chromium') return launchChromiumEngine(options);
  if (name === 'firefox') return launchFirefoxEngine(options);
  return launchWebKitEngine(options);
}
