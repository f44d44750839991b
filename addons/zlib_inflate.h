// zlib inflation for Node's PNG decoding (see zlib_inflate.c).
#ifndef CLIPSCOPE_ZLIB_INFLATE_H
#define CLIPSCOPE_ZLIB_INFLATE_H

#include <node_api.h>

napi_value inflate_zlib(napi_env env, napi_callback_info info);

#endif
