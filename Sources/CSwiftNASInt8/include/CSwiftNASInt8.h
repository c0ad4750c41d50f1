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

/// An element-wise activation applied to results before they are stored (as SwiftNASEngine's `ActivationKind`).
typedef enum {
    /// None: y.
    SWIFTNAS_ACTIVATION_NONE = 0,
    /// max(0, y).
    SWIFTNAS_ACTIVATION_RELU = 1,
    /// Hard swish, y · min(max(y + 3, 0), 6) · (1/6).
    SWIFTNAS_ACTIVATION_HARD_SWISH = 2,
    /// Hard sigmoid, min(max(y + 3, 0), 6) · (1/6).
    SWIFTNAS_ACTIVATION_HARD_SIGMOID = 3,
} swiftnas_activation;

/// What a kernel stores for each int32 sum.
typedef enum {
    /// The int32 sum itself.
    SWIFTNAS_INT8_SUMS = 0,
    /// A float: y = factor[j] · (sum − offset[j]) + bias[j], then the activation.
    SWIFTNAS_INT8_FLOATS = 1,
    /// That float quantized to a uint8 level for the next layer: round-half-even(clamp(y · inverse + zero, 0, top)).
    SWIFTNAS_INT8_LEVELS = 2,
} swiftnas_int8_output_kind;

/// Where and how a kernel writes its results: element (row, j) goes to `data` + row · `stride` + j (in elements of
/// the kind's type: int32, float or uint8). j is the output column of a matrix product or the channel of a depthwise
/// convolution, row its row or output pixel.
typedef struct {
    /// What is stored.
    swiftnas_int8_output_kind kind;
    /// The first row's first element.
    void *data;
    /// Elements between two rows.
    size_t stride;
    /// Per column: the float value of one unit of the sum (unused for SWIFTNAS_INT8_SUMS).
    const float *factor;
    /// Per column: subtracted from the sum before scaling (NULL: nothing), e.g. the input zero point times the
    /// weights' column sum.
    const int32_t *offset;
    /// Per column: added after scaling (NULL: nothing).
    const float *bias;
    /// Applied to y before it is stored.
    swiftnas_activation activation;
    /// For SWIFTNAS_INT8_LEVELS: the next layer's 1 / scale, zero point and highest level (≤ 255).
    float inverse, zero, top;
} swiftnas_int8_output;

/// Whether this CPU can run `kernel`.
int swiftnas_int8_kernel_available(swiftnas_int8_kernel kernel);

/// Bytes of B (k × n) packed for the kernels: panels of 16 columns, each a run of groups of 4 rows (k padded to a
/// multiple of 4 and n to a multiple of 16 with zeros), a column's 4 bytes adjacent.
size_t swiftnas_int8_packed_size(int k, int n);

/// Packs B (k × n int8, row-major with row stride ldb) into `packed` (swiftnas_int8_packed_size(k, n) bytes).
void swiftnas_int8_pack(int k, int n, const int8_t *b, int ldb, int8_t *packed);

/// The int32 products C[m × n] = A[m × k] · B (A uint8 with row stride lda, B packed by swiftnas_int8_pack), each
/// row of C finished as `output` says: the sums themselves, or floats with the per-column rescale, bias and
/// activation fused, or uint8 levels for the next layer. Exact as long as the kernel's input range holds (see
/// swiftnas_int8_kernel).
void swiftnas_int8_gemm(swiftnas_int8_kernel kernel, int m, int n, int k, const uint8_t *a, int lda,
                        const int8_t *packed, const swiftnas_int8_output *output);

/// The shape of a depthwise convolution over NHWC images.
typedef struct {
    /// Input rows, columns and channels of one image.
    int height, width, channels;
    /// Kernel height and width (any; 3, 5 and 7 have specialised loops), stride (any; 1 and 2 specialised), zero
    /// rows and columns on each side.
    int kernel, stride, padding;
} swiftnas_depthwise_geometry;

