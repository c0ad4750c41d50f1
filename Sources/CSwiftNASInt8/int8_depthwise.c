// Depthwise convolution of uint8 levels with int8 kernels, exact int32 sums, finished by int8_output.h.
//
// Each vector kernel works on one image × one group of channels at a time. It first lays the group's input out
// in a tile whose entry at (row, column j) holds, for every channel of the group, the input at columns j, j+1, …
// (four uint8 for VNNI, two int16 for AVX2) side by side — the operands of one multiply-add instruction over that
// many horizontally adjacent taps. Then every output pixel is k rows × ⌈k/4⌉ (or ⌈k/2⌉) instructions on tile entries
// and packed weights, four output pixels at a time so each weight load serves four independent accumulators.
// Padding is the level zero_point (VNNI: its products are taken out with the weights' sum) or 0 after subtracting
// zero_point (AVX2), so it contributes nothing, and taps past k have weight 0.
#include "CSwiftNASInt8.h"
#include "int8_output.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// The kernel that runs for `kernel`: itself if the CPU has it, else the plain loops (packing and running agree).
static swiftnas_int8_kernel runnable(swiftnas_int8_kernel kernel) {
    return swiftnas_int8_kernel_available(kernel) ? kernel : SWIFTNAS_INT8_SCALAR;
}

/// Channels per group and horizontal taps per instruction of each kernel's packed layout.
static int group_width(swiftnas_int8_kernel kernel) { return kernel == SWIFTNAS_INT8_AVX512_VNNI ? 16 : 8; }
static int taps_per_step(swiftnas_int8_kernel kernel) { return kernel == SWIFTNAS_INT8_AVX512_VNNI ? 4 : 2; }

int swiftnas_depthwise_output_size(const swiftnas_depthwise_geometry *g, int size) {
    return (size + 2 * g->padding - g->kernel) / g->stride + 1;
}

size_t swiftnas_int8_depthwise_packed_size(swiftnas_int8_kernel kernel, int channels, int kernel_size) {
    kernel = runnable(kernel);
    if (kernel == SWIFTNAS_INT8_SCALAR) return (size_t)kernel_size * kernel_size * channels;
    int width = group_width(kernel), per = taps_per_step(kernel);
    size_t groups = (size_t)(channels + width - 1) / width, steps = (size_t)(kernel_size + per - 1) / per;
    // VNNI: int8 weights; AVX2: int16.
    size_t element = kernel == SWIFTNAS_INT8_AVX2 ? 2 : 1;
    return groups * kernel_size * steps * width * per * element;
}

void swiftnas_int8_depthwise_pack(swiftnas_int8_kernel kernel, int channels, int kernel_size, const int8_t *weights,
                                  int8_t *packed) {
    kernel = runnable(kernel);
    int k = kernel_size;
    if (kernel == SWIFTNAS_INT8_SCALAR) {
        memcpy(packed, weights, (size_t)k * k * channels);
        return;
    }
    // [group][ky][step][channel of the group][tap of the step], zero past k and past the channels.
    int width = group_width(kernel), per = taps_per_step(kernel);
    int groups = (channels + width - 1) / width, steps = (k + per - 1) / per;
    int16_t *wide = (int16_t *)packed;
    size_t at = 0;
    for (int group = 0; group < groups; group++)
        for (int ky = 0; ky < k; ky++)
            for (int step = 0; step < steps; step++)
                for (int lane = 0; lane < width; lane++)
                    for (int t = 0; t < per; t++, at++) {
                        int c = group * width + lane, kx = step * per + t;
                        int8_t w = (c < channels && kx < k) ? weights[(size_t)(ky * k + kx) * channels + c] : 0;
                        if (kernel == SWIFTNAS_INT8_AVX2) wide[at] = w; else packed[at] = w;
                    }
}

/// Calls `body(image, first, end)` for the runs of output rows `first ..< end` of one image that make up output
/// rows `first_row ..< first_row + rows` of the batch.
#define FOR_EACH_IMAGE_RUN(first_row, rows, out_height, ...)                                            \
    for (int row_ = (first_row); row_ < (first_row) + (rows);) {                                         \
        int image = row_ / (out_height), first = row_ % (out_height), left_ = (first_row) + (rows) - row_; \
        int end = first + left_ < (out_height) ? first + left_ : (out_height);                            \
        __VA_ARGS__                                                                                      \
        row_ += end - first;                                                                             \
    }

