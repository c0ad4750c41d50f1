import Foundation
import SwiftNASCore

/// The steps of Riesz s-energy reference directions (Blank et al. 2021), with pymoo 0.6.2's settings
/// (`pymoo/util/ref_dirs/energy.py` and `reduction.py`): a k-means reduction of random simplex points as the
/// start, then Adam descent of the log mean energy, projected back onto the simplex after every step.
///
/// Points are stored row-major in flat arrays (`count × dimensions`) to keep the inner loops cheap.
enum RieszEnergy {
    /// Random simplex points the reduction start is drawn from (pymoo `n_sample_points`).
    static let samplePointCount = 10_000
    /// k-means limits of the reduction start (pymoo `kmeans_max_iter`, `kmeans_a_tol`).
    static let kMeansIterationLimit = 1_000
    static let kMeansTolerance = 1e-4
    /// Descent limits (pymoo `n_max_iter`, `precision`, `n_until_optimizer_reset`).
    static let descentIterationLimit = 1_000
    static let descentPrecision = 1e-5
    static let iterationsBeforeRestart = 30
    /// Adam's first learning rate (pymoo `Adam(alpha=0.005)`); halved at every restart.
    static let initialLearningRate = 0.005

    // MARK: Start

    /// `count` start points: the boundary points of the largest lattice not above `count` stay fixed, the
    /// rest are picked greedily farthest from those already picked among uniform random simplex points, then
    /// moved by k-means over all the points (pymoo `ReductionBasedReferenceDirectionFactory`).
    static func reductionStart(count: Int, dimensions: Int, random: inout SeededRandom) -> [Double] {
        let partitions = ReferenceDirections.partitions(notExceeding: count, dimensions: dimensions)
        let boundary = ReferenceDirections.dasDennis(partitions: partitions, dimensions: dimensions)
            .filter { $0.contains(0) }
        var points = boundary.flatMap { $0 }
        for _ in 0..<samplePointCount { points += uniformSimplexPoint(dimensions: dimensions, random: &random) }
        let pointCount = points.count / dimensions

        // Greedy max-min selection, starting from the fixed boundary points (or one random point).
        var selected = Array(boundary.indices)
        if selected.isEmpty { selected = [random.nextIndex(pointCount)] }
        var distanceToSelected = [Double](repeating: .infinity, count: pointCount)
        func include(_ chosen: Int) {
            for i in 0..<pointCount {
                distanceToSelected[i] = min(distanceToSelected[i], distance(points, i, points, chosen, dimensions))
            }
            distanceToSelected[chosen] = -.infinity
        }
        selected.forEach(include)
        while selected.count < count {
            var farthest = 0
            for i in 1..<pointCount where distanceToSelected[i] > distanceToSelected[farthest] { farthest = i }
            selected.append(farthest)
            include(farthest)
        }
        var centroids: [Double] = []
        for index in selected.prefix(count) { centroids += points[(index * dimensions)..<((index + 1) * dimensions)] }
        return kMeans(points, centroids: centroids, fixed: min(boundary.count, count), dimensions: dimensions)
    }

    /// A uniform point on the unit simplex: the gaps between sorted uniform cut points (Kraemer's method).
    static func uniformSimplexPoint(dimensions: Int, random: inout SeededRandom) -> [Double] {
        var cuts = (0..<(dimensions - 1)).map { _ in random.nextUnit() }
        cuts.sort()
        cuts.insert(0, at: 0)
        cuts.append(1)
        return (0..<dimensions).map { cuts[$0 + 1] - cuts[$0] }
    }

