// Finishing int32 sums as a swiftnas_int8_output says, shared by the matrix and depthwise kernels: one plain
// version and one per instruction set, each bit-identical to the plain one (fused multiply-adds where it uses them,
// the same order of operations, round-half-even).
#ifndef CSWIFTNAS_INT8_OUTPUT_H
#define CSWIFTNAS_INT8_OUTPUT_H

#include "CSwiftNASInt8.h"

#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline float activate_scalar(float y, swiftnas_activation activation) {
    switch (activation) {
    case SWIFTNAS_ACTIVATION_NONE: return y;
    case SWIFTNAS_ACTIVATION_RELU: return y < 0 ? 0 : y;
    case SWIFTNAS_ACTIVATION_HARD_SWISH: {
        float r = y + 3;
        r = r < 0 ? 0 : (r > 6 ? 6 : r);
        return y * r * (1.0f / 6);
    }
    case SWIFTNAS_ACTIVATION_HARD_SIGMOID: {
        float r = y + 3;
        r = r < 0 ? 0 : (r > 6 ? 6 : r);
        return r * (1.0f / 6);
    }
    }
    return y;
}

/// Finishes `count` sums of output row `row`, columns `column ..< column + count`.
static inline void finish_scalar(const swiftnas_int8_output *o, const int32_t *sums, size_t row, int column, int count) {
    size_t at = row * o->stride + (size_t)column;
    if (o->kind == SWIFTNAS_INT8_SUMS) {
        memcpy((int32_t *)o->data + at, sums, (size_t)count * sizeof(int32_t));
        return;
    }
    for (int i = 0; i < count; i++) {
        int j = column + i;
        float v = (float)(o->offset ? sums[i] - o->offset[j] : sums[i]);
        float y = activate_scalar(__builtin_fmaf(o->factor[j], v, o->bias ? o->bias[j] : 0), o->activation);
        if (o->kind == SWIFTNAS_INT8_FLOATS) {
            ((float *)o->data)[at + i] = y;
        } else {
            float q = __builtin_fmaf(y, o->inverse, o->zero);
            q = q < 0 ? 0 : (q > o->top ? o->top : q);
            ((uint8_t *)o->data)[at + i] = (uint8_t)__builtin_rintf(q);
        }
    }
}

#if defined(__x86_64__)
// The vector versions finish `count` vectors of sums at once, all for the same columns: vector i is output row
// `row + i · row_step`. The per-column constants are loaded once, and the switch over what to store and which
// activation picks one of several loops, each with both fixed (the loop bodies are always_inline with constant
// arguments), so nothing is decided per vector.

__attribute__((target("avx2,fma"), always_inline))
static inline __m256 activate_avx2(__m256 y, swiftnas_activation activation) {
    const __m256 zero = _mm256_setzero_ps(), three = _mm256_set1_ps(3), six = _mm256_set1_ps(6), sixth = _mm256_set1_ps(1.0f / 6);
    switch (activation) {
    case SWIFTNAS_ACTIVATION_NONE: return y;
    case SWIFTNAS_ACTIVATION_RELU: return _mm256_max_ps(y, zero);
    case SWIFTNAS_ACTIVATION_HARD_SWISH:
        return _mm256_mul_ps(_mm256_mul_ps(y, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(y, three), zero), six)), sixth);
    case SWIFTNAS_ACTIVATION_HARD_SIGMOID:
        return _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(_mm256_add_ps(y, three), zero), six), sixth);
    }
    return y;
}

