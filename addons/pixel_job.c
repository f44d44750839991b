// Promises of pixel memory computed on libuv's thread pool (see pixel_job.h).
#include "pixel_job.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pixel_memory.h"

static void finalize_pixels(napi_env env, void* data, void* hint) {
  (void)env;
  free_pixels(data, (size_t)(uintptr_t)hint);
}

// The memory becomes an ArrayBuffer's, which frees it when it is collected; where the runtime
// allows no outside memory in ArrayBuffers (Electron), the bytes are copied into one.
static napi_status hand_over(napi_env env, PixelJob* job, napi_value* pixels) {
  napi_value buffer;
  napi_status status = napi_create_external_arraybuffer(env, job->out, job->length, finalize_pixels,
                                                        (void*)(uintptr_t)job->out_mapped, &buffer);
  if (status == napi_ok) {
    job->out = NULL;
  } else {
    void* copy;
    status = napi_create_arraybuffer(env, job->length, &copy, &buffer);
    if (status != napi_ok) return status;
    memcpy(copy, job->out, job->length);
  }
  return napi_create_typedarray(env, napi_uint8_array, job->length, buffer, 0, pixels);
}

static void execute(napi_env env, void* data) {
  (void)env;
  PixelJob* job = data;
  job->run(job);
}

static void complete(napi_env env, napi_status status, void* data) {
  PixelJob* job = data;
  napi_value pixels;
  if (status == napi_ok && job->error[0] == '\0' && hand_over(env, job, &pixels) == napi_ok) {
    napi_resolve_deferred(env, job->deferred, pixels);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, job->error[0] ? job->error : "the result could not be handed over",
                            NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  if (job->out) free_pixels(job->out, job->out_mapped);
  napi_delete_reference(env, job->input);
  napi_delete_async_work(env, job->work);
  free(job);
}

napi_value queue_pixel_job(napi_env env, PixelJob* job, napi_value input, const char* name) {
  napi_value promise, resource_name;
  napi_create_reference(env, input, 1, &job->input);
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name);
  napi_create_async_work(env, NULL, resource_name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

napi_value throw_type_error(napi_env env, const char* message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}