    /// Lloyd's k-means on the simplex with the first `fixed` centroids never moving; a centroid that attracts
    /// no point stays where it is.
    static func kMeans(_ points: [Double], centroids start: [Double], fixed: Int, dimensions: Int) -> [Double] {
        var centroids = start
        let pointCount = points.count / dimensions
        let centroidCount = centroids.count / dimensions
        for _ in 0..<kMeansIterationLimit {
            let previous = centroids
            var sums = [Double](repeating: 0, count: centroids.count)
            var members = [Int](repeating: 0, count: centroidCount)
            for i in 0..<pointCount {
                var nearest = 0
                var nearestDistance = Double.infinity
                for c in 0..<centroidCount {
                    let d = squaredDistance(points, i, centroids, c, dimensions)
                    if d < nearestDistance { nearestDistance = d; nearest = c }
                }
                members[nearest] += 1
                for k in 0..<dimensions { sums[nearest * dimensions + k] += points[i * dimensions + k] }
            }
            for c in fixed..<centroidCount where members[c] > 0 {
                for k in 0..<dimensions { centroids[c * dimensions + k] = sums[c * dimensions + k] / Double(members[c]) }
            }
            projectOntoSimplex(&centroids, dimensions: dimensions)
            var change = 0.0
            for i in centroids.indices { change += abs(centroids[i] - previous[i]) }
            if change / Double(centroidCount) < kMeansTolerance { break }
        }
        return centroids
    }

    // MARK: Descent

    /// Moves the points to a low Riesz s-energy configuration (s = 2 × dimensions, pymoo's `d`) and returns
    /// the best one met, as rows.
    static func minimize(_ start: [Double], dimensions: Int) -> [[Double]] {
        let count = start.count / dimensions
        guard count > 1 else { return rows(start, dimensions: dimensions) }
        let exponent = Double(2 * dimensions)
        var current = start
        var best = start
        var bestEnergy = Double.infinity
        var optimizer = Adam(learningRate: initialLearningRate, size: start.count)
        var iterationsWithoutImprovement = 0
        for _ in 0..<descentIterationLimit {
            var (logEnergy, gradient) = energyAndGradient(current, exponent: exponent, dimensions: dimensions)
            projectOntoZeroSumPlane(&gradient, dimensions: dimensions)
            var largestNorm = 0.0
            for i in 0..<count {
                var norm = 0.0
                for k in 0..<dimensions { norm += gradient[i * dimensions + k] * gradient[i * dimensions + k] }
                largestNorm = max(largestNorm, norm.squareRoot())
            }
            let scale = 1 / max(largestNorm, 1e-24)
            for i in gradient.indices { gradient[i] *= scale }
            var next = optimizer.step(current, gradient: gradient)
            projectOntoSimplex(&next, dimensions: dimensions)

            // As pymoo: the energy is that of the points before the step, the stored best the points after it.
            if logEnergy < bestEnergy {
                best = next; bestEnergy = logEnergy; iterationsWithoutImprovement = 0
            } else {
                iterationsWithoutImprovement += 1
            }
            var movement = 0.0
            for i in next.indices { movement += abs(next[i] - current[i]) }
            if movement / Double(next.count) < descentPrecision || logEnergy.isNaN { break }
            if iterationsWithoutImprovement > iterationsBeforeRestart {
                optimizer = Adam(learningRate: optimizer.learningRate / 2, size: start.count)
                next = best
                iterationsWithoutImprovement = 0
            }
            current = next
        }
        return rows(best, dimensions: dimensions)
    }

