// Work on libuv's thread pool whose result is memory handed to JavaScript as a Uint8Array.
#ifndef CLIPSCOPE_PIXEL_JOB_H
#define CLIPSCOPE_PIXEL_JOB_H

#include <node_api.h>
#include <stddef.h>

typedef struct PixelJob {
  // Set by the caller before queue_pixel_job:
  void (*run)(struct PixelJob* job);  // on the pool: fills out, sets length, or writes error
  unsigned char* out;                 // from allocate_pixels
  size_t out_mapped;
  size_t length;  // bytes of out the result holds
  char error[256];
  // Kept by queue_pixel_job:
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input;
} PixelJob;

// Runs job->run on the pool, keeping `input` alive meanwhile, and returns a promise of the first
// job->length bytes of job->out (rejected with job->error if it is set). Takes ownership of
// `job`, which must come from malloc, and of its memory.
napi_value queue_pixel_job(napi_env env, PixelJob* job, napi_value input, const char* name);

// Throws a TypeError and returns NULL, for argument checks.
napi_value throw_type_error(napi_env env, const char* message);

#endif
