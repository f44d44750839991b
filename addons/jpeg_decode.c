// JPEG decoding with the system's libjpeg-turbo, the library Pillow calls, with Pillow's settings
// (accurate integer IDCT, smooth chroma upsampling): the same pixels.
//
// decodeJpeg(jpeg: Uint8Array, width, height, channels, maxScans, threads): Promise<Uint8Array>
//   The pixels: RGB (channels 3; grayscale is repeated to RGB) or, for a 4-component JPEG, CMYK
//   as stored (channels 4). The size is the one the caller read from the header; a file that
//   decodes to another size, a corrupt or truncated file, or more than maxScans scans rejects
//   with libjpeg's message.
//
// With threads 2, a large image decoded alone is cut into two bands of rows, the lower one
// decoded at the same time by a helper thread: the one decode Pillow does on one core takes two.

// libjpeg's headers need stdio.h before them, and jerror.h after jpeglib.h.
// clang-format off
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "helper_thread.h"
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
  int threads;
} DecodeJob;

// Rows [from, to) of one image, decoded by a decoder of their own on one thread.
typedef struct {
  const DecodeJob* job;
  JDIMENSION from, to;  // to is the image's height for the last band
  enum { NO_HELPER, HELPER_POSTED, HELPER_DONE } helper;  // for the rows below this band's
  char error[256];
} Band;

// Decodes queued or running: a lone large decode takes a second core, but decodes that run
// side by side already use every core.
static atomic_int decodes_in_flight;

// Below this size (640x480 gains 15%) the second thread saves less than handing it work costs.
static const double MIN_PIXELS_TO_SPLIT = 250e3;

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

// Skipping rows is used only in the layouts cameras write: grey, 4:4:4, 4:2:2 and 4:2:0 (and
// CMYK without subsampling); any other sampling a file declares decodes on one thread.
static int common_layout(j_decompress_ptr decoder) {
  const int h = decoder->comp_info[0].h_samp_factor, v = decoder->comp_info[0].v_samp_factor;
  const int subsampled = h == 2 && (v == 1 || v == 2);
  if (!(h == 1 && v == 1) && !(subsampled && decoder->num_components == 3)) return 0;
  for (int c = 1; c < decoder->num_components; c++)
    if (decoder->comp_info[c].h_samp_factor != 1 || decoder->comp_info[c].v_samp_factor != 1)
      return 0;
  return 1;
}

// The row where a second thread starts, or 0 for one thread. The second thread must still
// entropy-decode every row above its own (a JPEG without restart markers can be entered only
// at its start), so it gets fewer rows. The share of entropy decoding in the whole, e, grows
// with the compressed bytes per pixel: here it costs about 9 ns a byte, and the inverse DCT,
// upsampling and colour conversion about 0.8 ns per component sample. Both threads finish
// together when the first one's share of rows is 1 / (2 - e).
static JDIMENSION split_row(j_decompress_ptr decoder, const DecodeJob* job) {
  const double pixels = (double)decoder->image_width * decoder->image_height;
  // A file of several scans (progressive ones too) is decoded whole before any row comes out.
  if (job->threads < 2 || jpeg_has_multiple_scans(decoder) || !common_layout(decoder) ||
      pixels < MIN_PIXELS_TO_SPLIT || atomic_load(&decodes_in_flight) > 1)
    return 0;
  double samples = 0;  // component samples per pixel
  for (int c = 0; c < decoder->num_components; c++)
    samples += (double)decoder->comp_info[c].h_samp_factor * decoder->comp_info[c].v_samp_factor;
  samples /= (double)decoder->max_h_samp_factor * decoder->max_v_samp_factor;
  const double entropy = 9.0 * (double)job->jpeg_length / pixels;
  const double e = entropy / (entropy + 0.8 * samples);
  const JDIMENSION mcu_rows = (JDIMENSION)decoder->max_v_samp_factor * DCTSIZE;
  const JDIMENSION row = (JDIMENSION)(decoder->image_height / (2.0 - e)) / mcu_rows * mcu_rows;
  return row > 0 && row < decoder->image_height ? row : 0;
}

static void decode_band(void* argument);