    /// The log of the mean of 1 / distance^s over all pairs, and its gradient with respect to every
    /// coordinate (pymoo `calc_potential_energy_with_grad`, including its floor on tiny distances).
    static func energyAndGradient(_ points: [Double], exponent: Double, dimensions: Int) -> (Double, [Double]) {
        let count = points.count / dimensions
        let smallestDistance = pow(10, -320 / (exponent + 2))
        var energy = 0.0
        var gradient = [Double](repeating: 0, count: points.count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                let d = max(distance(points, i, points, j, dimensions), smallestDistance)
                energy += 1 / pow(d, exponent)
                let factor = -exponent / pow(d, exponent + 2)
                for k in 0..<dimensions {
                    let difference = points[i * dimensions + k] - points[j * dimensions + k]
                    gradient[i * dimensions + k] += factor * difference
                    gradient[j * dimensions + k] -= factor * difference
                }
            }
        }
        for i in gradient.indices { gradient[i] /= energy }
        let pairCount = Double(count * (count - 1) / 2)
        return (log(energy) - log(pairCount), gradient)
    }

    /// Adam (Kingma & Ba 2015) with its usual constants (β₁ 0.9, β₂ 0.999, ε 1e-8), as pymoo's.
    struct Adam {
        let learningRate: Double
        private var firstMoment: [Double]
        private var secondMoment: [Double]
        private var stepCount = 0

        init(learningRate: Double, size: Int) {
            self.learningRate = learningRate
            firstMoment = [Double](repeating: 0, count: size)
            secondMoment = [Double](repeating: 0, count: size)
        }

        mutating func step(_ x: [Double], gradient: [Double]) -> [Double] {
            stepCount += 1
            let correction1 = 1 - pow(0.9, Double(stepCount))
            let correction2 = 1 - pow(0.999, Double(stepCount))
            var next = x
            for i in x.indices {
                firstMoment[i] = 0.9 * firstMoment[i] + 0.1 * gradient[i]
                secondMoment[i] = 0.999 * secondMoment[i] + 0.001 * gradient[i] * gradient[i]
                next[i] -= learningRate * (firstMoment[i] / correction1)
                    / ((secondMoment[i] / correction2).squareRoot() + 1e-8)
            }
            return next
        }
    }

    // MARK: Geometry

    /// Removes from each row its component along (1, …, 1), so moving along it keeps the coordinate sum.
    static func projectOntoZeroSumPlane(_ rows: inout [Double], dimensions: Int) {
        for start in stride(from: 0, to: rows.count, by: dimensions) {
            var sum = 0.0
            for k in 0..<dimensions { sum += rows[start + k] }
            let mean = sum / Double(dimensions)
            for k in 0..<dimensions { rows[start + k] -= mean }
        }
    }

    /// Puts every row back onto the unit simplex: negative coordinates are clamped to zero and the positive
    /// ones shifted equally to sum to one, repeatedly until none is negative (pymoo
    /// `project_onto_unit_simplex_recursive`), then every row is rescaled to sum exactly to one.
    static func projectOntoSimplex(_ rows: inout [Double], dimensions: Int) {
        for start in stride(from: 0, to: rows.count, by: dimensions) {
            let row = start..<(start + dimensions)
            if rows[row].contains(where: { $0 < 0 }) {
                while true {
                    for k in row where rows[k] < 0 { rows[k] = 0 }
                    let positive = row.filter { rows[$0] > 0 }
                    if positive.isEmpty { break }
                    let shift = (positive.reduce(0) { $0 + rows[$1] } - 1) / Double(positive.count)
                    for k in positive { rows[k] -= shift }
                    if !rows[row].contains(where: { $0 < 0 }) { break }
                }
            }
            let sum = rows[row].reduce(0, +)
            if sum > 0 { for k in row { rows[k] /= sum } }
        }
    }

    static func squaredDistance(_ a: [Double], _ i: Int, _ b: [Double], _ j: Int, _ dimensions: Int) -> Double {
        var sum = 0.0
        for k in 0..<dimensions {
            let difference = a[i * dimensions + k] - b[j * dimensions + k]
            sum += difference * difference
        }
        return sum
    }

    static func distance(_ a: [Double], _ i: Int, _ b: [Double], _ j: Int, _ dimensions: Int) -> Double {
        squaredDistance(a, i, b, j, dimensions).squareRoot()
    }

    static func rows(_ flat: [Double], dimensions: Int) -> [[Double]] {
        stride(from: 0, to: flat.count, by: dimensions).map { Array(flat[$0..<($0 + dimensions)]) }
    }
}
