// capabilities() where nothing browser-only exists (Node): every feature reported missing with
// what clipscope does instead, none of it guessed from a browser's name.
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../dist/index.js';

describe('capabilities in Node', () => {
  it('reports each browser feature missing, with the fallback', async () => {
    expect(await capabilities()).toEqual({
      webgpu: {
        available: false,
        detail: 'navigator.gpu is not available here (no WebGPU in this browser or context): the encoders run on WASM',
      },
      threads: {
        available: false,
        count: 1,
        detail: 'outside a browser onnxruntime-web runs its WASM backend on one thread',
      },
      imageDecoding: {
        available: false,
        detail:
          'no createImageBitmap/OffscreenCanvas here: clipscope decodes PNG and JPEG itself; other formats need decoded pixels (RawImage)',
      },
      videoFrameCopy: {
        available: false,
        detail: 'no VideoFrame here: decoded pixels are read through an OffscreenCanvas',
      },
      modelCache: { available: false, detail: 'no Cache Storage here: model files are downloaded on every load' },
      opfs: {
        available: false,
        detail: 'the origin-private file system (OPFS) is not available here: saveIndexLocally uses IndexedDB',
      },
      indexedDB: { available: false, detail: 'no IndexedDB here' },
    });
  });
});
