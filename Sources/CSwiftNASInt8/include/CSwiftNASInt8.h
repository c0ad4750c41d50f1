#ifndef CSWIFTNAS_INT8_H
#define CSWIFTNAS_INT8_H

#include <stddef.h>
#include <stdint.h>

/// Which int8 matrix kernel to run: each is exact (int32 accumulation) within its input range.
typedef enum {
    /// Plain C loops: any uint8 activations.
    SWIFTNAS_INT8_SCALAR = 0,
    /// AVX2 `vpmaddubsw` + `vpmaddwd`: pairs of products are summed in int16 with saturation, so activations must
    /// be at most 127 (7 bits) for exact results, as PyTorch's fbgemm backend does with `reduce_range`.
    SWIFTNAS_INT8_AVX2 = 1,
    /// AVX-512 VNNI `vpdpbusd`: four products summed straight into int32, any uint8 activations.
    SWIFTNAS_INT8_AVX512_VNNI = 2,
} swiftnas_int8_kernel;

/// Whether this CPU can run `kernel`.
int swiftnas_int8_kernel_available(swiftnas_int8_kernel kernel);

/// Bytes of B (k × n) packed for the kernels: panels of 16 columns, each a run of groups of 4 rows (k padded to a
/// multiple of 4 and n to a multiple of 16 with zeros), a column's 4 bytes adjacent.
size_t swiftnas_int8_packed_size(int k, int n);

/// Packs B (k × n int8, row-major with row stride ldb) into `packed` (swiftnas_int8_packed_size(k, n) bytes).
void swiftnas_int8_pack(int k, int n, const int8_t *b, int ldb, int8_t *packed);

/// C[m × n] = A[m × k] · B, int32, row-major (A uint8 with row stride lda, C with row stride ldc), B packed by
/// swiftnas_int8_pack. Exact as long as the kernel's input range holds (see swiftnas_int8_kernel).
void swiftnas_int8_gemm(swiftnas_int8_kernel kernel, int m, int n, int k, const uint8_t *a, int lda,
                        const int8_t *packed, int32_t *c, int ldc);

/// q[i] = round-half-even(clamp(x[i] · inverse + zero, 0, top)) for i < count (top ≤ 255): the quantization of
/// activations to uint8, vectorised with AVX-512 or AVX2 when the CPU has them.
void swiftnas_quantize_u8(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q);

#endif
