// JPEG decoding for Node (see jpeg_decode.c).
#ifndef CLIPSCOPE_JPEG_DECODE_H
#define CLIPSCOPE_JPEG_DECODE_H

#include <node_api.h>

napi_value decode_jpeg(napi_env env, napi_callback_info info);

#endif
