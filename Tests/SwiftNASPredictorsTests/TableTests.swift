import Foundation
import Testing
import SwiftNASCore
import SwiftNASSpace
@testable import SwiftNASPredictors

@Suite struct TableTests {
    let mbv3 = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
    let subnetwork = "\"{'wid': None, 'ks': [5, 7, 5, 5, 3, 3, 3, 7, 5, 5, 3, 7, 7, 3, 3, 3, 5, 5, 5, 5], 'e': [4, 3, 4, 4, 4, 6, 3, 4, 4, 3, 4, 3, 3, 6, 6, 6, 4, 3, 4, 4], 'd': [2, 3, 2, 4, 3], 'r': [224]}\""

    @Test func csvHandlesQuotesCommasAndCRLF() throws {
        let table = try CSVTable(parsing: "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",3\r\n\r\n\"multi\nline\",,\"\"\r\n", source: "t.csv")
        #expect(table.header == ["a", "b", "c"])
        #expect(table.records == [["x, y", "say \"hi\"", "3"], ["multi\nline", "", ""]])
    }

    @Test func csvErrorsNameTheLine() {
        #expect(throws: InputError(source: "t.csv", field: "line 3", "has 1 fields, the header has 2")) {
            try CSVTable(parsing: "a,b\n1,2\n3\n", source: "t.csv")
        }
        #expect(throws: InputError(source: "t.csv", field: "line 2", "a quoted field is never closed")) {
            try CSVTable(parsing: "a,b\n\"1,2\n", source: "t.csv")
        }
    }

    @Test func readsDyNASTFormat() throws {
        let text = "Sub-network,Date,Model Parameters,Latency (ms),MACs,Top-1 Acc (%)\n\(subnetwork),2022-11-01 05:40:09.265694,5029656,0,255502624,75.448\n"
        let table = try MeasurementTable.parse(text, source: "d.csv", space: mbv3, target: "Top-1 Acc (%)")
        #expect(table.targets == [75.448])
        #expect(mbv3.json(of: table.configurations[0]).hasPrefix("{\"ks\":[5,7,5,5,3"))
        let macs = try MeasurementTable.parse(text, source: "d.csv", space: mbv3, target: "MACs")
        #expect(macs.targets == [255502624])
    }

    @Test func readsSwiftNASFormatAndMergesDuplicates() throws {
        var rng = SeededRandom(seed: 4)
        let a = mbv3.randomConfiguration(using: &rng), b = mbv3.randomConfiguration(using: &rng)
        func quoted(_ c: Configuration) -> String { "\"" + mbv3.json(of: c).replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let text = "config,accuracy\n\(quoted(a)),70\n\(quoted(b)),60\n\(quoted(a)),72\n"
        let table = try MeasurementTable.parse(text, source: "s.csv", space: mbv3, target: "accuracy").mergingDuplicates(space: mbv3)
        #expect(table.targets == [71, 60])
        #expect(table.configurations == [mbv3.canonical(a), mbv3.canonical(b)])
    }

    @Test func badInputNamesFileRowAndColumn() {
        let header = "Sub-network,MACs\n"
        #expect(throws: InputError(source: "d.csv", field: "row 1, column 'MACs'", "not a finite number: 'lots'")) {
            try MeasurementTable.parse(header + "\(subnetwork),lots\n", source: "d.csv", space: mbv3, target: "MACs")
        }
        #expect(throws: InputError(source: "d.csv", field: "header", "no column 'Latency (ms)' (columns: Sub-network, MACs)")) {
            try MeasurementTable.parse(header + "\(subnetwork),1\n", source: "d.csv", space: mbv3, target: "Latency (ms)")
        }
        #expect(throws: InputError.self) {
            try MeasurementTable.parse(header + "\"{'ks': [1]}\",1\n", source: "d.csv", space: mbv3, target: "MACs")
        }
        #expect(throws: InputError(source: "d.csv", "has 1 data rows, at least 10 are needed")) {
            try MeasurementTable.parse(header + "\(subnetwork),1\n", source: "d.csv", space: mbv3, target: "MACs", minimumRows: 10)
        }
        do {
            _ = try MeasurementTable.parse(header + "\(subnetwork),1\n\"{'ks': [1]}\",1\n", source: "d.csv", space: mbv3, target: "MACs")
        } catch let error as InputError {
            #expect(error.field == "row 2, column 'Sub-network'")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func oneHotFeaturesMatchTheSpace() {
        var rng = SeededRandom(seed: 1)
        let configurations = (0..<3).map { _ in mbv3.randomConfiguration(using: &rng) }
        let onehot = FeatureEncoding.onehot.features(of: configurations, in: mbv3)
        #expect(onehot.rows == 3 && onehot.columns == 135)
        #expect(onehot.row(1) == mbv3.oneHotFeatures(of: configurations[1]))
        #expect(FeatureEncoding.ordinal.features(of: configurations, in: mbv3).columns == 45)
    }
}
