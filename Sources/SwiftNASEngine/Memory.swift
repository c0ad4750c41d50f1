#if canImport(Glibc)
import Glibc
#endif

/// Process-level memory settings for engine workloads.
public enum EngineMemory {
    /// Keeps freed activation buffers in the heap instead of returning them to the kernel.
    ///
    /// A training step or an accuracy pass allocates and frees tens of megabytes of tensors; with glibc's
    /// defaults each large allocation is a fresh `mmap` whose pages the kernel must fault in and zero again
    /// (with two threads faulting into the same process, most of an accuracy pass's time went to the kernel).
    /// Turning `mmap` allocation off and never trimming the heap (`mallopt`, looked up at run time because
    /// Swift's Glibc module does not export `malloc.h`) makes `malloc` reuse the same memory. glibc ignores
    /// an mmap threshold above 32 MB, so a threshold alone cannot cover a 75 MB activation; `M_MMAP_MAX = 0`
    /// does. Call once at start-up of a program that trains or evaluates networks; a no-op where `mallopt`
    /// does not exist.
    public static func retainFreedBuffers() {
        #if canImport(Glibc)
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let trimThreshold: Int32 = -1, mmapMax: Int32 = -4   // M_TRIM_THRESHOLD, M_MMAP_MAX
        _ = mallopt(mmapMax, 0)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
