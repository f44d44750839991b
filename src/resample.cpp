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
    case ResampleFilter::kLanczos:
      return {LanczosFilter, 3.0};
    case ResampleFilter::kBilinear:
      return {BilinearFilter, 1.0};
    case ResampleFilter::kBox:
      return {BoxFilter, 0.5};
    case ResampleFilter::kHamming:
      return {HammingFilter, 1.0};
    case ResampleFilter::kBicubic:
      break;
  }
  return {BicubicFilter, 2.0};
}

inline uint8_t Clip8(int32_t sum) {
  // Pillow: an arithmetic shift then a table for -640..639; the table is a clamp.
  return uint8_t(std::clamp(sum >> kPrecisionBits, 0, 255));
}

// One output pixel of the horizontal pass: out[c] from in[(first + x) * C + c], for the first
// OutC channels (OutC < C drops alpha).
template <int C, int OutC = C>
void HorizontalPixel(const uint8_t* in, int xx, const ResampleCoefficients& co, uint8_t* out) {
  const int32_t* k = &co.weights[size_t(xx) * co.taps];
  const uint8_t* p = in + size_t(co.first[xx]) * C;
  int32_t ss[C];
  for (int c = 0; c < C; ++c) ss[c] = 1 << (kPrecisionBits - 1);
  for (int x = 0; x < co.count[xx]; ++x) {
    for (int c = 0; c < C; ++c) ss[c] += int32_t(p[x * C + c]) * k[x];
  }
  for (int c = 0; c < OutC; ++c) out[c] = Clip8(ss[c]);
}

// Output columns [x0, x1) of one row, from out's start.
template <int C, int OutC = C>
void HorizontalRow(const uint8_t* in, int x0, int x1, const ResampleCoefficients& co,
                   uint8_t* out) {
  for (int xx = x0; xx < x1; ++xx)
    HorizontalPixel<C, OutC>(in, xx, co, out + size_t(xx - x0) * OutC);
}

#if defined(CLIPSCOPE_SIMD_PAIR_RESAMPLE)
// Weights split as k = hi * 2048 + lo with lo in [0, 2048), as int16 lanes for two taps at a
// time, so two int16 dot products per pair of taps give Pillow's exact int32 sum:
// |hi| < 4096 keeps every partial sum far inside int32. Layout: [output][pair][8 lanes:
// k0 k1 k0 k1 k0 k1 k0 k1], for outputs [x0, x1).
void SplitWeights(ResamplePlan* plan, int x0, int x1) {
  const ResampleCoefficients& co = plan->horizontal;
  plan->pairs = (co.taps + 1) / 2;
  plan->pair_hi.resize(size_t(x1 - x0) * plan->pairs * 8),
      plan->pair_lo.resize(plan->pair_hi.size());
  for (int xx = x0; xx < x1; ++xx) {
    const int32_t* k = &co.weights[size_t(xx) * co.taps];
    for (int j = 0; j < plan->pairs; ++j) {
      const int32_t k0 = k[2 * j], k1 = 2 * j + 1 < co.taps ? k[2 * j + 1] : 0;
      int16_t* h = &plan->pair_hi[(size_t(xx - x0) * plan->pairs + j) * 8];
      int16_t* l = &plan->pair_lo[(size_t(xx - x0) * plan->pairs + j) * 8];
      for (int lane = 0; lane < 8; lane += 2) {
        h[lane] = int16_t(k0 >> 11), h[lane + 1] = int16_t(k1 >> 11);
        l[lane] = int16_t(k0 & 2047), l[lane + 1] = int16_t(k1 & 2047);
      }
    }
  }
}

