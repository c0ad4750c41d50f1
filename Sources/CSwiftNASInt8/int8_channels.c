// Per-channel passes over uint8 activations (squeeze-and-excitation in int8): pooling sums and the per-image,
// per-channel rescale. Plain loops, and AVX-512 (with byte masks for the channel tail) when the CPU has it.
#include "CSwiftNASInt8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void channel_sums_scalar(const uint8_t *levels, int images, int pixels, int channels, int32_t *sums) {
    for (int i = 0; i < images; i++) {
        int32_t *s = sums + (size_t)i * channels;
        for (int c = 0; c < channels; c++) s[c] = 0;
        const uint8_t *x = levels + (size_t)i * pixels * channels;
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < channels; c++) s[c] += x[(size_t)p * channels + c];
        }
    }
}

static void rescale_scalar(uint8_t *levels, int images, int pixels, int channels, const float *factor, float zero,
                           float next_zero, float top) {
    for (int i = 0; i < images; i++) {
        const float *f = factor + (size_t)i * channels;
        uint8_t *x = levels + (size_t)i * pixels * channels;
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < channels; c++) {
                uint8_t *q = x + (size_t)p * channels + c;
                float v = __builtin_fmaf((float)*q - zero, f[c], next_zero);
                v = v < 0 ? 0 : (v > top ? top : v);
                *q = (uint8_t)__builtin_rintf(v);  // the default rounding mode: to nearest, ties to even
            }
        }
    }
}

#if defined(__x86_64__)
static int has_avx512(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

/// The lanes of a 16-channel group starting at channel c that exist.
__attribute__((target("avx512f,avx512bw,avx512vl")))
static __mmask16 lanes(int c, int channels) {
    int left = channels - c;
    return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

__attribute__((target("avx512f,avx512bw,avx512vl")))
static void channel_sums_avx512(const uint8_t *levels, int images, int pixels, int channels, int32_t *sums) {
    for (int i = 0; i < images; i++) {
        const uint8_t *x = levels + (size_t)i * pixels * channels;
        for (int c = 0; c < channels; c += 16) {
            __mmask16 m = lanes(c, channels);
            __m512i total = _mm512_setzero_si512();
            for (int p = 0; p < pixels; p++) {
                __m128i bytes = _mm_maskz_loadu_epi8(m, x + (size_t)p * channels + c);
                total = _mm512_add_epi32(total, _mm512_cvtepu8_epi32(bytes));
            }
            _mm512_mask_storeu_epi32(sums + (size_t)i * channels + c, m, total);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl")))
static void rescale_avx512(uint8_t *levels, int images, int pixels, int channels, const float *factor, float zero,
                           float next_zero, float top) {
    const __m512 z = _mm512_set1_ps(zero), nz = _mm512_set1_ps(next_zero);
    const __m512 low = _mm512_setzero_ps(), high = _mm512_set1_ps(top);
    for (int i = 0; i < images; i++) {
        uint8_t *x = levels + (size_t)i * pixels * channels;
        for (int c = 0; c < channels; c += 16) {
            __mmask16 m = lanes(c, channels);
            __m512 f = _mm512_maskz_loadu_ps(m, factor + (size_t)i * channels + c);
            for (int p = 0; p < pixels; p++) {
                uint8_t *q = x + (size_t)p * channels + c;
                __m512 v = _mm512_sub_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, q))), z);
                v = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v, f, nz), low), high);
                _mm_mask_storeu_epi8(q, m, _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(v)));
            }
        }
    }
}
#endif

void swiftnas_channel_sums_u8(swiftnas_int8_kernel kernel, const uint8_t *levels, int images, int pixels, int channels,
                              int32_t *sums) {
#if defined(__x86_64__)
    if (kernel == SWIFTNAS_INT8_AVX512_VNNI && has_avx512()) { channel_sums_avx512(levels, images, pixels, channels, sums); return; }
#endif
    channel_sums_scalar(levels, images, pixels, channels, sums);
}

void swiftnas_rescale_channels_u8(swiftnas_int8_kernel kernel, uint8_t *levels, int images, int pixels, int channels,
                                  const float *factor, float zero, float next_zero, float top) {
#if defined(__x86_64__)
    if (kernel == SWIFTNAS_INT8_AVX512_VNNI && has_avx512()) { rescale_avx512(levels, images, pixels, channels, factor, zero, next_zero, top); return; }
#endif
    rescale_scalar(levels, images, pixels, channels, factor, zero, next_zero, top);
}
