import Foundation

/// ε-support vector regression with an RBF kernel `exp(−γ‖x − x'‖²)`, solved by SMO with second-order working
/// set selection (Fan, Chen & Lin, JMLR 6, 2005 — the algorithm of libsvm and scikit-learn's `SVR`), with the
/// cost C chosen from a grid by k-fold cross-validated MAPE as DyNAS-T's LINAS predictor does.
///
/// Within a fold the kernel matrix is computed once and the grid is solved in ascending C, each solve starting
/// from the previous solution (still feasible, since a larger C only widens the box).
/// Like DyNAS-T's `Predictor.train`, features constant on the training data are ignored and targets are divided
/// by `10^(⌊log₁₀ max|y|⌋ − 1)` while fitting, so C and ε mean the same for accuracies and MAC counts.
public struct SupportVectorRegression: SelfTuningPredictor {
    /// How γ is set from the training features (scikit-learn's `gamma`).
    public enum KernelWidth: Sendable, Hashable {
        /// `1 / (features · Var(X))`, the variance over all entries of the (kept) training features; 1 when it is 0.
        case scale
        /// `1 / features` (DyNAS-T passes `gamma='auto'`).
        case auto
        /// A fixed γ.
        case fixed(Double)
    }

    /// The candidate costs C; DyNAS-T's 1, 2, ..., 100 by default.
    public var costs: [Double]
    /// The half-width of the insensitive tube, in normalised target units (scikit-learn's default 0.1).
    public var epsilon: Double
    /// How γ is chosen.
    public var kernelWidth: KernelWidth
    /// The stopping tolerance on the maximal KKT violation (libsvm's `eps`, scikit-learn's `tol`, 1e-3).
    public var tolerance: Double
    /// The number of cross-validation folds.
    public var folds: Int
    /// The SMO iteration cap per solve (DyNAS-T's `max_iter` 1 000 000).
    public var maximumIterations: Int

    /// The chosen C (after `fit`).
    public private(set) var cost: Double?
    /// The γ of the fitted kernel.
    public private(set) var gamma = 0.0
    public private(set) var crossValidationMAPE: Double?
    private var keptFeatures: [Int] = []
    /// The support vectors feature by feature (kept features × `paddedCount`, zero-padded), so a prediction visits
    /// only the nonzero features of its row: one-hot rows have one nonzero per active gene.
    private var supportVectorColumns: [Double] = []
    /// ‖s‖² of each support vector (zero-padded to `paddedCount`).
    private var supportVectorNorms: [Double] = []
    /// The number of support vectors rounded up to a multiple of 4.
    private var paddedCount = 0
    /// `exp(−γk)` for k = 0, 1, 2, …: the kernel at integral squared distances (all of them for 0/1 features).
    private var kernelAtIntegers: [Double] = []
    private var dualCoefficients: [Double] = []
    private var offset = 0.0
    private var targetScale = 1.0

    public var name: String { Self.name }

    /// An RBF ε-SVR tuning C over `costs` by `folds`-fold cross-validation (one cost: no tuning).
    public init(costs: [Double] = DyNASTGrids.svrCosts, epsilon: Double = 0.1, kernelWidth: KernelWidth = .scale,
                tolerance: Double = 1e-3, folds: Int = DyNASTGrids.folds, maximumIterations: Int = 1_000_000) {
        precondition(!costs.isEmpty && costs.allSatisfy { $0 > 0 }, "SVR needs at least one cost > 0")
        precondition(epsilon >= 0 && tolerance > 0, "SVR needs epsilon ≥ 0 and tolerance > 0")
        self.costs = costs
        self.epsilon = epsilon
        self.kernelWidth = kernelWidth
        self.tolerance = tolerance
        self.folds = folds
        self.maximumIterations = maximumIterations
    }

