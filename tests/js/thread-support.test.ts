// WASM threads are used only where each thing they need is there, found by feature detection:
// every missing piece gives one thread and says which piece is missing.
import { describe, expect, it } from 'vitest';
import { threadSupport, type ThreadScope } from '../../dist/model/onnx-runtime.js';

const complete: ThreadScope = {
  crossOriginIsolated: true,
  SharedArrayBuffer,
  Worker: class {},
  WebAssembly,
  navigator: { hardwareConcurrency: 8 },
};

describe('threadSupport', () => {
  it('uses up to four threads where the page is isolated and has shared memory and Workers', () => {
    expect(threadSupport(complete, true)).toEqual({ threads: 4, reason: 'cross-origin isolated, 8 cores: 4 threads' });
    expect(threadSupport({ ...complete, navigator: { hardwareConcurrency: 2 } }, true)).toEqual({
      threads: 2,
      reason: 'cross-origin isolated, 2 cores: 2 threads',
    });
    expect(threadSupport({ ...complete, navigator: {} }, true)).toEqual({
      threads: 1,
      reason: 'cross-origin isolated, 1 core: 1 thread',
    });
  });

  it('names what is missing', () => {
    const without = (change: Partial<ThreadScope>) => threadSupport({ ...complete, ...change }, true);
    expect(without({ crossOriginIsolated: false })).toEqual({
      threads: 1,
      reason:
        'the page is not cross-origin isolated (it needs the COOP and COEP headers), so WASM threads are unavailable',
    });
    expect(without({ SharedArrayBuffer: undefined })).toEqual({
      threads: 1,
      reason: 'SharedArrayBuffer is missing although the page is cross-origin isolated',
    });
    const refusing = {
      Memory: class {
        constructor() {
          throw new RangeError('shared memory is disabled');
        }
      },
    } as unknown as ThreadScope['WebAssembly'];
    expect(without({ WebAssembly: refusing })).toEqual({
      threads: 1,
      reason: 'shared WebAssembly memory cannot be created here (RangeError: shared memory is disabled)',
    });
    expect(without({ Worker: undefined })).toEqual({
      threads: 1,
      reason: 'this context cannot start Workers, which onnxruntime-web runs its threads in',
    });
    expect(threadSupport(complete, false)).toEqual({
      threads: 1,
      reason: 'outside a browser onnxruntime-web runs its WASM backend on one thread',
    });
  });
});
