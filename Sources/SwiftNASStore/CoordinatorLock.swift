import Foundation
import Synchronization
import SwiftNASCore

/// An exclusive lock on a file beside a store (`results.db.lock`) that the one process searching the store holds:
/// a second search, resume or overwrite of the same store gets an error naming the holder instead of corrupting
/// it. The operating system releases the lock when the process ends, however it ends.
final class CoordinatorLock: Sendable {
    private let descriptor: Mutex<Int32?>

    /// Takes the lock for `store` (its path), or throws an `InputError` naming the process that holds it.
    init(store path: String) throws {
        let lockPath = path + ".lock"
        let fd = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InputError(source: lockPath, "cannot create the lock file (errno \(errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw InputError(source: path, "is being searched by \(holder.isEmpty ? "another process" : holder): one process searches a store at a time (wait for it to finish, or choose another --store)")
        }
        let holder = Array("\(SearchStatus.thisProcess)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, holder, holder.count, 0)
        descriptor = Mutex(fd)
    }

    /// Releases the lock (once).
    func release() {
        descriptor.withLock { fd in
            if let open = fd {
                _ = flock(open, LOCK_UN)
                close(open)
                fd = nil
            }
        }
    }

    deinit { release() }
}