/// Output rows (or columns) of a depthwise convolution for an input extent `size`: (size + 2·padding − kernel) /
/// stride + 1.
int swiftnas_depthwise_output_size(const swiftnas_depthwise_geometry *geometry, int size);

/// Bytes of depthwise weights (`channels` channels, `kernel_size` × `kernel_size` taps) packed for `kernel`.
size_t swiftnas_int8_depthwise_packed_size(swiftnas_int8_kernel kernel, int channels, int kernel_size);

/// Packs int8 depthwise weights in [−127, 127], tap-major (`weights[(ky · kernel_size + kx) · channels + c]`), into
/// `packed` (swiftnas_int8_depthwise_packed_size bytes) as `kernel` reads them: groups of channels, each a run of
/// kernel rows, each a run of adjacent taps side by side (zero past the kernel and the channels). A kernel this CPU
/// lacks packs (and later runs) as the plain loops do.
void swiftnas_int8_depthwise_pack(swiftnas_int8_kernel kernel, int channels, int kernel_size, const int8_t *weights,
                                  int8_t *packed);

/// Depthwise convolution of uint8 levels: for every output pixel and channel c,
/// `sum = Σ_taps (x_q − zero_point) · w[tap][c]` over the taps inside the image (padding stands for the real value 0,
/// level zero_point, and contributes nothing), finished as `output` says (row = output pixel index counted over the
/// whole batch, j = channel).
///
/// `input` is the batch, NHWC (`channels` innermost); `packed` the weights packed for the same `kernel` by
/// swiftnas_int8_depthwise_pack. Only output rows `first_row ..< first_row + rows` are computed,
/// counted over the batch (image · output height + output row), so callers can split a batch over threads.
/// Exact for any uint8 input on every kernel: AVX-512 VNNI `vpdpbusd` over groups of four taps of 16 channels
/// (padding holds zero_point; its weights' sum is taken out once), AVX2 `vpmaddwd` over pairs of taps of 8 channels
/// in int16, or plain loops.
void swiftnas_int8_depthwise(swiftnas_int8_kernel kernel, const swiftnas_depthwise_geometry *geometry,
                             const uint8_t *input, int32_t zero_point, const int8_t *packed, int first_row, int rows,
                             const swiftnas_int8_output *output);

/// q[i] = round-half-even(clamp(x[i] · inverse + zero, 0, top)) for i < count (top ≤ 255): the quantization of
/// activations to uint8, vectorised with AVX-512 or AVX2 when the CPU has them.
void swiftnas_quantize_u8(const float *x, size_t count, float inverse, float zero, float top, uint8_t *q);

/// Per image and channel, the sum of `levels` over the image's pixels: `sums[i · channels + c] =
/// Σ_p levels[(i · pixels + p) · channels + c]` for `images` NHWC images of `pixels` pixels (the pooling of
/// squeeze-and-excitation on uint8 activations). Exact. `kernel` SWIFTNAS_INT8_AVX512_VNNI runs AVX-512 loops (with
/// byte masks for the channel tail) when the CPU has AVX-512 F/BW/VL; any other kernel, the plain loops.
void swiftnas_channel_sums_u8(swiftnas_int8_kernel kernel, const uint8_t *levels, int images, int pixels, int channels,
                              int32_t *sums);

/// Rescales uint8 levels per image and channel, in place: for every pixel p of image i and channel c,
/// `q = round-half-even(clamp((q − zero) · factor[i · channels + c] + next_zero, 0, top))` — the output of
/// squeeze-and-excitation (the input times its gate) requantized for the next layer, with
/// `factor = gate · scale / next_scale`. One fused multiply-add per element on every path, so the AVX-512 and plain
/// loops (chosen by `kernel` as for swiftnas_channel_sums_u8) give identical levels.
void swiftnas_rescale_channels_u8(swiftnas_int8_kernel kernel, uint8_t *levels, int images, int pixels, int channels,
                                  const float *factor, float zero, float next_zero, float top);

#endif
