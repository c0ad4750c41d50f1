import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import SwiftNASPareto
import SwiftNASStore
@testable import SwiftNASReport

@Suite struct ReportTests {
    let goal = SearchGoal(objectives: [.init(metric: "accuracy", sense: .maximize), .init(metric: "macs", sense: .minimize)])

    func record(_ sequence: Int, _ accuracy: Double, _ macs: Double, failed: Bool = false) -> EvaluationRecord {
        EvaluationRecord(sequence: sequence, configurationHash: "\(sequence)", configuration: #"{"a":[\#(sequence)]}"#,
                         metrics: failed ? [:] : ["accuracy": accuracy, "macs": macs], status: failed ? .failed : .ok,
                         started: 0, finished: 0, evaluator: "t")
    }

    @Test func hypervolumeGrowsWithTheFront() {
        let records = [record(0, 70, 300), record(1, 72, 250), record(2, 0, 0, failed: true), record(3, 75, 400), record(4, 71, 350)]
        let summary = SearchSummary(records: records, goal: goal, reference: [60, 500], checkpoints: [1, 2, 5])
        // After 1: (70,300) → (70-60)*(500-300) = 2000. After 2: (72,250) dominates it → 12*250 = 3000.
        // After 5: front {(72,250), (75,400)}: 12*250 + (75-72)*(500-400) = 3300.
        #expect(summary.hypervolumeCurve.map(\.evaluations) == [1, 2, 5])
        #expect(summary.hypervolumeCurve.map(\.hypervolume) == [2000, 3000, 3300])
        #expect(Set(summary.front.map(\.sequence)) == [1, 3])
    }

    @Test func defaultReferenceIsTheNadir() {
        let summary = SearchSummary(records: [record(0, 70, 300), record(1, 72, 250)], goal: goal)
        #expect(summary.reference == [70, 300])
    }

    @Test func plotsAndPageAreWellFormed() {
        let records = (0..<30).map { record($0, 70 + Double($0 % 7), 200 + Double($0 * 13 % 150)) }
        let summary = SearchSummary(records: records, goal: goal)
        for svg in [ReportPlots.paretoSVG(summary), ReportPlots.hypervolumeSVG(summary)] {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(svg.contains("<circle"))
        }
        let html = HTMLReport.page(summary, title: "a <b> & c")
        #expect(html.contains("a &lt;b&gt; &amp; c"))
        #expect(html.contains("<svg"))
    }
}
