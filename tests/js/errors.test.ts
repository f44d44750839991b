// Every error class lives in lib/common/errors.ts: its code is its name without "Error", it is a
// ClipscopeError, and it crosses the Worker boundary as the same class, code and message.
import { describe, expect, it } from 'vitest';
import * as clipscope from '../../dist/index.js';
import * as errors from '../../dist/common/errors.js';
import { deserializeError, serializeError } from '../../dist/engine/worker-protocol.js';

const classes = Object.entries(errors).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
) as Array<[string, new (message: string) => errors.ClipscopeError]>;

describe('errors', () => {
  it('are all exported from the package, one class per kind, each with its code from its name', () => {
    expect(classes.map(([name]) => name).sort()).toEqual([
      'BusyError',
      'ClipscopeError',
      'CorruptDataError',
      'DecodeError',
      'DeletedError',
      'DimensionMismatchError',
      'DuplicateIdError',
      'EmptyIndexError',
      'InvalidArgumentError',
      'LoadError',
      'ModelInterfaceError',
      'ModelLoadError',
      'NotFiniteError',
      'OutOfMemoryError',
      'StorageError',
      'UnknownIdError',
      'UnsupportedVersionError',
      'ZeroVectorError',
    ]);
    for (const [name, ErrorClass] of classes) {
      const error = new ErrorClass('what happened');
      expect((clipscope as Record<string, unknown>)[name]).toBe(ErrorClass);
      expect(error).toBeInstanceOf(clipscope.ClipscopeError);
      expect(error.name).toBe(name);
      expect(error.code).toBe(name.replace(/Error$/, ''));
      expect(error.message).toBe('what happened');
    }
  });

  it('cross the Worker boundary as the same class, code and message', () => {
    for (const [, ErrorClass] of classes) {
      const back = deserializeError(
        structuredClone(serializeError(new ErrorClass('lost the thread'))),
      ) as errors.ClipscopeError;
      expect(back).toBeInstanceOf(ErrorClass);
      expect([back.name, back.code, back.message]).toEqual([
        new ErrorClass('').name,
        new ErrorClass('').code,
        'lost the thread',
      ]);
    }
  });

  it('keep a code they do not know from the core, as a plain ClipscopeError', () => {
    expect(() => errors.check({ errorCode: 'Unheard', message: 'new kind' })).toThrow(
      expect.objectContaining({ name: 'ClipscopeError', code: 'Unheard', message: 'new kind' }),
    );
  });
});