// Two rows at once (in0, in1 -> out0, out1): each weight vector is loaded once for both.
// Output columns [x0, x1) go to out0 and out1 from their start, OutC channels each.
template <int C, int OutC = C>
void HorizontalRows(const uint8_t* in0, const uint8_t* in1, size_t row_bytes, uint8_t* out0,
                    uint8_t* out1, int x0, int x1, const ResamplePlan& plan) {
  const ResampleCoefficients& co = plan.horizontal;
  for (int xx = x0; xx < x1; ++xx) {
    const size_t at = size_t(xx - x0) * OutC;
    const int pairs = (co.count[xx] + 1) / 2;
    const size_t start = size_t(co.first[xx]) * C;
    // Each load reads 8 bytes; near the row's end the scalar path avoids reading past it.
    if (start + size_t(pairs - 1) * 2 * C + 8 > row_bytes) {
      HorizontalPixel<C, OutC>(in0, xx, co, out0 + at);
      HorizontalPixel<C, OutC>(in1, xx, co, out1 + at);
      continue;
    }
    const int16_t* h = &plan.pair_hi[size_t(xx - x0) * plan.pairs * 8];
    const int16_t* l = &plan.pair_lo[size_t(xx - x0) * plan.pairs * 8];
    simd::I32x4 hi0 = simd::SplatI32(0), lo0 = hi0, hi1 = hi0, lo1 = hi0;
    for (int j = 0; j < pairs; ++j) {
      const simd::I16x8 wh = simd::LoadI16x8(h + j * 8), wl = simd::LoadI16x8(l + j * 8);
      const simd::I16x8 p0 = simd::PairChannels<C>(in0 + start + size_t(j) * 2 * C);
      const simd::I16x8 p1 = simd::PairChannels<C>(in1 + start + size_t(j) * 2 * C);
      hi0 = simd::AddI32(hi0, simd::DotPairs(p0, wh)),
      lo0 = simd::AddI32(lo0, simd::DotPairs(p0, wl));
      hi1 = simd::AddI32(hi1, simd::DotPairs(p1, wh)),
      lo1 = simd::AddI32(lo1, simd::DotPairs(p1, wl));
    }
    alignas(16) int32_t s0[4], s1[4];
    simd::StoreI32x4(s0, simd::AddI32(simd::ShlI32(hi0, 11), lo0));
    simd::StoreI32x4(s1, simd::AddI32(simd::ShlI32(hi1, 11), lo1));
    for (int c = 0; c < OutC; ++c) {
      out0[at + c] = Clip8(s0[c] + (1 << (kPrecisionBits - 1)));
      out1[at + c] = Clip8(s1[c] + (1 << (kPrecisionBits - 1)));
    }
  }
}
#endif

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
      co.weights[size_t(xx) * co.taps + x] = v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits))
                                                   : int32_t(0.5 + v * (1 << kPrecisionBits));
    }
    co.first[xx] = xmin, co.count[xx] = xmax;
  }
  return co;
}

ResamplePlan PlanResample(int in_width, int in_height, int channels, int out_width, int out_height,
                          ResampleFilter filter, ResampleWindow window, bool drop_alpha) {
  ResamplePlan plan;
  plan.in_width = in_width, plan.in_height = in_height, plan.channels = channels;
  plan.window = window;
  plan.horizontal_pass = out_width != in_width;
  plan.vertical_pass = out_height != in_height;
  // Alpha goes in the horizontal pass, so the vertical one has a quarter less to do.
  plan.out_channels = plan.horizontal_pass && drop_alpha && channels == 4 ? 3 : channels;
  plan.row_bytes = size_t(window.width) * plan.out_channels;
  const int y0 = window.top, y1 = window.top + window.height;
  if (plan.vertical_pass) {
    plan.vertical = ComputeCoefficients(in_height, out_height, filter);
    plan.row_first = plan.vertical.first[y0];
    plan.row_last = plan.vertical.first[y1 - 1] + plan.vertical.count[y1 - 1];
    for (int& first : plan.vertical.first) first -= plan.row_first;
  } else {
    plan.row_first = y0, plan.row_last = y1;
  }
  if (plan.horizontal_pass) {
    plan.horizontal = ComputeCoefficients(in_width, out_width, filter);
#if defined(CLIPSCOPE_SIMD_PAIR_RESAMPLE)
    SplitWeights(&plan, window.left, window.left + window.width);
#endif
  }
  return plan;
}

