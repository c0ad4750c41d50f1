extension Array where Element: Sendable {
    /// Transforms every element with at most `limit` transformations running at once, and returns the
    /// results in the original order. The first error thrown cancels the rest and is rethrown.
    public func concurrentMap<T: Sendable>(limit: Int, _ transform: @escaping @Sendable (Element) async throws -> T) async rethrows -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            while next < count && next < Swift.max(1, limit) {
                let index = next, element = self[index]
                group.addTask { (index, try await transform(element)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let nextIndex = next, element = self[nextIndex]
                    group.addTask { (nextIndex, try await transform(element)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