static void read_rows(j_decompress_ptr decoder, unsigned char* out, size_t stride, JDIMENSION to) {
  while (decoder->output_scanline < to) {
    JSAMPROW row = out + stride * decoder->output_scanline;
    jpeg_read_scanlines(decoder, &row, 1);
  }
}

// Decodes band->from to band->to, first handing the rows below a split to a helper band.
static void run_band(Band* band, Band* helper) {
  const DecodeJob* job = band->job;
  PixelJob* base = (PixelJob*)&job->base;
  struct jpeg_decompress_struct decoder;
  ErrorManager errors;
  ScanLimit limit;
  decoder.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = exit_with_message;
  errors.base.emit_message = on_message;
  errors.message[0] = '\0';
  if (setjmp(errors.escape)) {
    snprintf(band->error, sizeof band->error, "%s", errors.message);
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
  if (helper) {
    const JDIMENSION split = split_row(&decoder, job);
    if (split) {
      *helper = (Band){.job = job, .from = split, .to = decoder.image_height};
      if (helper_start(decode_band, helper)) {
        band->helper = HELPER_POSTED;
        band->to = split;
      }
    }
  }
  jpeg_start_decompress(&decoder);
  const size_t stride = (size_t)decoder.output_width * (size_t)decoder.output_components;
  if (stride * decoder.output_height != base->length) {
    snprintf(band->error, sizeof band->error,
             "the image is %ux%u with %d components, not the size its header gave",
             decoder.output_width, decoder.output_height, decoder.output_components);
    jpeg_destroy_decompress(&decoder);
    return;
  }
  const JDIMENSION to = band->to < decoder.output_height ? band->to : decoder.output_height;
  if (band->from > 0 && jpeg_skip_scanlines(&decoder, band->from) != band->from) {
    snprintf(band->error, sizeof band->error, "the JPEG data ends before row %u", band->from);
    jpeg_destroy_decompress(&decoder);
    return;
  }
  read_rows(&decoder, base->out, stride, to);
  // Rows the helper has not begun are read on here, with no skipping.
  if (band->helper == HELPER_POSTED) {
    band->helper = HELPER_DONE;
    if (helper_withdraw_or_wait()) read_rows(&decoder, base->out, stride, decoder.output_height);
  }
  // The band that reaches the end reads the file to its end marker (a truncated file fails).
  if (decoder.output_scanline == decoder.output_height) jpeg_finish_decompress(&decoder);
  jpeg_destroy_decompress(&decoder);
}

static void decode_band(void* argument) { run_band(argument, NULL); }

static void decode(PixelJob* base) {
  DecodeJob* job = (DecodeJob*)base;
  Band top = {.job = job, .from = 0, .to = (JDIMENSION)-1};
  Band bottom = {.job = job};
  run_band(&top, &bottom);
  if (top.helper == HELPER_POSTED) helper_withdraw_or_wait();  // after an error
  const char* error = top.error[0] ? top.error : bottom.error;
  snprintf(base->error, sizeof base->error, "%s", error);
  atomic_fetch_sub(&decodes_in_flight, 1);
}

napi_value decode_jpeg(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false;
  napi_typedarray_type type;
  void* jpeg = NULL;
  size_t jpeg_length = 0;
  int64_t width, height;
  int32_t channels, max_scans, threads;
  if (argc != 6 || napi_is_typedarray(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_typedarray_info(env, argv[0], &type, &jpeg_length, &jpeg, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || napi_get_value_int64(env, argv[1], &width) != napi_ok ||
      napi_get_value_int64(env, argv[2], &height) != napi_ok ||
      napi_get_value_int32(env, argv[3], &channels) != napi_ok ||
      napi_get_value_int32(env, argv[4], &max_scans) != napi_ok ||
      napi_get_value_int32(env, argv[5], &threads) != napi_ok || width < 1 || width > 65535 ||
      height < 1 || height > 65535 || (channels != 3 && channels != 4) || max_scans < 1 ||
      threads < 1 || threads > 2)
    return throw_type_error(
        env,
        "decodeJpeg takes JPEG data (a Uint8Array), width and height (1 to "
        "65535), channels (3 or 4), a scan limit (1 or more) and threads (1 or 2)");
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
  job->threads = threads;
  atomic_fetch_add(&decodes_in_flight, 1);
  return queue_pixel_job(env, &job->base, argv[0], "clipscope-jpeg-decode");
}
