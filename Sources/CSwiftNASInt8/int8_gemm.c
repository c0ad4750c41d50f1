#include "CSwiftNASInt8.h"
#include "int8_output.h"

#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { PANEL = 16, GROUP = 4, ROWS = 8 };

static int groups_of(int k) { return (k + GROUP - 1) / GROUP; }
static int panels_of(int n) { return (n + PANEL - 1) / PANEL; }

int swiftnas_int8_kernel_available(swiftnas_int8_kernel kernel) {
    switch (kernel) {
    case SWIFTNAS_INT8_SCALAR: return 1;
#if defined(__x86_64__)
    case SWIFTNAS_INT8_AVX2: return __builtin_cpu_supports("avx2");
    case SWIFTNAS_INT8_AVX512_VNNI:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#endif
    default: return 0;
    }
}

size_t swiftnas_int8_packed_size(int k, int n) {
    return (size_t)panels_of(n) * (size_t)groups_of(k) * PANEL * GROUP;
}

void swiftnas_int8_pack(int k, int n, const int8_t *b, int ldb, int8_t *packed) {
    int groups = groups_of(k);
    for (int panel = 0; panel < panels_of(n); panel++) {
        for (int g = 0; g < groups; g++) {
            int8_t *out = packed + ((size_t)panel * groups + g) * PANEL * GROUP;
            for (int j = 0; j < PANEL; j++) {
                int column = panel * PANEL + j;
                for (int t = 0; t < GROUP; t++) {
                    int row = g * GROUP + t;
                    out[j * GROUP + t] = (row < k && column < n) ? b[(size_t)row * ldb + column] : 0;
                }
            }
        }
    }
}

/// The 4 bytes of row `a` at group g as one int32 (zeros past k).
static inline int32_t group_bytes(const uint8_t *a, int g, int k) {
    int32_t word = 0;
    int start = g * GROUP;
    if (start + GROUP <= k) {
        memcpy(&word, a + start, 4);
    } else {
        uint8_t bytes[4] = {0, 0, 0, 0};
        for (int t = 0; start + t < k; t++) bytes[t] = a[start + t];
        memcpy(&word, bytes, 4);
    }
    return word;
}