static void depthwise_scalar(const swiftnas_depthwise_geometry *g, const uint8_t *input, int32_t zero,
                             const int8_t *w, int first_row, int rows, const swiftnas_int8_output *o) {
    int c = g->channels, k = g->kernel, s = g->stride, p = g->padding;
    int ho = swiftnas_depthwise_output_size(g, g->height), wo = swiftnas_depthwise_output_size(g, g->width);
    int32_t *acc = malloc((size_t)c * sizeof(int32_t));
    if (!acc) return;
    FOR_EACH_IMAGE_RUN(first_row, rows, ho, {
        const uint8_t *x = input + (size_t)image * g->height * g->width * c;
        for (int oy = first; oy < end; oy++)
            for (int ox = 0; ox < wo; ox++) {
                memset(acc, 0, (size_t)c * sizeof(int32_t));
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * s - p + ky;
                    if (iy < 0 || iy >= g->height) continue;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * s - p + kx;
                        if (ix < 0 || ix >= g->width) continue;
                        const uint8_t *pixel = x + ((size_t)iy * g->width + ix) * c;
                        const int8_t *tap = w + (size_t)(ky * k + kx) * c;
                        for (int ch = 0; ch < c; ch++) acc[ch] += ((int32_t)pixel[ch] - zero) * tap[ch];
                    }
                }
                finish_scalar(o, acc, ((size_t)image * ho + oy) * wo + ox, 0, c);
            }
    })
    free(acc);
}

#if defined(__x86_64__)
/// The tile of one image's group: entry (t, j) for input row `top + t` and input column `j − padding`.
typedef struct {
    void *entries;
    int columns;  // entries per row: (wo − 1)·s + k
} tile;

// MARK: AVX-512 VNNI: groups of 16 channels, four taps per vpdpbusd.

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/// Fills tile rows for input rows `top ..< top + count` (outside the image: zero_point) of the 16 channels from `c0`
/// (`mask` of them present). Entry (t, j) is 64 bytes: channel l's inputs at columns j … j+3 in bytes 4l … 4l+3.
VNNI_TARGET static void vnni_fill(tile *tl, const swiftnas_depthwise_geometry *g, const uint8_t *x, int c0,
                                  __mmask16 mask, uint8_t zero, int top, int count, __m128i *raw) {
    const __m128i z = _mm_set1_epi8((char)zero);
    int width = tl->columns + 3;
    for (int t = 0; t < count; t++) {
        int iy = top + t;
        if (iy < 0 || iy >= g->height) {
            for (int j = 0; j < width; j++) raw[j] = z;
        } else {
            const uint8_t *source = x + (size_t)iy * g->width * g->channels + c0;
            for (int j = 0; j < width; j++) {
                int ix = j - g->padding;
                raw[j] = (ix >= 0 && ix < g->width) ? _mm_mask_loadu_epi8(z, mask, source + (size_t)ix * g->channels) : z;
            }
        }
        __m128i *out = (__m128i *)tl->entries + (size_t)t * tl->columns * 4;
        for (int j = 0; j < tl->columns; j++) {
            __m128i ab0 = _mm_unpacklo_epi8(raw[j], raw[j + 1]), ab1 = _mm_unpackhi_epi8(raw[j], raw[j + 1]);
            __m128i cd0 = _mm_unpacklo_epi8(raw[j + 2], raw[j + 3]), cd1 = _mm_unpackhi_epi8(raw[j + 2], raw[j + 3]);
            _mm_storeu_si128(out + 4 * j, _mm_unpacklo_epi16(ab0, cd0));
            _mm_storeu_si128(out + 4 * j + 1, _mm_unpackhi_epi16(ab0, cd0));
            _mm_storeu_si128(out + 4 * j + 2, _mm_unpacklo_epi16(ab1, cd1));
            _mm_storeu_si128(out + 4 * j + 3, _mm_unpackhi_epi16(ab1, cd1));
        }
    }
}

