// The hostile-input battery (tests/hostile/battery.ts) in Node: every case ends in a typed
// error or an exact result, and nothing made before changes or leaks. The same battery runs in
// Chromium (tests/e2e/hostile.test.ts) and must give the same outcomes.
import { readFileSync } from 'node:fs';
import { gunzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as advanced from '../../dist/advanced.js';
import * as main from '../../dist/index.js';
import { core, init } from '../../dist/wasm/core.js';
import { runHostileBattery, type HostileReport } from '../hostile/battery.js';
import { EXPECTED_OUTCOMES } from '../hostile/expected.js';

const merges = gunzipSync(
  readFileSync(new URL('../../models/clip-bpe/bpe_simple_vocab_16e6.txt.gz', import.meta.url)),
).toString('utf8');

describe('hostile input in Node', () => {
  let report: HostileReport;

  it('ends every hostile call in a typed error or an exact result', async () => {
    await init();
    report = await runHostileBattery({ ...main, ...advanced }, core(), async (data) => deflateSync(data), merges);
    expect(report.outcomes).toEqual(EXPECTED_OUTCOMES);
  }, 120_000);

  it('leaves an index made before byte-identical, working, and the heap and handles flat', () => {
    expect(report.savedBytesUnchanged).toBe(true);
    expect(report.laterSearch).toEqual(['b', 'c']);
    expect(report.heapGrowth).toBe(0);
    expect(report.handleGrowth).toBe(0);
  });
});
