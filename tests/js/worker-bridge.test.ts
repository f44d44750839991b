// The Worker bridge follows from one list: ClipscopeWorker has a proxy method for each engine
// method the Worker serves, each a method of Clipscope, and nothing else but index and delete.
import { describe, expect, it } from 'vitest';
import { Clipscope, ClipscopeWorker } from '../../dist/index.js';
import { ENGINE_METHODS } from '../../dist/engine/worker-protocol.js';

describe('the Worker bridge', () => {
  it('proxies exactly the engine methods of the one list, each a Clipscope method', () => {
    const own = Object.getOwnPropertyNames(ClipscopeWorker.prototype).filter((name) => name !== 'constructor');
    expect(own.sort()).toEqual([...ENGINE_METHODS, 'delete', 'index'].sort());
    for (const method of ENGINE_METHODS) expect(typeof Clipscope.prototype[method]).toBe('function');
    expect(typeof ClipscopeWorker.prototype[Symbol.asyncDispose]).toBe('function');
  });
});
