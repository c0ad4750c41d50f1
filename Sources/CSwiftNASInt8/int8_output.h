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
        float y = activate_scalar(o->bias ? __builtin_fmaf(o->factor[j], v, o->bias[j]) : o->factor[j] * v, o->activation);
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
__attribute__((target("avx2,fma")))
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

/// Finishes the first `count` (≤ 8) lanes of `sums`: output row `row`, columns `column ..< column + count`.
__attribute__((target("avx2,fma")))
static inline void finish_avx2(const swiftnas_int8_output *o, __m256i sums, size_t row, int column, int count) {
    if (count < 8) {
        int32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, sums);
        finish_scalar(o, lanes, row, column, count);
        return;
    }
    size_t at = row * o->stride + (size_t)column;
    if (o->kind == SWIFTNAS_INT8_SUMS) {
        _mm256_storeu_si256((__m256i *)((int32_t *)o->data + at), sums);
        return;
    }
    if (o->offset) sums = _mm256_sub_epi32(sums, _mm256_loadu_si256((const __m256i *)(o->offset + column)));
    __m256 v = _mm256_cvtepi32_ps(sums), factor = _mm256_loadu_ps(o->factor + column);
    __m256 y = o->bias ? _mm256_fmadd_ps(factor, v, _mm256_loadu_ps(o->bias + column)) : _mm256_mul_ps(factor, v);
    y = activate_avx2(y, o->activation);
    if (o->kind == SWIFTNAS_INT8_FLOATS) {
        _mm256_storeu_ps((float *)o->data + at, y);
        return;
    }
    __m256 q = _mm256_fmadd_ps(y, _mm256_set1_ps(o->inverse), _mm256_set1_ps(o->zero));
    q = _mm256_min_ps(_mm256_max_ps(q, _mm256_setzero_ps()), _mm256_set1_ps(o->top));
    __m256i levels = _mm256_cvtps_epi32(q);
    __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(levels), _mm256_extracti128_si256(levels, 1));
    _mm_storel_epi64((__m128i *)((uint8_t *)o->data + at), _mm_packus_epi16(words, words));
}

__attribute__((target("avx512f")))
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

/// Finishes the lanes of `sums` selected by `mask` (a run from lane 0): output row `row`, columns from `column`.
__attribute__((target("avx512f,avx512bw")))
static inline void finish_avx512(const swiftnas_int8_output *o, __m512i sums, size_t row, int column, __mmask16 mask) {
    size_t at = row * o->stride + (size_t)column;
    if (o->kind == SWIFTNAS_INT8_SUMS) {
        _mm512_mask_storeu_epi32((int32_t *)o->data + at, mask, sums);
        return;
    }
    if (o->offset) sums = _mm512_sub_epi32(sums, _mm512_maskz_loadu_epi32(mask, o->offset + column));
    __m512 v = _mm512_cvtepi32_ps(sums), factor = _mm512_maskz_loadu_ps(mask, o->factor + column);
    __m512 y = o->bias ? _mm512_fmadd_ps(factor, v, _mm512_maskz_loadu_ps(mask, o->bias + column)) : _mm512_mul_ps(factor, v);
    y = activate_avx512(y, o->activation);
    if (o->kind == SWIFTNAS_INT8_FLOATS) {
        _mm512_mask_storeu_ps((float *)o->data + at, mask, y);
        return;
    }
    __m512 q = _mm512_fmadd_ps(y, _mm512_set1_ps(o->inverse), _mm512_set1_ps(o->zero));
    q = _mm512_min_ps(_mm512_max_ps(q, _mm512_setzero_ps()), _mm512_set1_ps(o->top));
    _mm512_mask_cvtusepi32_storeu_epi8((uint8_t *)o->data + at, mask, _mm512_cvtps_epi32(q));
}

/// The first `count` (≤ 16) lanes.
static inline __mmask16 lanes_mask(int count) { return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1); }
#endif

#endif
