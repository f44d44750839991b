#include "resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "simd.h"

namespace clipscope {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow: 8 bits of result, 2 for overflow

double BoxFilter(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }
double BilinearFilter(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
double HammingFilter(double x) {
  x = std::fabs(x);
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x = x * M_PI;
  return std::sin(x) / x * (0.54f + 0.46f * std::cos(x));  // Pillow's float constants
}
double BicubicFilter(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}
double Sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * M_PI;
  return std::sin(x) / x;
}
double LanczosFilter(double x) { return -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0; }

struct Filter {
  double (*weight)(double);
  double support;
};

Filter FilterOf(ResampleFilter filter) {
  switch (filter) {
    case ResampleFilter::kLanczos: return {LanczosFilter, 3.0};
    case ResampleFilter::kBilinear: return {BilinearFilter, 1.0};
    case ResampleFilter::kBox: return {BoxFilter, 0.5};
    case ResampleFilter::kHamming: return {HammingFilter, 1.0};
    case ResampleFilter::kBicubic: break;
  }
  return {BicubicFilter, 2.0};
}

inline uint8_t Clip8(int32_t sum) {
  // Pillow: an arithmetic shift then a table for -640..639; the table is a clamp.
  return uint8_t(std::clamp(sum >> kPrecisionBits, 0, 255));
}

// One output row of the horizontal pass: out[xx * C + c] from in[(first + x) * C + c].
template <int C>
void HorizontalRow(const uint8_t* in, uint8_t* out, int out_width, const ResampleCoefficients& co) {
  for (int xx = 0; xx < out_width; ++xx) {
    const int32_t* k = &co.weights[size_t(xx) * co.taps];
    const uint8_t* p = in + size_t(co.first[xx]) * C;
    int32_t ss[C];
    for (int c = 0; c < C; ++c) ss[c] = 1 << (kPrecisionBits - 1);
    for (int x = 0; x < co.count[xx]; ++x) {
      for (int c = 0; c < C; ++c) ss[c] += int32_t(p[x * C + c]) * k[x];
    }
    for (int c = 0; c < C; ++c) out[size_t(xx) * C + c] = Clip8(ss[c]);
  }
}

// One output row of the vertical pass: every byte of the row (channels do not matter),
// out[i] = sum over y of rows[first + y][i] * k[y].
void VerticalRow(const uint8_t* in, size_t stride, size_t row_bytes, int first, int count,
                 const int32_t* k, uint8_t* out) {
  const uint8_t* base = in + size_t(first) * stride;
  size_t i = 0;
#if defined(CLIPSCOPE_SIMD_WASM) || defined(CLIPSCOPE_SIMD_SSE2)
  // Eight bytes at a time: widen to two int32x4 lanes, multiply by the broadcast weight.
  for (; i + 8 <= row_bytes; i += 8) {
    simd::I32x4 lo = simd::SplatI32(1 << (kPrecisionBits - 1)), hi = lo;
    for (int y = 0; y < count; ++y) {
      simd::WidenU8x8MulAdd(base + size_t(y) * stride + i, k[y], &lo, &hi);
    }
    simd::StoreClippedU8x8(lo, hi, kPrecisionBits, out + i);
  }
#endif
  for (; i < row_bytes; ++i) {
    int32_t ss = 1 << (kPrecisionBits - 1);
    for (int y = 0; y < count; ++y) ss += int32_t(base[size_t(y) * stride + i]) * k[y];
    out[i] = Clip8(ss);
  }
}

}  // namespace

bool IsSupportedFilter(int filter) { return filter >= 1 && filter <= 5; }

ResampleCoefficients ComputeCoefficients(int in_size, int out_size, ResampleFilter filter) {
  // Pillow's precompute_coeffs + normalize_coeffs_8bpc, step for step:
  // 1. scale = in / out; the filter widens by the scale when downsampling (antialiasing);
  // 2. output i is centred at (i + 0.5) * scale and reads inputs within the support,
  //    bounds rounded as (int)(x + 0.5);
  // 3. weights are normalised to sum 1, then to 22-bit fixed point rounding half away from 0.
  const Filter f = FilterOf(filter);
  const double scale = double(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = f.support * filter_scale;
  ResampleCoefficients co;
  co.taps = int(std::ceil(support)) * 2 + 1;
  co.first.resize(out_size), co.count.resize(out_size);
  co.weights.assign(size_t(out_size) * co.taps, 0);
  std::vector<double> w(co.taps);
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filter_scale;
    int xmin = int(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = f.weight((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[x] / ww : w[x];
      co.weights[size_t(xx) * co.taps + x] =
          v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
    }
    co.first[xx] = xmin, co.count[xx] = xmax;
  }
  return co;
}

void Resample(const ImageView& in, int out_width, int out_height, ResampleFilter filter,
              ResampleScratch* scratch) {
  const int c = in.channels;
  ImageView src = in;
  // 1. Horizontal pass (if the width changes), over only the rows the vertical pass reads.
  ResampleCoefficients vertical = ComputeCoefficients(in.height, out_height, filter);
  const int row_first = vertical.first[0];
  const int row_last = vertical.first[out_height - 1] + vertical.count[out_height - 1];
  if (out_width != in.width) {
    ResampleCoefficients horizontal = ComputeCoefficients(in.width, out_width, filter);
    const size_t row_bytes = size_t(out_width) * c;
    scratch->horizontal.resize(row_bytes * (row_last - row_first));
    for (int y = row_first; y < row_last; ++y) {
      const uint8_t* row = in.pixels + size_t(y) * in.stride;
      uint8_t* out = &scratch->horizontal[(y - row_first) * row_bytes];
      if (c == 1) HorizontalRow<1>(row, out, out_width, horizontal);
      else if (c == 3) HorizontalRow<3>(row, out, out_width, horizontal);
      else HorizontalRow<4>(row, out, out_width, horizontal);
    }
    src = {scratch->horizontal.data(), out_width, row_last - row_first, c, row_bytes};
    for (int& first : vertical.first) first -= row_first;
  } else {
    src.pixels += size_t(row_first) * in.stride;
    for (int& first : vertical.first) first -= row_first;
  }
  // 2. Vertical pass (if the height changes), else the rows are copied as they are.
  const size_t row_bytes = size_t(out_width) * c;
  scratch->out.resize(row_bytes * out_height);
  for (int yy = 0; yy < out_height; ++yy) {
    uint8_t* out = &scratch->out[yy * row_bytes];
    if (out_height != in.height) {
      VerticalRow(src.pixels, src.stride, row_bytes, vertical.first[yy], vertical.count[yy],
                  &vertical.weights[size_t(yy) * vertical.taps], out);
    } else {
      std::memcpy(out, src.pixels + size_t(yy) * src.stride, row_bytes);
    }
  }
}

}  // namespace clipscope
