// JPEG decoding with the system's libjpeg-turbo, the library Pillow calls, with Pillow's settings
// (accurate integer IDCT, smooth chroma upsampling): the same pixels.
//
// decodeJpeg(jpeg: Uint8Array, width, height, channels, maxScans): Promise<Uint8Array>
//   The pixels: RGB (channels 3; grayscale is repeated to RGB) or, for a 4-component JPEG, CMYK
//   as stored (channels 4). The size is the one the caller read from the header; a file that
//   decodes to another size, a corrupt or truncated file, or more than maxScans scans rejects
//   with libjpeg's message.

// libjpeg's headers need stdio.h before them, and jerror.h after jpeglib.h.
// clang-format off
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "jpeg_decode.h"
#include "pixel_job.h"
#include "pixel_memory.h"
// clang-format on

typedef struct {
  struct jpeg_error_mgr base;
  jmp_buf escape;
  char message[JMSG_LENGTH_MAX + 64];
} ErrorManager;

typedef struct {
  struct jpeg_progress_mgr base;
  int max_scans;
} ScanLimit;

typedef struct {
  PixelJob base;
  const unsigned char* jpeg;
  size_t jpeg_length;
  int max_scans;
} DecodeJob;

static void exit_with_message(j_common_ptr info) {
  ErrorManager* errors = (ErrorManager*)info->err;
  info->err->format_message(info, errors->message);
  longjmp(errors->escape, 1);
}

// Warnings (corrupt entropy data and the like) are decoded through, as Pillow does, except the
// end of the data: Pillow refuses a truncated file, even one that only lacks its end marker.
static void on_message(j_common_ptr info, int level) {
  if (level == -1 && info->err->msg_code == JWRN_JPEG_EOF) exit_with_message(info);
}

// A progressive JPEG may hold thousands of tiny scans, each a pass over the whole image.
static void check_scans(j_common_ptr info) {
  ScanLimit* limit = (ScanLimit*)info->progress;
  j_decompress_ptr decoder = (j_decompress_ptr)info;
  if (decoder->input_scan_number > limit->max_scans) {
    ErrorManager* errors = (ErrorManager*)info->err;
    snprintf(errors->message, sizeof errors->message,
             "more than %d scans (a progressive JPEG made to be slow)", limit->max_scans);
    longjmp(errors->escape, 1);
  }
}

static void decode(PixelJob* base) {
  DecodeJob* job = (DecodeJob*)base;
  struct jpeg_decompress_struct decoder;
  ErrorManager errors;
  ScanLimit limit;
  decoder.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = exit_with_message;
  errors.base.emit_message = on_message;
  errors.message[0] = '\0';
  if (setjmp(errors.escape)) {
    snprintf(base->error, sizeof base->error, "%s", errors.message);
    jpeg_destroy_decompress(&decoder);
    return;
  }
  jpeg_create_decompress(&decoder);
  limit.base.progress_monitor = check_scans;
  limit.max_scans = job->max_scans;
  decoder.progress = &limit.base;
  jpeg_mem_src(&decoder, job->jpeg, (unsigned long)job->jpeg_length);
  jpeg_read_header(&decoder, TRUE);
  const int cmyk = decoder.num_components == 4;
  decoder.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  decoder.dct_method = JDCT_ISLOW;
  decoder.do_fancy_upsampling = TRUE;
  jpeg_start_decompress(&decoder);
  const size_t stride = (size_t)decoder.output_width * (size_t)decoder.output_components;
  if (stride * decoder.output_height != base->length) {
    snprintf(base->error, sizeof base->error,
             "the image is %ux%u with %d components, not the size its header gave",
             decoder.output_width, decoder.output_height, decoder.output_components);
    jpeg_destroy_decompress(&decoder);
    return;
  }
  while (decoder.output_scanline < decoder.output_height) {
    JSAMPROW row = base->out + stride * decoder.output_scanline;
    jpeg_read_scanlines(&decoder, &row, 1);
  }
  jpeg_finish_decompress(&decoder);
  jpeg_destroy_decompress(&decoder);
}

napi_value decode_jpeg(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false;
  napi_typedarray_type type;
  void* jpeg = NULL;
  size_t jpeg_length = 0;
  int64_t width, height;
  int32_t channels, max_scans;
  if (argc != 5 || napi_is_typedarray(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_typedarray_info(env, argv[0], &type, &jpeg_length, &jpeg, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || napi_get_value_int64(env, argv[1], &width) != napi_ok ||
      napi_get_value_int64(env, argv[2], &height) != napi_ok ||
      napi_get_value_int32(env, argv[3], &channels) != napi_ok ||
      napi_get_value_int32(env, argv[4], &max_scans) != napi_ok || width < 1 || width > 65535 ||
      height < 1 || height > 65535 || (channels != 3 && channels != 4) || max_scans < 1)
    return throw_type_error(env,
                            "decodeJpeg takes JPEG data (a Uint8Array), width and height (1 to "
                            "65535), channels (3 or 4) and a scan limit (1 or more)");
  DecodeJob* job = calloc(1, sizeof *job);
  if (!job) {
    napi_throw_range_error(env, NULL, "out of memory");
    return NULL;
  }
  job->base.run = decode;
  job->base.length = (size_t)width * (size_t)height * (size_t)channels;
  job->base.out = allocate_pixels(job->base.length, &job->base.out_mapped);
  if (!job->base.out) {
    free(job);
    napi_throw_range_error(env, NULL, "out of memory for the decoded pixels");
    return NULL;
  }
  job->jpeg = jpeg;
  job->jpeg_length = jpeg_length;
  job->max_scans = max_scans;
  return queue_pixel_job(env, &job->base, argv[0], "clipscope-jpeg-decode");
}