__attribute__((target("avx2,fma"), always_inline))
static inline void finish_avx2_loop(const swiftnas_int8_output *o, const __m256i *sums, int count, size_t row, size_t row_step,
                                    int column, swiftnas_int8_output_kind kind, swiftnas_activation activation) {
    const __m256i offset = o->offset ? _mm256_loadu_si256((const __m256i *)(o->offset + column)) : _mm256_setzero_si256();
    const __m256 factor = _mm256_loadu_ps(o->factor + column);
    const __m256 bias = o->bias ? _mm256_loadu_ps(o->bias + column) : _mm256_setzero_ps();
    const __m256 inverse = _mm256_set1_ps(o->inverse), zero = _mm256_set1_ps(o->zero), top = _mm256_set1_ps(o->top);
    for (int i = 0; i < count; i++) {
        size_t at = (row + (size_t)i * row_step) * o->stride + (size_t)column;
        __m256 y = _mm256_fmadd_ps(factor, _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_loadu_si256(sums + i), offset)), bias);
        y = activate_avx2(y, activation);
        if (kind == SWIFTNAS_INT8_FLOATS) {
            _mm256_storeu_ps((float *)o->data + at, y);
        } else {
            __m256 q = _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(y, inverse, zero), _mm256_setzero_ps()), top);
            __m256i levels = _mm256_cvtps_epi32(q);
            __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(levels), _mm256_extracti128_si256(levels, 1));
            _mm_storel_epi64((__m128i *)((uint8_t *)o->data + at), _mm_packus_epi16(words, words));
        }
    }
}

/// Finishes the first `lanes` (≤ 8) lanes of `count` vectors of sums: vector i is output row `row + i · row_step`,
/// columns from `column`.
__attribute__((target("avx2,fma")))
static void finish_avx2(const swiftnas_int8_output *o, const __m256i *sums, int count, size_t row, size_t row_step,
                        int column, int lanes) {
    if (lanes < 8) {
        for (int i = 0; i < count; i++) finish_scalar(o, (const int32_t *)(sums + i), row + (size_t)i * row_step, column, lanes);
        return;
    }
    if (o->kind == SWIFTNAS_INT8_SUMS) {
        for (int i = 0; i < count; i++)
            _mm256_storeu_si256((__m256i *)((int32_t *)o->data + (row + (size_t)i * row_step) * o->stride + column), sums[i]);
        return;
    }
#define FINISH_AVX2(KIND, ACTIVATION) finish_avx2_loop(o, sums, count, row, row_step, column, KIND, ACTIVATION); return;
#define FINISH_AVX2_ACTIVATIONS(KIND)                                                                   \
    switch (o->activation) {                                                                             \
    case SWIFTNAS_ACTIVATION_NONE: FINISH_AVX2(KIND, SWIFTNAS_ACTIVATION_NONE)                           \
    case SWIFTNAS_ACTIVATION_RELU: FINISH_AVX2(KIND, SWIFTNAS_ACTIVATION_RELU)                           \
    case SWIFTNAS_ACTIVATION_HARD_SWISH: FINISH_AVX2(KIND, SWIFTNAS_ACTIVATION_HARD_SWISH)               \
    case SWIFTNAS_ACTIVATION_HARD_SIGMOID: FINISH_AVX2(KIND, SWIFTNAS_ACTIVATION_HARD_SIGMOID)           \
    }
    if (o->kind == SWIFTNAS_INT8_FLOATS) { FINISH_AVX2_ACTIVATIONS(SWIFTNAS_INT8_FLOATS) }
    else { FINISH_AVX2_ACTIVATIONS(SWIFTNAS_INT8_LEVELS) }
#undef FINISH_AVX2_ACTIVATIONS
#undef FINISH_AVX2
}

__attribute__((target("avx512f"), always_inline))
static inline __m512 activate_avx512(__m512 y, swiftnas_activation activation) {
    const __m512 zero = _mm512_setzero_ps(), three = _mm512_set1_ps(3), six = _mm512_set1_ps(6), sixth = _mm512_set1_ps(1.0f / 6);
    switch (activation) {
    case SWIFTNAS_ACTIVATION_NONE: return y;
    case SWIFTNAS_ACTIVATION_RELU: return _mm512_max_ps(y, zero);
    case SWIFTNAS_ACTIVATION_HARD_SWISH:
        return _mm512_mul_ps(_mm512_mul_ps(y, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(y, three), zero), six)), sixth);
    case SWIFTNAS_ACTIVATION_HARD_SIGMOID:
        return _mm512_mul_ps(_mm512_min_ps(_mm512_max_ps(_mm512_add_ps(y, three), zero), six), sixth);
    }
    return y;
}