static void gemm_scalar(int m, int n, int k, const uint8_t *a, int lda, const int8_t *packed, const swiftnas_int8_output *output) {
    int groups = groups_of(k);
    for (int panel = 0; panel < panels_of(n); panel++) {
        const int8_t *bp = packed + (size_t)panel * groups * PANEL * GROUP;
        int cols = n - panel * PANEL < PANEL ? n - panel * PANEL : PANEL;
        for (int i = 0; i < m; i++) {
            int32_t acc[PANEL] = {0};
            const uint8_t *row = a + (size_t)i * lda;
            for (int g = 0; g < groups; g++) {
                int32_t word = group_bytes(row, g, k);
                const uint8_t *bytes = (const uint8_t *)&word;
                const int8_t *bg = bp + (size_t)g * PANEL * GROUP;
                for (int j = 0; j < PANEL; j++)
                    for (int t = 0; t < GROUP; t++) acc[j] += (int32_t)bytes[t] * (int32_t)bg[j * GROUP + t];
            }
            finish_scalar(output, acc, (size_t)i, panel * PANEL, cols);
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void gemm_avx2(int m, int n, int k, const uint8_t *a, int lda, const int8_t *packed, const swiftnas_int8_output *output) {
    int groups = groups_of(k);
    const __m256i ones = _mm256_set1_epi16(1);
    // Rows outer, panels inner: a block of rows of A stays in L1 while it meets every panel of B, and each row of C
    // is written front to back.
    for (int i0 = 0; i0 < m; i0 += ROWS) {
        int rows = m - i0 < ROWS ? m - i0 : ROWS;
        for (int panel = 0; panel < panels_of(n); panel++) {
            const int8_t *bp = packed + (size_t)panel * groups * PANEL * GROUP;
            int cols = n - panel * PANEL < PANEL ? n - panel * PANEL : PANEL;
            // acc[half][row]: columns 0-7 and 8-15 of the panel, each a run over the rows as finish_avx2 reads them.
            __m256i acc[2][ROWS];
            for (int r = 0; r < ROWS; r++) acc[0][r] = acc[1][r] = _mm256_setzero_si256();
            for (int g = 0; g < groups; g++) {
                const __m256i b0 = _mm256_loadu_si256((const __m256i *)(bp + (size_t)g * PANEL * GROUP));
                const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bp + (size_t)g * PANEL * GROUP + 32));
                for (int r = 0; r < rows; r++) {
                    const __m256i x = _mm256_set1_epi32(group_bytes(a + (size_t)(i0 + r) * lda, g, k));
                    acc[0][r] = _mm256_add_epi32(acc[0][r], _mm256_madd_epi16(_mm256_maddubs_epi16(x, b0), ones));
                    acc[1][r] = _mm256_add_epi32(acc[1][r], _mm256_madd_epi16(_mm256_maddubs_epi16(x, b1), ones));
                }
            }
            finish_avx2(output, acc[0], rows, (size_t)i0, 1, panel * PANEL, cols < 8 ? cols : 8);
            if (cols > 8) finish_avx2(output, acc[1], rows, (size_t)i0, 1, panel * PANEL + 8, cols - 8);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemm_vnni(int m, int n, int k, const uint8_t *a, int lda, const int8_t *packed, const swiftnas_int8_output *output) {
    int groups = groups_of(k);
    for (int i0 = 0; i0 < m; i0 += ROWS) {
        int rows = m - i0 < ROWS ? m - i0 : ROWS;
        for (int panel = 0; panel < panels_of(n); panel++) {
            const int8_t *bp = packed + (size_t)panel * groups * PANEL * GROUP;
            int cols = n - panel * PANEL < PANEL ? n - panel * PANEL : PANEL;
            __m512i acc[ROWS];
            for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_si512();
            if (rows == ROWS && groups * GROUP == k) {
                // Full tile, k a multiple of 4: every row's group is a plain 4-byte load.
                for (int g = 0; g < groups; g++) {
                    const __m512i b = _mm512_loadu_si512(bp + (size_t)g * PANEL * GROUP);
                    for (int r = 0; r < ROWS; r++) {
                        int32_t word;
                        memcpy(&word, a + (size_t)(i0 + r) * lda + g * GROUP, 4);
                        acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(word), b);
                    }
                }
            } else {
                for (int g = 0; g < groups; g++) {
                    const __m512i b = _mm512_loadu_si512(bp + (size_t)g * PANEL * GROUP);
                    for (int r = 0; r < rows; r++)
                        acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(group_bytes(a + (size_t)(i0 + r) * lda, g, k)), b);
                }
            }
            finish_avx512(output, acc, rows, (size_t)i0, 1, panel * PANEL, lanes_mask(cols));
        }
    }
}
#endif

static void quantize_scalar(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q) {
    for (size_t i = 0; i < count; i++) {
        float v = __builtin_fmaf(x[i], inverse, zero);  // fused, as the vector paths and `level` compute it
        v = v < 0 ? 0 : (v > top ? top : v);
        q[i] = (uint8_t)__builtin_rintf(v);  // the default rounding mode: to nearest, ties to even
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void quantize_avx512(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q) {
    const __m512 scale = _mm512_set1_ps(inverse), offset = _mm512_set1_ps(zero);
    const __m512 low = _mm512_setzero_ps(), high = _mm512_set1_ps(top);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 v = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), scale, offset);
        v = _mm512_min_ps(_mm512_max_ps(v, low), high);
        _mm_storeu_si128((__m128i *)(q + i), _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(v)));
    }
    quantize_scalar(x + i, count - i, inverse, zero, top, q + i);
}

__attribute__((target("avx2,fma")))
static void quantize_avx2(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q) {
    const __m256 scale = _mm256_set1_ps(inverse), offset = _mm256_set1_ps(zero);
    const __m256 low = _mm256_setzero_ps(), high = _mm256_set1_ps(top);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m256i parts[4];
        for (int p = 0; p < 4; p++) {
            __m256 v = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * p), scale, offset);
            parts[p] = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(v, low), high));
        }
        // Pack 4 × 8 int32 into 32 bytes; the packs interleave 128-bit lanes, the permute puts them back in order.
        __m256i words = _mm256_packus_epi32(parts[0], parts[1]), words2 = _mm256_packus_epi32(parts[2], parts[3]);
        __m256i bytes = _mm256_packus_epi16(words, words2);
        _mm256_storeu_si256((__m256i *)(q + i), _mm256_permutevar8x32_epi32(bytes, order));
    }
    quantize_scalar(x + i, count - i, inverse, zero, top, q + i);
}
#endif

void swiftnas_quantize_u8(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) { quantize_avx512(x, count, inverse, zero, top, q); return; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { quantize_avx2(x, count, inverse, zero, top, q); return; }
#endif
    quantize_scalar(x, count, inverse, zero, top, q);
}

void swiftnas_int8_gemm(swiftnas_int8_kernel kernel, int m, int n, int k, const uint8_t *a, int lda,
                        const int8_t *packed, const swiftnas_int8_output *output) {
    if (m <= 0 || n <= 0) return;
#if defined(__x86_64__)
    if (kernel == SWIFTNAS_INT8_AVX512_VNNI && swiftnas_int8_kernel_available(kernel)) {
        gemm_vnni(m, n, k, a, lda, packed, output);
        return;
    }
    if (kernel == SWIFTNAS_INT8_AVX2 && swiftnas_int8_kernel_available(kernel)) {
        gemm_avx2(m, n, k, a, lda, packed, output);
        return;
    }
#endif
    gemm_scalar(m, n, k, a, lda, packed, output);
}

