import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Never NaN or infinity in an output (issue 11, item 5): an undefined quantity is an empty field with a note in
/// CSV and Markdown, `null` in JSON, and the JSON encoding never fails on it.
@Suite("Undefined values in outputs")
struct UndefinedValueTests {
    static let rows = [
        Estimate(variable: "x", level: nil, domain: "region=A", statistic: "mean", estimate: 1.5, se: 0.25,
                 ciLow: 1, ciHigh: 2, deff: 1.1, n: 2, missing: 0, df: 4),
        Estimate(variable: "x", level: nil, domain: "region=B", statistic: "mean", estimate: 3, se: -.nan,
                 ciLow: nil, ciHigh: nil, deff: nil, n: 1, missing: 0, df: 4, note: "no interval"),
        Estimate(variable: "y", level: "oui", domain: nil, statistic: "total", estimate: .infinity, se: .infinity,
                 ciLow: nil, ciHigh: nil, deff: .nan, n: 4, missing: 0, df: 3),
    ]

    @Test("CSV leaves undefined values empty and says so in the note; nothing reads nan or inf")
    func csv() {
        let text = EstimateTable.csv(Self.rows)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"))
        #expect(lines[2] == "x,,region=B,3,,,,,1,mean,0,4,,no interval; se undefined (left empty),,,,")
        #expect(lines[3] == "y,oui,,,,,,,4,total,0,3,,estimate overflows (left empty); se overflows (left empty); deff undefined (left empty),,,,")
        #expect(lines[1].hasPrefix("x,,region=A,1.5,0.25,1,2,1.1,2,mean,0,4,"))
    }

    @Test("JSON writes null for undefined values instead of failing to encode")
    func json() throws {
        let text = try EstimateTable.json(Self.rows)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [[String: Any]]
        #expect(decoded[1]["se"] is NSNull)
        #expect(decoded[2]["estimate"] is NSNull && decoded[2]["se"] is NSNull && decoded[2]["deff"] is NSNull)
        #expect((decoded[0]["se"] as? Double) == 0.25)
        #expect((decoded[1]["note"] as? String) == "no interval; se undefined (left empty)")
        #expect(!text.lowercased().contains("nan") && !text.contains("inf"))
    }

    @Test("a string that merely looks like the null token stays a string")
    func tokenIsUnique() throws {
        struct Row: Encodable { var label: String; var value: Double }
        let text = try ReportJSON.encode([Row(label: "undefined-", value: .nan), Row(label: "null", value: 1)])
        #expect(text.contains("\"label\" : \"undefined-\""))
        #expect(text.contains("\"value\" : null"))
        #expect(text.contains("\"label\" : \"null\""))
    }

    @Test("Markdown leaves the cells empty and lists the undefined values under the table")
    func markdown() {
        let text = EstimateTable.markdown(Self.rows, level: 0.95)
        #expect(!text.contains("NA") && !text.lowercased().contains("nan") && !text.contains("Inf"))
        #expect(text.contains("Empty cells are undefined values"))
        #expect(text.contains("- se of 'x' in domain region=B is undefined"))
        #expect(text.contains("- estimate of 'y' = 'oui' is undefined: it overflows"))
    }

    @Test("the comparison table and its chart write no NaN or infinity")
    func comparison() throws {
        let r = ComparisonRow(variable: "x", level: nil, domain: nil, statistic: "mean", raw: .infinity, weighted: .nan,
                              se: .nan, ciLow: nil, ciHigh: nil, shift: .nan, rawOutsideInterval: false, n: 4)
        let ok = ComparisonRow(variable: "z", level: nil, domain: nil, statistic: "mean", raw: 1, weighted: 2,
                               se: 0.1, ciLow: 1.8, ciHigh: 2.2, shift: 1, rawOutsideInterval: true, n: 4)
        for text in [ComparisonTable.csv([r, ok]), try ComparisonTable.json([r, ok]), ComparisonTable.markdown([r, ok], level: 0.95),
                     SVGChart.comparisons([r, ok], title: "t")] {
            #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"), "\(text)")
        }
        #expect(ComparisonTable.csv([r]).contains(",no,4,raw overflows (left empty); weighted undefined (left empty)"))
    }

    @Test("the calibration report's JSON encodes a non-finite figure as null")
    func calibrationReport() throws {
        let survey = SyntheticSurvey()
        var report = try Calibrator(margins: Margins(categorical: [survey.regionMargin]), method: .raking)
            .calibrate(survey.table, baseWeights: survey.d).report
        report.maxDeviation = .nan
        let text = try report.json()
        #expect(text.contains("\"maxDeviation\" : null"))
        #expect(!report.markdown().contains("NA |"))
    }
}
