#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver entry point (compiler-rt's FuzzerInterface.h). SwiftPM gives every executable target its
// own `main`, so the harnesses call libFuzzer's driver from there instead of linking libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