__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void finish_avx512_loop(const swiftnas_int8_output *o, const __m512i *sums, int count, size_t row, size_t row_step,
                                      int column, __mmask16 mask, swiftnas_int8_output_kind kind, swiftnas_activation activation) {
    const __m512i offset = o->offset ? _mm512_maskz_loadu_epi32(mask, o->offset + column) : _mm512_setzero_si512();
    const __m512 factor = _mm512_maskz_loadu_ps(mask, o->factor + column);
    const __m512 bias = o->bias ? _mm512_maskz_loadu_ps(mask, o->bias + column) : _mm512_setzero_ps();
    const __m512 inverse = _mm512_set1_ps(o->inverse), zero = _mm512_set1_ps(o->zero), top = _mm512_set1_ps(o->top);
    for (int i = 0; i < count; i++) {
        size_t at = (row + (size_t)i * row_step) * o->stride + (size_t)column;
        __m512 y = _mm512_fmadd_ps(factor, _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_loadu_si512(sums + i), offset)), bias);
        y = activate_avx512(y, activation);
        if (kind == SWIFTNAS_INT8_FLOATS) {
            _mm512_mask_storeu_ps((float *)o->data + at, mask, y);
        } else {
            __m512 q = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(y, inverse, zero), _mm512_setzero_ps()), top);
            _mm512_mask_cvtusepi32_storeu_epi8((uint8_t *)o->data + at, mask, _mm512_cvtps_epi32(q));
        }
    }
}

/// Finishes the lanes selected by `mask` (a run from lane 0) of `count` vectors of sums: vector i is output row
/// `row + i · row_step`, columns from `column`.
__attribute__((target("avx512f,avx512bw")))
static void finish_avx512(const swiftnas_int8_output *o, const __m512i *sums, int count, size_t row, size_t row_step,
                          int column, __mmask16 mask) {
    if (o->kind == SWIFTNAS_INT8_SUMS) {
        for (int i = 0; i < count; i++)
            _mm512_mask_storeu_epi32((int32_t *)o->data + (row + (size_t)i * row_step) * o->stride + column, mask, sums[i]);
        return;
    }
#define FINISH_AVX512(KIND, ACTIVATION) finish_avx512_loop(o, sums, count, row, row_step, column, mask, KIND, ACTIVATION); return;
#define FINISH_AVX512_ACTIVATIONS(KIND)                                                                 \
    switch (o->activation) {                                                                             \
    case SWIFTNAS_ACTIVATION_NONE: FINISH_AVX512(KIND, SWIFTNAS_ACTIVATION_NONE)                         \
    case SWIFTNAS_ACTIVATION_RELU: FINISH_AVX512(KIND, SWIFTNAS_ACTIVATION_RELU)                         \
    case SWIFTNAS_ACTIVATION_HARD_SWISH: FINISH_AVX512(KIND, SWIFTNAS_ACTIVATION_HARD_SWISH)             \
    case SWIFTNAS_ACTIVATION_HARD_SIGMOID: FINISH_AVX512(KIND, SWIFTNAS_ACTIVATION_HARD_SIGMOID)         \
    }
    if (o->kind == SWIFTNAS_INT8_FLOATS) { FINISH_AVX512_ACTIVATIONS(SWIFTNAS_INT8_FLOATS) }
    else { FINISH_AVX512_ACTIVATIONS(SWIFTNAS_INT8_LEVELS) }
#undef FINISH_AVX512_ACTIVATIONS
#undef FINISH_AVX512
}

/// The first `count` (≤ 16) lanes.
static inline __mmask16 lanes_mask(int count) { return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1); }
#endif

#endif
