import SwiftNASAlgorithms
import SwiftNASPareto
import SwiftNASProblems

/// NSGA-II on ZDT1 (30 variables), population 50, 20 000 evaluations, seed 1: the workload
/// `benchmarks/algorithms.sh` times against pymoo's NSGA2 with the same settings. The result is the
/// hypervolume of the final front with reference (1.1, 1.1).
struct NSGA2ZDT1Benchmark: Benchmark {
    static let name = "nsga2-zdt1"
    let problem = ZDT(.one)

    init() {}

    func run() -> String {
        guard var algorithm = try? NSGA2(domain: problem.domain, settings: AlgorithmSettings(populationSize: 50, seed: 1)) else {
            return "hv=nan"
        }
        let spent = minimize(problem, with: &algorithm, evaluations: 20_000)
        let hypervolume = Hypervolume.compute(algorithm.best.map(\.objectives), reference: [1.1, 1.1])
        return "hv=\(hypervolume) evaluations=\(spent)"
    }
}