/// Output rows `0 ..< rows` of a filled tile (its row 0 is the first output row's top tap row) for kernel k, stride s;
/// `start` holds −zero_point · Σ w per channel; each output row's sums gather in `sums` (wo vectors) and are finished
/// together into output pixels from `pixel`.
VNNI_TARGET __attribute__((always_inline)) static inline void vnni_rows(
    const tile *tl, const int8_t *w, __m512i start, int k, int s, int rows, int wo, __m512i *sums,
    const swiftnas_int8_output *o, size_t pixel, int c0, __mmask16 mask) {
    const int steps = (k + 3) / 4;
    const size_t step = 64, across = (size_t)s * step;
    for (int oy = 0; oy < rows; oy++, pixel += wo) {
        const uint8_t *row = (const uint8_t *)tl->entries + (size_t)oy * s * tl->columns * step;
        int ox = 0;
        for (; ox + 4 <= wo; ox += 4) {
            __m512i a0 = start, a1 = start, a2 = start, a3 = start;
            for (int ky = 0; ky < k; ky++) {
                const uint8_t *e = row + ((size_t)ky * tl->columns + (size_t)ox * s) * step;
                for (int q = 0; q < steps; q++) {
                    const __m512i wq = _mm512_loadu_si512(w + (ky * steps + q) * 64);
                    const uint8_t *p = e + (size_t)q * 4 * step;
                    a0 = _mm512_dpbusd_epi32(a0, _mm512_loadu_si512(p), wq);
                    a1 = _mm512_dpbusd_epi32(a1, _mm512_loadu_si512(p + across), wq);
                    a2 = _mm512_dpbusd_epi32(a2, _mm512_loadu_si512(p + 2 * across), wq);
                    a3 = _mm512_dpbusd_epi32(a3, _mm512_loadu_si512(p + 3 * across), wq);
                }
            }
            _mm512_store_si512(sums + ox, a0);
            _mm512_store_si512(sums + ox + 1, a1);
            _mm512_store_si512(sums + ox + 2, a2);
            _mm512_store_si512(sums + ox + 3, a3);
        }
        for (; ox < wo; ox++) {
            __m512i a0 = start;
            for (int ky = 0; ky < k; ky++) {
                const uint8_t *e = row + ((size_t)ky * tl->columns + (size_t)ox * s) * step;
                for (int q = 0; q < steps; q++)
                    a0 = _mm512_dpbusd_epi32(a0, _mm512_loadu_si512(e + (size_t)q * 4 * step),
                                             _mm512_loadu_si512(w + (ky * steps + q) * 64));
            }
            _mm512_store_si512(sums + ox, a0);
        }
        finish_avx512(o, sums, wo, pixel, 1, c0, mask);
    }
}

/// vnni_rows with the common kernels and strides as constants (the loops over taps unroll).
VNNI_TARGET static void vnni_rows_dispatch(const tile *tl, const int8_t *w, __m512i start, int k, int s, int rows, int wo,
                                           __m512i *sums, const swiftnas_int8_output *o, size_t pixel, int c0, __mmask16 mask) {
#define VNNI_CASE(K, S) if (k == K && s == S) { vnni_rows(tl, w, start, K, S, rows, wo, sums, o, pixel, c0, mask); return; }
    VNNI_CASE(3, 1) VNNI_CASE(3, 2) VNNI_CASE(5, 1) VNNI_CASE(5, 2) VNNI_CASE(7, 1) VNNI_CASE(7, 2)
#undef VNNI_CASE
    vnni_rows(tl, w, start, k, s, rows, wo, sums, o, pixel, c0, mask);
}

VNNI_TARGET static void depthwise_vnni(const swiftnas_depthwise_geometry *g, const uint8_t *input, int32_t zero,
                                       const int8_t *packed, int first_row, int rows, const swiftnas_int8_output *o) {
    int c = g->channels, k = g->kernel, s = g->stride, steps = (k + 3) / 4, groups = (c + 15) / 16;
    int ho = swiftnas_depthwise_output_size(g, g->height), wo = swiftnas_depthwise_output_size(g, g->width);
    int most = rows < ho ? rows : ho;
    tile tl = {.columns = (wo - 1) * s + k};
    size_t tile_rows = (size_t)(most - 1) * s + k;
    tl.entries = malloc(tile_rows * tl.columns * 64);
    __m128i *raw = malloc((size_t)(tl.columns + 3) * sizeof(__m128i));
    __m512i *sums = aligned_alloc(64, (size_t)wo * sizeof(__m512i));
    if (!tl.entries || !raw || !sums) { free(tl.entries); free(raw); free(sums); return; }
    const __m512i ones = _mm512_set1_epi8(1), zero_points = _mm512_set1_epi32(zero);
    FOR_EACH_IMAGE_RUN(first_row, rows, ho, {
        const uint8_t *x = input + (size_t)image * g->height * g->width * c;
        for (int group = 0; group < groups; group++) {
            int c0 = group * 16;
            __mmask16 mask = lanes_mask(c - c0);
            const int8_t *w = packed + (size_t)group * k * steps * 64;
            // Σ w per channel (padding and taps past k hold zeros), so every tap can add x_q · w.
            __m512i weight_sums = _mm512_setzero_si512();
            for (int i = 0; i < k * steps; i++) weight_sums = _mm512_dpbusd_epi32(weight_sums, ones, _mm512_loadu_si512(w + i * 64));
            __m512i start = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_mullo_epi32(zero_points, weight_sums));
            vnni_fill(&tl, g, x, c0, mask, (uint8_t)zero, first * s - g->padding, (end - first - 1) * s + k, raw);
            vnni_rows_dispatch(&tl, w, start, k, s, end - first, wo, sums, o, ((size_t)image * ho + first) * wo, c0, mask);
        }
    })
    free(tl.entries);
    free(raw);
    free(sums);
}

