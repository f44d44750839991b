// A PNG's image data inflated with the system's zlib straight from its IDAT chunks (no joining
// them first) into pixel memory (pixel_memory.c), on libuv's thread pool.
//
// inflateZlib(parts: Uint8Array[], expected: number): Promise<Uint8Array>
//   The inflated bytes, up to one more than `expected`: a stream that would give more stops
//   there (the caller refuses it, a small file cannot expand to gigabytes), one that ends early
//   gives what it had. Data that is not a complete zlib stream rejects.
#include "zlib_inflate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "pixel_job.h"
#include "pixel_memory.h"

typedef struct {
  PixelJob base;
  size_t capacity;  // expected + 1
  uint32_t count;
  struct {
    const unsigned char* bytes;
    size_t length;
  } parts[];
} InflateJob;

static void inflate_parts(PixelJob* base) {
  InflateJob* job = (InflateJob*)base;
  z_stream stream = {0};
  if (inflateInit(&stream) != Z_OK) {
    snprintf(base->error, sizeof base->error, "zlib could not start");
    return;
  }
  unsigned char* next = base->out;
  size_t room = job->capacity;
  int result = Z_OK;
  for (uint32_t i = 0; i < job->count && result != Z_STREAM_END && room > 0; i++) {
    const unsigned char* input = job->parts[i].bytes;
    size_t left = job->parts[i].length;
    // zlib counts in 32 bits: feed and drain at most 1 GB at a time.
    while (left > 0 && room > 0 && result != Z_STREAM_END) {
      stream.next_in = (unsigned char*)input;
      stream.avail_in = (uInt)(left < (1u << 30) ? left : (1u << 30));
      stream.next_out = next;
      stream.avail_out = (uInt)(room < (1u << 30) ? room : (1u << 30));
      const uInt given_in = stream.avail_in, given_out = stream.avail_out;
      result = inflate(&stream, Z_NO_FLUSH);
      input += given_in - stream.avail_in;
      left -= given_in - stream.avail_in;
      next += given_out - stream.avail_out;
      room -= given_out - stream.avail_out;
      if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) break;
      if (result == Z_BUF_ERROR && given_in == stream.avail_in && given_out == stream.avail_out)
        break;  // no progress possible
    }
    if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) break;
  }
  inflateEnd(&stream);
  // Full room: more output than expected, whatever follows. Otherwise the stream must be whole.
  if (room > 0 && result != Z_STREAM_END)
    snprintf(base->error, sizeof base->error, "not a complete zlib stream");
  base->length = job->capacity - room;
}

napi_value inflate_zlib(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false;
  uint32_t count = 0;
  double expected = -1;
  if (argc != 2 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &count) != napi_ok ||
      napi_get_value_double(env, argv[1], &expected) != napi_ok || !(expected >= 0) ||
      expected > 4294967295.0 * 4 || expected != (double)(uint64_t)expected)
    return throw_type_error(env,
                            "inflateZlib takes an array of Uint8Array parts and the expected "
                            "size (a whole number of bytes)");
  InflateJob* job = calloc(1, sizeof *job + count * sizeof job->parts[0]);
  if (!job) {
    napi_throw_range_error(env, NULL, "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value part;
    napi_typedarray_type type;
    void* bytes = NULL;
    if (napi_get_element(env, argv[0], i, &part) != napi_ok ||
        napi_is_typedarray(env, part, &is_array) != napi_ok || !is_array ||
        napi_get_typedarray_info(env, part, &type, &job->parts[i].length, &bytes, NULL, NULL) !=
            napi_ok ||
        type != napi_uint8_array) {
      free(job);
      return throw_type_error(env, "inflateZlib: every part must be a Uint8Array");
    }
    job->parts[i].bytes = bytes;
  }
  job->count = count;
  job->capacity = (size_t)expected + 1;
  job->base.run = inflate_parts;
  job->base.out = allocate_pixels(job->capacity, &job->base.out_mapped);
  if (!job->base.out) {
    free(job);
    napi_throw_range_error(env, NULL, "out of memory for the inflated data");
    return NULL;
  }
  return queue_pixel_job(env, &job->base, argv[0], "clipscope-zlib-inflate");
}