    /// DyNAS-T's SVR exactly: `SVR(kernel='rbf', gamma='auto', epsilon=0.0)` over its C grid.
    public static var dynast: SupportVectorRegression { SupportVectorRegression(epsilon: 0, kernelWidth: .auto) }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        try PredictorError.validate(features: features, targets: targets, minimumRows: costs.count > 1 ? max(folds, 2) : 1, predictor: name)
        keptFeatures = Self.nonConstantColumns(features)
        let kept = features.selectingColumns(keptFeatures)
        let largest = targets.map(abs).max() ?? 0
        targetScale = largest > 0 ? pow(10, floor(log10(largest)) - 1) : 1
        let scaled = targets.map { $0 / targetScale }
        let distances = kept.squaredDistances(to: kept)

        var chosen = costs[0]
        crossValidationMAPE = nil
        if costs.count > 1 {
            let ascending = costs.indices.sorted { costs[$0] < costs[$1] }
            let split = KFold(count: features.rows, folds: folds)
            var errors = [Double](repeating: 0, count: costs.count)
            for fold in split.testRanges.indices {
                let train = split.trainingRows(fold)
                let test = Array(split.testRanges[fold])
                let foldGamma = width(of: kept.selectingRows(train))
                let kernel = Self.kernel(distances, rows: train, columns: train, gamma: foldGamma)
                let testKernel = Self.kernel(distances, rows: test, columns: train, gamma: foldGamma)
                var solver = EpsilonSVRSolver(kernel: kernel, targets: train.map { scaled[$0] }, epsilon: epsilon,
                                              tolerance: tolerance, maximumIterations: maximumIterations)
                let actual = test.map { targets[$0] }
                for c in ascending {
                    solver.solve(cost: costs[c])
                    let predicted = testKernel.times(solver.coefficients).map { ($0 - solver.offset) * targetScale }
                    errors[c] += RegressionMetrics.meanAbsolutePercentageError(actual: actual, predicted: predicted)
                }
            }
            var best = 0
            for c in errors.indices where errors[c] < errors[best] { best = c }
            chosen = costs[best]
            crossValidationMAPE = errors[best] / Double(split.testRanges.count)
        }
        gamma = width(of: kept)
        let all = Array(0..<features.rows)
        var solver = EpsilonSVRSolver(kernel: Self.kernel(distances, rows: all, columns: all, gamma: gamma), targets: scaled,
                                      epsilon: epsilon, tolerance: tolerance, maximumIterations: maximumIterations)
        solver.solve(cost: chosen)
        let support = all.filter { solver.coefficients[$0] != 0 }
        installSupportVectors(kept.selectingRows(support))
        dualCoefficients = support.map { solver.coefficients[$0] }
        offset = solver.offset
        cost = chosen
    }

    /// Lays the support vectors (rows over the kept features) out column by column for `predict`, four
    /// vectors to a block, and fills the table of kernel values at integral squared distances.
    private mutating func installSupportVectors(_ vectors: Matrix) {
        paddedCount = (vectors.rows + 3) / 4 * 4
        supportVectorColumns = [Double](repeating: 0, count: vectors.columns * paddedCount)
        supportVectorNorms = [Double](repeating: 0, count: paddedCount)
        for j in 0..<vectors.rows {
            for c in 0..<vectors.columns {
                let value = vectors[j, c]
                supportVectorColumns[c * paddedCount + j] = value
                supportVectorNorms[j] += value * value
            }
        }
        // Rows like the training rows lie within squared distance 2·max‖s‖² of a support vector; leave room for others.
        let largestNorm = supportVectorNorms.max() ?? 0
        let tableSize = largestNorm.isFinite ? Int(min(4 * largestNorm + 8, 65_536)) : 0
        kernelAtIntegers = (0..<tableSize).map { exp(-gamma * Double($0)) }
    }

    /// The support vectors as rows over the kept features (what `installSupportVectors` laid out).
    private var supportVectorRows: Matrix {
        let count = dualCoefficients.count, columns = keptFeatures.count
        var vectors = Matrix(rows: count, columns: columns)
        for j in 0..<count {
            for c in 0..<columns { vectors.storage[j * columns + c] = supportVectorColumns[c * paddedCount + j] }
        }
        return vectors
    }

    /// `Σⱼ θⱼ exp(−γ‖x − sⱼ‖²) − ρ` per row, with `‖x − s‖² = ‖s‖² + Σₖ xₖ(xₖ − 2sₖ)` summed over the row's nonzero
    /// features only (exact for 0/1 features, whose partial sums are integers), four support vectors at a time.
    public func predict(_ features: Matrix) -> [Double] {
        precondition(cost != nil, "predict before fit")
        let count = dualCoefficients.count, padded = paddedCount
        guard count > 0 else { return Array(repeating: -offset * targetScale, count: features.rows) }
        typealias Lanes = SIMD4<Double>
        let gamma = self.gamma, offset = self.offset, targetScale = self.targetScale
        var result = [Double](repeating: 0, count: features.rows)
        var distances = [Double](repeating: 0, count: padded)
        features.storage.withUnsafeBufferPointer { x in
            supportVectorColumns.withUnsafeBufferPointer { s in
                supportVectorNorms.withUnsafeBufferPointer { norms in
                    dualCoefficients.withUnsafeBufferPointer { theta in
                        kernelAtIntegers.withUnsafeBufferPointer { table in
                            distances.withUnsafeMutableBufferPointer { d in
                                let s = UnsafeRawPointer(s.baseAddress!), d = UnsafeMutableRawPointer(d.baseAddress!)
                                let stride = MemoryLayout<Lanes>.stride
                                for r in 0..<features.rows {
                                    let base = r * features.columns
                                    var rowNorm = 0.0
                                    d.copyMemory(from: norms.baseAddress!, byteCount: padded * MemoryLayout<Double>.stride)
                                    for (k, c) in keptFeatures.enumerated() {
                                        let value = x[base + c]
                                        if value == 0 { continue }
                                        rowNorm += value * value
                                        let weight = Lanes(repeating: -2 * value)
                                        let column = s + k * padded * MemoryLayout<Double>.stride
                                        for block in 0..<(padded / 4) {
                                            let offset = block * stride
                                            let updated = d.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                                + weight * column.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                            d.storeBytes(of: updated, toByteOffset: offset, as: Lanes.self)
                                        }
                                    }
                                    let squared = d.assumingMemoryBound(to: Double.self)
                                    var sum = 0.0
                                    for j in 0..<count {
                                        let distance = max(squared[j] + rowNorm, 0)
                                        let kernel: Double
                                        if distance < Double(table.count), distance == distance.rounded(.down) {
                                            kernel = table[Int(distance)]
                                        } else {
                                            kernel = exp(-gamma * distance)
                                        }
                                        sum += theta[j] * kernel
                                    }
                                    result[r] = (sum - offset) * targetScale
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// γ for training features `x`.
    private func width(of x: Matrix) -> Double {
        switch kernelWidth {
        case .fixed(let value): return value
        case .auto: return 1 / Double(max(x.columns, 1))
        case .scale:
            let count = Double(x.storage.count)
            guard count > 0 else { return 1 }
            let mean = x.storage.reduce(0, +) / count
            let variance = x.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
            return variance > 0 ? 1 / (Double(x.columns) * variance) : 1
        }
    }

    /// The columns whose values are not all equal.
    static func nonConstantColumns(_ x: Matrix) -> [Int] {
        guard x.rows > 0 else { return [] }
        return (0..<x.columns).filter { c in (1..<x.rows).contains { x[$0, c] != x[0, c] } }
    }

    /// `exp(−γ D)` over the listed rows and columns of the squared-distance matrix `distances`.
    static func kernel(_ distances: Matrix, rows: [Int], columns: [Int], gamma: Double) -> Matrix {
        var k = Matrix(rows: rows.count, columns: columns.count)
        for (i, r) in rows.enumerated() {
            for (j, c) in columns.enumerated() { k[i, j] = exp(-gamma * distances[r, c]) }
        }
        return k
    }
}

/// A running maximum and where it was seen (later equal values win, as in libsvm's selection loops).
struct Leader {
    var value = -Double.infinity
    var index = -1

    init() {}

    init(value: Double, index: Int) {
        self.value = value
        self.index = index
    }

    @inline(__always) mutating func offer(_ candidate: Double, _ at: Int) {
        if candidate >= value { value = candidate; index = at }
    }
}

/// The ε-SVR dual in libsvm's form, over 2n variables β = (α, α*) with signs y = (+1…, −1…):
/// minimise ½βᵀQβ + pᵀβ subject to yᵀβ = 0 and 0 ≤ β ≤ C, where Q = [K −K; −K K], p = (ε − z, ε + z).
/// The gradient is kept per sample as K·θ with θ = α − α*, so each SMO step costs two kernel rows.
struct EpsilonSVRSolver {
    let kernel: Matrix
    let targets: [Double]
    let epsilon: Double
    let tolerance: Double
    let maximumIterations: Int
    /// The kernel's diagonal K(xᵢ, xᵢ).
    private let diagonal: [Double]
    /// β: α in 0..<n, α* in n..<2n.
    private var beta: [Double]
    /// K·θ.
    private var kernelTimesCoefficients: [Double]
    /// θ = α − α*, the weight of each training sample in the decision function.
    private(set) var coefficients: [Double]
    /// ρ: the decision function is `Σ θᵢ K(xᵢ, x) − ρ`.
    private(set) var offset = 0.0
    private var lastCost = 0.0

    init(kernel: Matrix, targets: [Double], epsilon: Double, tolerance: Double, maximumIterations: Int) {
        self.kernel = kernel
        self.targets = targets
        self.epsilon = epsilon
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
        diagonal = (0..<targets.count).map { kernel[$0, $0] }
        beta = [Double](repeating: 0, count: 2 * targets.count)
        kernelTimesCoefficients = [Double](repeating: 0, count: targets.count)
        coefficients = [Double](repeating: 0, count: targets.count)
    }

    /// Solves for `cost`, starting from the current β: with costs never decreasing, the previous solution
    /// stays feasible and its gradient stays valid, so a grid of ascending costs costs little more than one solve.
    mutating func solve(cost: Double) {
        precondition(cost >= lastCost, "costs must be solved in ascending order")
        lastCost = cost
        let n = targets.count
        var beta = self.beta, kTheta = kernelTimesCoefficients
        kernel.storage.withUnsafeBufferPointer { k in
            beta.withUnsafeMutableBufferPointer { beta in
                kTheta.withUnsafeMutableBufferPointer { kTheta in
                    targets.withUnsafeBufferPointer { z in
                        iterate(k: k, beta: beta, kTheta: kTheta, z: z, cost: cost)
                    }
                }
            }
        }
        self.beta = beta
        kernelTimesCoefficients = kTheta
        for m in 0..<n { coefficients[m] = beta[m] - beta[m + n] }
        offset = computeOffset(cost: cost)
    }

    /// SMO steps until the maximal violation is below `tolerance`. Each step makes two passes over the samples:
    /// one choosing j for the current i, one updating Kθ fused with choosing the next i. Both passes run four
    /// samples at a time (`SelectionLanes`); each lane keeps its own leader and the lanes' leaders are merged in
    /// scan order, so the choices are those of the one-sample-at-a-time scan (libsvm's).
    private func iterate(k: UnsafeBufferPointer<Double>, beta: UnsafeMutableBufferPointer<Double>,
                         kTheta: UnsafeMutableBufferPointer<Double>, z: UnsafeBufferPointer<Double>, cost: Double) {
        let n = targets.count
        let tau = 1e-12
        let epsilon = self.epsilon
        guard let k = k.baseAddress, let beta = beta.baseAddress, let kTheta = kTheta.baseAddress, let z = z.baseAddress else { return }
        diagonal.withUnsafeBufferPointer { diagonal in
            guard let diagonal = diagonal.baseAddress else { return }
            var first = Self.chooseFirst(kTheta: kTheta, beta: beta, z: z, n: n, cost: cost, epsilon: epsilon)
            for _ in 0..<maximumIterations {
                guard first.index >= 0, first.value > -Double.infinity else { return }
                let gMax = first.value, i = first.index
                let pi = i < n ? i : i - n
                let rowI = k + pi * n
                let kii = rowI[pi]
                let (j, lowMax) = Self.choosePartner(gMax: gMax, rowI: rowI, kii: kii, diagonal: diagonal, kTheta: kTheta,
                                                     beta: beta, z: z, n: n, cost: cost, epsilon: epsilon, tau: tau)
                if gMax + lowMax < tolerance || j < 0 { return }

                let pj = j < n ? j : j - n
                let yi: Double = i < n ? 1 : -1, yj: Double = j < n ? 1 : -1
                let gi = yi * (kTheta[pi] - z[pi]) + epsilon, gj = yj * (kTheta[pj] - z[pj]) + epsilon
                let oldI = beta[i], oldJ = beta[j]
                var curvature = kii + k[pj * n + pj] - 2 * rowI[pj]
                if curvature <= 0 { curvature = tau }
                var bi = oldI, bj = oldJ
                if yi != yj {
                    let delta = (-gi - gj) / curvature
                    let difference = bi - bj
                    bi += delta; bj += delta
                    if difference > 0 { if bj < 0 { bj = 0; bi = difference } } else if bi < 0 { bi = 0; bj = -difference }
                    if difference > 0 { if bi > cost { bi = cost; bj = cost - difference } } else if bj > cost { bj = cost; bi = cost + difference }
                } else {
                    let delta = (gi - gj) / curvature
                    let sum = bi + bj
                    bi -= delta; bj += delta
                    if sum > cost { if bi > cost { bi = cost; bj = sum - cost } } else if bj < 0 { bj = 0; bi = sum }
                    if sum > cost { if bj > cost { bj = cost; bi = sum - cost } } else if bi < 0 { bi = 0; bj = sum }
                }
                beta[i] = bi; beta[j] = bj
                // θ changes by y·Δβ at each variable's sample: update Kθ with the two kernel rows, choosing the next i
                // in the same pass.
                var di = yi * (bi - oldI), dj = yj * (bj - oldJ)
                var rowJ = k + pj * n
                if pi == pj { di += dj; dj = 0; rowJ = rowI }
                first = Self.updateAndChooseFirst(di: di, rowI: rowI, dj: dj, rowJ: rowJ, kTheta: kTheta, beta: beta, z: z,
                                                  n: n, cost: cost, epsilon: epsilon)
            }
        }
    }

    typealias Lanes = SIMD4<Double>

    @inline(__always) private static func load(_ p: UnsafePointer<Double>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    @inline(__always) private static func load(_ p: UnsafeMutablePointer<Double>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

    /// i: the variable with the largest −yG among those free to move up (α below C, α* above 0), later equal values
    /// winning; gradients are G = (Kθ)ₜ + ε − zₜ for αₜ (sign +1) and −(Kθ)ₜ + ε + zₜ for α*ₜ (sign −1).
    private static func chooseFirst(kTheta: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
                                    z: UnsafePointer<Double>, n: Int, cost: Double, epsilon: Double) -> Leader {
        updateAndChooseFirst(di: 0, rowI: nil, dj: 0, rowJ: nil, kTheta: kTheta, beta: beta, z: z, n: n, cost: cost, epsilon: epsilon)
    }

    /// Kθ += di·K[i] + dj·K[j] (skipped when the rows are nil), then `chooseFirst`'s choice on the updated Kθ.
    @inline(__always)
    private static func updateAndChooseFirst(di: Double, rowI: UnsafePointer<Double>?, dj: Double, rowJ: UnsafePointer<Double>?,
                                             kTheta: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
                                             z: UnsafePointer<Double>, n: Int, cost: Double, epsilon: Double) -> Leader {
        let minusInfinity = Lanes(repeating: -.infinity)
        let costs = Lanes(repeating: cost), epsilons = Lanes(repeating: epsilon)
        let dis = Lanes(repeating: di), djs = Lanes(repeating: dj)
        var upValue = minusInfinity, upIndex = Lanes(repeating: -1)
        var downValue = minusInfinity, downIndex = Lanes(repeating: -1)
        var index = Lanes(0, 1, 2, 3)
        let step = Lanes(repeating: 4), shift = Lanes(repeating: Double(n))
        var m = 0
        while m + 4 <= n {
            var updated = load(kTheta + m)
            if let rowI, let rowJ {
                updated = updated + dis * load(rowI + m) + djs * load(rowJ + m)
                UnsafeMutableRawPointer(kTheta + m).storeBytes(of: updated, as: Lanes.self)
            }
            let residual = load(z + m) - updated
            let up = (residual - epsilons).replacing(with: minusInfinity, where: load(beta + m) .>= costs)
            let down = (residual + epsilons).replacing(with: minusInfinity, where: load(beta + n + m) .<= 0)
            let takeUp = up .>= upValue, takeDown = down .>= downValue
            upValue.replace(with: up, where: takeUp)
            upIndex.replace(with: index, where: takeUp)
            downValue.replace(with: down, where: takeDown)
            downIndex.replace(with: index + shift, where: takeDown)
            index += step
            m += 4
        }
        // Merge the lanes: the largest value, ties to the later index, as one scan would.
        var up = Leader(), down = Leader()
        for lane in 0..<4 {
            if upValue[lane] > up.value || (upValue[lane] == up.value && Int(upIndex[lane]) > up.index) {
                up = Leader(value: upValue[lane], index: Int(upIndex[lane]))
            }
            if downValue[lane] > down.value || (downValue[lane] == down.value && Int(downIndex[lane]) > down.index) {
                down = Leader(value: downValue[lane], index: Int(downIndex[lane]))
            }
        }
        while m < n {
            var updated = kTheta[m]
            if let rowI, let rowJ {
                updated = updated + di * rowI[m] + dj * rowJ[m]
                kTheta[m] = updated
            }
            let residual = z[m] - updated
            up.offer(beta[m] < cost ? residual - epsilon : -.infinity, m)
            down.offer(beta[n + m] > 0 ? residual + epsilon : -.infinity, n + m)
            m += 1
        }
        return up.value >= down.value ? up : down
    }

    /// j: the partner of i with the largest second-order decrease violation²/curvature (libsvm's WSS 3), compared by
    /// cross-multiplication to avoid a division per sample, later candidates winning ties (αₜ before α*ₜ, then t + 1);
    /// also the largest yG among the variables free to move down. Returns j = −1 when no variable violates.
    @inline(__always)
    private static func choosePartner(gMax: Double, rowI: UnsafePointer<Double>, kii: Double, diagonal: UnsafePointer<Double>,
                                      kTheta: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
                                      z: UnsafePointer<Double>, n: Int, cost: Double, epsilon: Double,
                                      tau: Double) -> (j: Int, lowMax: Double) {
        let minusInfinity = Lanes(repeating: -.infinity)
        let costs = Lanes(repeating: cost), epsilons = Lanes(repeating: epsilon), gMaxes = Lanes(repeating: gMax)
        let kiis = Lanes(repeating: kii), taus = Lanes(repeating: tau), minusOne = Lanes(repeating: -1)
        var lowMaxes = minusInfinity
        // Per lane: the best numerator and curvature, and the scan position (2t for αₜ, 2t + 1 for α*ₜ).
        var bestNumerator = minusOne, bestCurvature = Lanes(repeating: 1), bestKey = minusOne
        var key = Lanes(0, 2, 4, 6)
        let step = Lanes(repeating: 8), one = Lanes(repeating: 1)
        var t = 0
        while t + 4 <= n {
            let g = load(kTheta + t) - load(z + t)
            let lowA = (g + epsilons).replacing(with: minusInfinity, where: load(beta + t) .<= 0)
            let lowB = (g - epsilons).replacing(with: minusInfinity, where: load(beta + n + t) .>= costs)
            let low = lowA.replacing(with: lowB, where: lowB .> lowA)
            lowMaxes.replace(with: low, where: low .> lowMaxes)
            let raw = kiis + load(diagonal + t) - 2 * load(rowI + t)
            let curvature = raw.replacing(with: taus, where: raw .<= 0)
            let violationA = gMaxes + lowA, violationB = gMaxes + lowB
            let numeratorA = (violationA * violationA).replacing(with: minusOne, where: violationA .<= 0)
            let numeratorB = (violationB * violationB).replacing(with: minusOne, where: violationB .<= 0)
            let takeA = (numeratorA .>= 0) .& (numeratorA * bestCurvature .>= bestNumerator * curvature)
            bestNumerator.replace(with: numeratorA, where: takeA)
            bestCurvature.replace(with: curvature, where: takeA)
            bestKey.replace(with: key, where: takeA)
            let takeB = (numeratorB .>= 0) .& (numeratorB * bestCurvature .>= bestNumerator * curvature)
            bestNumerator.replace(with: numeratorB, where: takeB)
            bestCurvature.replace(with: curvature, where: takeB)
            bestKey.replace(with: key + one, where: takeB)
            key += step
            t += 4
        }
        var lowMax = max(max(lowMaxes[0], lowMaxes[1]), max(lowMaxes[2], lowMaxes[3]))
        // Merge the lanes' leaders in scan order (ascending key; lanes without a candidate have key −1) with the
        // scan's own rule.
        var numerator = -1.0, curvatureOfBest = 1.0, position = -1
        var lastKey = -1.0
        while true {
            var lane = -1
            for candidate in 0..<4 where bestKey[candidate] > lastKey && (lane < 0 || bestKey[candidate] < bestKey[lane]) {
                lane = candidate
            }
            if lane < 0 { break }
            lastKey = bestKey[lane]
            if bestNumerator[lane] * curvatureOfBest >= numerator * bestCurvature[lane] {
                numerator = bestNumerator[lane]; curvatureOfBest = bestCurvature[lane]; position = Int(lastKey)
            }
        }
        var j = position < 0 ? -1 : (position % 2 == 0 ? position / 2 : n + position / 2)
        while t < n {
            let g = kTheta[t] - z[t]
            let lowA = beta[t] > 0 ? g + epsilon : -Double.infinity
            let lowB = beta[n + t] < cost ? g - epsilon : -Double.infinity
            lowMax = max(lowMax, max(lowA, lowB))
            let raw = kii + diagonal[t] - 2 * rowI[t]
            let curvature = raw > 0 ? raw : tau
            let violationA = gMax + lowA, violationB = gMax + lowB
            let numeratorA = violationA > 0 ? violationA * violationA : -1
            let numeratorB = violationB > 0 ? violationB * violationB : -1
            if numeratorA >= 0 && numeratorA * curvatureOfBest >= numerator * curvature {
                numerator = numeratorA; curvatureOfBest = curvature; j = t
            }
            if numeratorB >= 0 && numeratorB * curvatureOfBest >= numerator * curvature {
                numerator = numeratorB; curvatureOfBest = curvature; j = n + t
            }
            t += 1
        }
        return (j, lowMax)
    }

    /// ρ: the mean of yG over free variables, or the middle of the feasible interval when none is free.
    private func computeOffset(cost: Double) -> Double {
        let n = targets.count
        var upper = Double.infinity, lower = -Double.infinity, freeSum = 0.0, freeCount = 0
        for t in 0..<(2 * n) {
            let isAlpha = t < n
            let m = isAlpha ? t : t - n
            let yG = isAlpha ? kernelTimesCoefficients[m] + epsilon - targets[m] : kernelTimesCoefficients[m] - epsilon - targets[m]
            if beta[t] >= cost {
                if isAlpha { lower = max(lower, yG) } else { upper = min(upper, yG) }
            } else if beta[t] <= 0 {
                if isAlpha { upper = min(upper, yG) } else { lower = max(lower, yG) }
            } else {
                freeSum += yG
                freeCount += 1
            }
        }
        return freeCount > 0 ? freeSum / Double(freeCount) : (upper + lower) / 2
    }
}

extension SupportVectorRegression: PersistentPredictor {
    public static let kind = "svr"

    private enum CodingKeys: String, CodingKey {
        case cost, gamma, epsilon, tolerance, maximumIterations, keptFeatures, supportVectors, dualCoefficients, offset, targetScale
    }

    /// The chosen C and the fitted γ (both pinned), the solver settings, the kept feature columns, the support
    /// vectors (over the kept columns) with their dual coefficients, the offset ρ and the target scale.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cost = try container.decode(Double.self, forKey: .cost)
        let epsilon = try container.decode(Double.self, forKey: .epsilon)
        let tolerance = try container.decode(Double.self, forKey: .tolerance)
        guard cost > 0 else { throw DecodingError.dataCorruptedError(forKey: .cost, in: container, debugDescription: "must be > 0, got \(cost)") }
        guard epsilon >= 0 else { throw DecodingError.dataCorruptedError(forKey: .epsilon, in: container, debugDescription: "must be ≥ 0, got \(epsilon)") }
        guard tolerance > 0 else { throw DecodingError.dataCorruptedError(forKey: .tolerance, in: container, debugDescription: "must be > 0, got \(tolerance)") }
        let gamma = try container.decode(Double.self, forKey: .gamma)
        self.init(costs: [cost], epsilon: epsilon, kernelWidth: .fixed(gamma), tolerance: tolerance,
                  maximumIterations: try container.decode(Int.self, forKey: .maximumIterations))
        self.cost = cost
        self.gamma = gamma
        keptFeatures = try container.decode([Int].self, forKey: .keptFeatures)
        let supportVectors = try container.decode(Matrix.self, forKey: .supportVectors)
        dualCoefficients = try container.decode([Double].self, forKey: .dualCoefficients)
        guard supportVectors.rows == dualCoefficients.count, supportVectors.rows == 0 || supportVectors.columns == keptFeatures.count else {
            throw DecodingError.dataCorruptedError(forKey: .supportVectors, in: container,
                                                   debugDescription: "\(supportVectors.rows)×\(supportVectors.columns) support vectors for \(dualCoefficients.count) coefficients over \(keptFeatures.count) features")
        }
        installSupportVectors(supportVectors)
        offset = try container.decode(Double.self, forKey: .offset)
        targetScale = try container.decode(Double.self, forKey: .targetScale)
    }

    public func encode(to encoder: Encoder) throws {
        guard let cost else { throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "svr is not fitted")) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cost, forKey: .cost)
        try container.encode(gamma, forKey: .gamma)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(maximumIterations, forKey: .maximumIterations)
        try container.encode(keptFeatures, forKey: .keptFeatures)
        try container.encode(supportVectorRows, forKey: .supportVectors)
        try container.encode(dualCoefficients, forKey: .dualCoefficients)
        try container.encode(offset, forKey: .offset)
        try container.encode(targetScale, forKey: .targetScale)
    }

    public func checkFittedState(featureCount: Int) throws {
        if let bad = keptFeatures.firstIndex(where: { $0 < 0 || $0 >= featureCount }) {
            throw FittedStateError(field: "keptFeatures[\(bad)]", "is \(keptFeatures[bad]), outside the \(featureCount) features")
        }
        try FittedStateError.requireCount(supportVectorColumns.count, keptFeatures.count * paddedCount, field: "supportVectors.columns")
        try FittedStateError.requireCount(paddedCount, (dualCoefficients.count + 3) / 4 * 4, field: "dualCoefficients")
        try FittedStateError.requireFinite(supportVectorColumns, field: "supportVectors.storage")
        try FittedStateError.requireFinite(dualCoefficients, field: "dualCoefficients")
        try FittedStateError.requireFinite([gamma], field: "gamma")
        try FittedStateError.requireFinite([offset], field: "offset")
        guard targetScale.isFinite, targetScale > 0 else { throw FittedStateError(field: "targetScale", "must be a positive number") }
    }
}