// MARK: AVX2: groups of 8 channels, two taps per vpmaddwd in int16.

#define AVX2_TARGET __attribute__((target("avx2,fma")))

/// Fills tile rows for input rows `top ..< top + count` of the `lanes` (≤ 8) channels from `c0`, less zero_point
/// (outside the image and past the channels: 0). Entry (t, j) is 32 bytes: channel l's inputs at columns j, j+1 as
/// int16 at 2l, 2l+1.
AVX2_TARGET static void avx2_fill(tile *tl, const swiftnas_depthwise_geometry *g, const uint8_t *x, int c0, int lanes,
                                  int32_t zero, int top, int count, __m128i *raw) {
    const __m128i z = _mm_set1_epi16((short)zero);
    int width = tl->columns + 1;
    for (int t = 0; t < count; t++) {
        int iy = top + t;
        const uint8_t *source = x + (size_t)iy * g->width * g->channels + c0;
        for (int j = 0; j < width; j++) {
            int ix = j - g->padding;
            if (iy < 0 || iy >= g->height || ix < 0 || ix >= g->width) {
                raw[j] = _mm_setzero_si128();
            } else if (lanes == 8) {
                raw[j] = _mm_sub_epi16(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(source + (size_t)ix * g->channels))), z);
            } else {
                int16_t v[8] = {0};
                for (int l = 0; l < lanes; l++) v[l] = (int16_t)(source[(size_t)ix * g->channels + l] - zero);
                raw[j] = _mm_loadu_si128((const __m128i *)v);
            }
        }
        __m128i *out = (__m128i *)tl->entries + (size_t)t * tl->columns * 2;
        for (int j = 0; j < tl->columns; j++) {
            _mm_storeu_si128(out + 2 * j, _mm_unpacklo_epi16(raw[j], raw[j + 1]));
            _mm_storeu_si128(out + 2 * j + 1, _mm_unpackhi_epi16(raw[j], raw[j + 1]));
        }
    }
}

/// As vnni_rows: each output row's sums gather in `sums` (wo vectors) and are finished together.
AVX2_TARGET __attribute__((always_inline)) static inline void avx2_rows(
    const tile *tl, const int16_t *w, int k, int s, int rows, int wo, __m256i *sums, const swiftnas_int8_output *o,
    size_t pixel, int c0, int lanes) {
    const int steps = (k + 1) / 2;
    const size_t step = 32, across = (size_t)s * step;
    for (int oy = 0; oy < rows; oy++, pixel += wo) {
        const uint8_t *row = (const uint8_t *)tl->entries + (size_t)oy * s * tl->columns * step;
        int ox = 0;
        for (; ox + 4 <= wo; ox += 4) {
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            for (int ky = 0; ky < k; ky++) {
                const uint8_t *e = row + ((size_t)ky * tl->columns + (size_t)ox * s) * step;
                for (int q = 0; q < steps; q++) {
                    const __m256i wq = _mm256_loadu_si256((const __m256i *)(w + (ky * steps + q) * 16));
                    const uint8_t *p = e + (size_t)q * 2 * step;
                    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)p), wq));
                    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(p + across)), wq));
                    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(p + 2 * across)), wq));
                    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(p + 3 * across)), wq));
                }
            }
            _mm256_store_si256(sums + ox, a0);
            _mm256_store_si256(sums + ox + 1, a1);
            _mm256_store_si256(sums + ox + 2, a2);
            _mm256_store_si256(sums + ox + 3, a3);
        }
        for (; ox < wo; ox++) {
            __m256i a0 = _mm256_setzero_si256();
            for (int ky = 0; ky < k; ky++) {
                const uint8_t *e = row + ((size_t)ky * tl->columns + (size_t)ox * s) * step;
                for (int q = 0; q < steps; q++)
                    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(e + (size_t)q * 2 * step)),
                                                                _mm256_loadu_si256((const __m256i *)(w + (ky * steps + q) * 16))));
            }
            _mm256_store_si256(sums + ox, a0);
        }
        finish_avx2(o, sums, wo, pixel, 1, c0, lanes);
    }
}

