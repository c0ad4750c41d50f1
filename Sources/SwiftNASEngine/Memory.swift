#if canImport(Glibc)
import Glibc
#endif

/// Process-level memory settings for engine workloads.
public enum EngineMemory {
    /// Keeps freed activation buffers in the heap instead of returning them to the kernel.
    ///
    /// A training step allocates and frees tens of megabytes of tensors; with glibc's defaults each large
    /// allocation is a fresh `mmap` whose pages the kernel must fault in and zero again (several percent of
    /// a step). Raising the mmap and trim thresholds (`mallopt`, looked up at run time because Swift's
    /// Glibc module does not export `malloc.h`) makes `malloc` reuse the same memory. Call once at start-up
    /// of a program that trains or evaluates networks; a no-op where `mallopt` does not exist.
    public static func retainFreedBuffers() {
        #if canImport(Glibc)
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 1 << 30)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