void NarrowToRows(ResamplePlan* plan, int top, int height) {
  plan->window.top = top, plan->window.height = height;
  if (plan->vertical_pass) {
    // vertical.first counts from the first row read: the plan's until now, the band's after.
    std::vector<int>& firsts = plan->vertical.first;
    const int old_first = plan->row_first;
    plan->row_first = firsts[top] + old_first;
    plan->row_last = firsts[top + height - 1] + plan->vertical.count[top + height - 1] + old_first;
    for (int& row : firsts) row += old_first - plan->row_first;
  } else {
    plan->row_first = top, plan->row_last = top + height;
  }
}

void RunResample(const ResamplePlan& plan, const ImageView& in, uint8_t* horizontal, uint8_t* out) {
  const int c = plan.channels, out_c = plan.out_channels;
  const int x0 = plan.window.left, x1 = plan.window.left + plan.window.width;
  const int y0 = plan.window.top, y1 = plan.window.top + plan.window.height;
  const size_t row_bytes = plan.row_bytes;
  const int row_first = plan.row_first, row_last = plan.row_last;
  ImageView src = in;
  // 1. Horizontal pass (if the width changes), over only the rows the vertical pass reads.
  if (plan.horizontal_pass) {
    const size_t in_row_bytes = size_t(in.width) * c;
    int y = row_first;
#if defined(CLIPSCOPE_SIMD_PAIR_RESAMPLE)
    for (; c != 1 && y + 2 <= row_last; y += 2) {
      const uint8_t* row = in.pixels + size_t(y) * in.stride;
      uint8_t* to = horizontal + size_t(y - row_first) * row_bytes;
      auto rows = c == 3       ? HorizontalRows<3>
                  : out_c == 3 ? HorizontalRows<4, 3>
                               : HorizontalRows<4>;
      rows(row, row + in.stride, in_row_bytes, to, to + row_bytes, x0, x1, plan);
    }
#endif
    for (; y < row_last; ++y) {
      const uint8_t* row = in.pixels + size_t(y) * in.stride;
      uint8_t* to = horizontal + size_t(y - row_first) * row_bytes;
      auto pixels = c == 1       ? HorizontalRow<1>
                    : c == 3     ? HorizontalRow<3>
                    : out_c == 3 ? HorizontalRow<4, 3>
                                 : HorizontalRow<4>;
      pixels(row, x0, x1, plan.horizontal, to);
    }
    src = {horizontal, plan.window.width, row_last - row_first, out_c, row_bytes};
  } else {
    src.pixels += size_t(row_first) * in.stride + size_t(x0) * c;
  }
  // 2. Vertical pass (if the height changes), else the rows are copied as they are.
  const ResampleCoefficients& vertical = plan.vertical;
  for (int yy = y0; yy < y1; ++yy) {
    uint8_t* to = out + size_t(yy - y0) * row_bytes;
    if (plan.vertical_pass) {
      VerticalRow(src.pixels, src.stride, row_bytes, vertical.first[yy], vertical.count[yy],
                  &vertical.weights[size_t(yy) * vertical.taps], to);
    } else {
      std::memcpy(to, src.pixels + size_t(yy - y0) * src.stride, row_bytes);
    }
  }
}

int Resample(const ImageView& in, int out_width, int out_height, ResampleFilter filter,
             ResampleScratch* scratch, ResampleWindow window, bool drop_alpha) {
  const ResamplePlan plan = PlanResample(in.width, in.height, in.channels, out_width, out_height,
                                         filter, window, drop_alpha);
  scratch->horizontal.resize(plan.HorizontalBytes());
  scratch->out.resize(plan.OutBytes());
  RunResample(plan, in, scratch->horizontal.data(), scratch->out.data());
  return plan.out_channels;
}

void Resample(const ImageView& in, int out_width, int out_height, ResampleFilter filter,
              ResampleScratch* scratch) {
  Resample(in, out_width, out_height, filter, scratch, {0, 0, out_width, out_height});
}

}  // namespace clipscope