/// avx2_rows with the common kernels and strides as constants.
AVX2_TARGET static void avx2_rows_dispatch(const tile *tl, const int16_t *w, int k, int s, int rows, int wo,
                                           __m256i *sums, const swiftnas_int8_output *o, size_t pixel, int c0, int lanes) {
#define AVX2_CASE(K, S) if (k == K && s == S) { avx2_rows(tl, w, K, S, rows, wo, sums, o, pixel, c0, lanes); return; }
    AVX2_CASE(3, 1) AVX2_CASE(3, 2) AVX2_CASE(5, 1) AVX2_CASE(5, 2) AVX2_CASE(7, 1) AVX2_CASE(7, 2)
#undef AVX2_CASE
    avx2_rows(tl, w, k, s, rows, wo, sums, o, pixel, c0, lanes);
}

AVX2_TARGET static void depthwise_avx2(const swiftnas_depthwise_geometry *g, const uint8_t *input, int32_t zero,
                                       const int8_t *packed, int first_row, int rows, const swiftnas_int8_output *o) {
    int c = g->channels, k = g->kernel, s = g->stride, steps = (k + 1) / 2, groups = (c + 7) / 8;
    int ho = swiftnas_depthwise_output_size(g, g->height), wo = swiftnas_depthwise_output_size(g, g->width);
    int most = rows < ho ? rows : ho;
    tile tl = {.columns = (wo - 1) * s + k};
    size_t tile_rows = (size_t)(most - 1) * s + k;
    tl.entries = malloc(tile_rows * tl.columns * 32);
    __m128i *raw = malloc((size_t)(tl.columns + 1) * sizeof(__m128i));
    __m256i *sums = aligned_alloc(32, (size_t)wo * sizeof(__m256i));
    if (!tl.entries || !raw || !sums) { free(tl.entries); free(raw); free(sums); return; }
    FOR_EACH_IMAGE_RUN(first_row, rows, ho, {
        const uint8_t *x = input + (size_t)image * g->height * g->width * c;
        for (int group = 0; group < groups; group++) {
            int c0 = group * 8, lanes = c - c0 < 8 ? c - c0 : 8;
            const int16_t *w = (const int16_t *)packed + (size_t)group * k * steps * 16;
            avx2_fill(&tl, g, x, c0, lanes, zero, first * s - g->padding, (end - first - 1) * s + k, raw);
            avx2_rows_dispatch(&tl, w, k, s, end - first, wo, sums, o, ((size_t)image * ho + first) * wo, c0, lanes);
        }
    })
    free(tl.entries);
    free(raw);
    free(sums);
}
#endif

void swiftnas_int8_depthwise(swiftnas_int8_kernel kernel, const swiftnas_depthwise_geometry *geometry,
                             const uint8_t *input, int32_t zero_point, const int8_t *packed, int first_row, int rows,
                             const swiftnas_int8_output *output) {
    int ho = swiftnas_depthwise_output_size(geometry, geometry->height);
    int wo = swiftnas_depthwise_output_size(geometry, geometry->width);
    if (rows <= 0 || ho <= 0 || wo <= 0 || geometry->channels <= 0) return;
    switch (runnable(kernel)) {
#if defined(__x86_64__)
    case SWIFTNAS_INT8_AVX512_VNNI: depthwise_vnni(geometry, input, zero_point, packed, first_row, rows, output); return;
    case SWIFTNAS_INT8_AVX2: depthwise_avx2(geometry, input, zero_point, packed, first_row, rows, output); return;
#endif
    default: depthwise_scalar(geometry, input, zero_point, packed, first_row, rows, output); return;
    }
}
