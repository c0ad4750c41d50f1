/// Dense linear solves for the small systems of hyperplane normalisation (NSGA-III, AGE-MOEA).
enum LinearSystem {
    /// The solution of `matrix · x = rhs` by Gaussian elimination with partial pivoting; nil when a pivot's
    /// magnitude is at most `pivotTolerance` (or not finite), or the solution is not finite.
    static func solve(_ matrix: [[Double]], _ rhs: [Double], pivotTolerance: Double = 0) -> [Double]? {
        let n = rhs.count
        var a = matrix
        var b = rhs
        for column in 0..<n {
            var pivot = column
            for row in (column + 1)..<n where abs(a[row][column]) > abs(a[pivot][column]) { pivot = row }
            guard abs(a[pivot][column]) > pivotTolerance, a[pivot][column].isFinite else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                if factor == 0 { continue }
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}
