// clipscope's Node addon (N-API, so one build serves every Node version): JPEG decoding with
// libjpeg-turbo and PNG inflation with zlib, the libraries Pillow calls, on libuv's threads.
#include <node_api.h>

#include "jpeg_decode.h"
#include "zlib_inflate.h"

NAPI_MODULE_INIT() {
  napi_value function;
  napi_create_function(env, "decodeJpeg", NAPI_AUTO_LENGTH, decode_jpeg, NULL, &function);
  napi_set_named_property(env, exports, "decodeJpeg", function);
  napi_create_function(env, "inflateZlib", NAPI_AUTO_LENGTH, inflate_zlib, NULL, &function);
  napi_set_named_property(env, exports, "inflateZlib", function);
  return exports;
}
