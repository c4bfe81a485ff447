import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

@Suite("Chart axes read like a statistics office's")
struct ChartAxisTests {
    @Test("ticks are round steps of 1, 2 or 5 times a power of ten covering the range")
    func roundTicks() {
        #expect(SVGChart.ticks(0, 0.83).map { ($0 * 100).rounded() } == [0, 20, 40, 60, 80])
        #expect(SVGChart.ticks(3, 131) == [20, 40, 60, 80, 100, 120])
        #expect(SVGChart.ticks(0.012, 0.047).map { ($0 * 1000).rounded() } == [20, 30, 40])
    }

    @Test("the dot plot of shares has percent ticks with gridlines between its ends, an axis title, and marks the truth")
    func dotPlotAxis() {
        let rows = [ComparisonRow(variable: "website", level: nil, domain: nil, statistic: "proportion", raw: 0.76, weighted: 0.68, se: 0.01,
                                  ciLow: 0.65, ciHigh: 0.71, shift: -0.08, rawOutsideInterval: true, n: 100)]
        let svg = SVGChart.comparison(rows, title: "t", truth: ["website": 0.6], published: ["website": 0.76], axisLabel: "share (%)")
        for label in ["60 %", "65 %", "70 %", "75 %"] { #expect(svg.contains(">\(label)</text>"), "\(label)") }
        #expect(svg.components(separatedBy: "class=\"grid\"").count - 1 >= 4)
        #expect(svg.contains("class=\"axis-label\"") && svg.contains(">share (%)</text>"))
        #expect(svg.contains("class=\"truth\"") && svg.contains("class=\"published\""))
    }

    @Test("the weight histogram labels ticks inside its range on both axes and names them")
    func histogramAxis() {
        let values = (0..<500).map { 1 + Double($0 % 100) }
        let svg = SVGChart.histogram(values, title: "w")
        for label in [">20</text>", ">40</text>", ">60</text>", ">80</text>"] { #expect(svg.contains(label), "\(label)") }
        #expect(svg.contains(">weight</text>") && svg.contains(">respondents</text>"))
        #expect(svg.components(separatedBy: "class=\"tick-label\"").count - 1 >= 8)
    }

    @Test("the margins bar chart has a percent axis with gridlines, from 0 to a round tick above the largest share")
    func marginsAxis() {
        let rows = [ConstraintDiagnostic(label: "region=N", margin: "region", level: "N", target: 60, respondents: 7, before: 70, after: 60, deviation: 0, redundant: false),
                    ConstraintDiagnostic(label: "region=S", margin: "region", level: "S", target: 40, respondents: 3, before: 30, after: 40, deviation: 0, redundant: false)]
        let svg = SVGChart.margins(rows, title: "m")
        for label in [">0 %</text>", ">20 %</text>", ">40 %</text>", ">60 %</text>", ">80 %</text>"] { #expect(svg.contains(label), "\(label)") }
        #expect(!svg.contains(">100 %</text>"))  // 70 % is the largest share: the axis ends at 80 %
        #expect(svg.contains(">share of the margin's total</text>"))
        #expect(svg.components(separatedBy: "class=\"grid\"").count - 1 == 5)
    }

    @Test("the convergence trace labels every power of ten between its ends and integer iterations, and names both axes")
    func traceAxis() {
        let svg = SVGChart.trace([1e-1, 1e-3, 1e-6, 1e-9, 1e-12], title: "t")
        for label in [">1e-12</text>", ">1e-10</text>", ">1e-8</text>", ">1e-6</text>", ">1e-4</text>", ">1e-2</text>"] {
            #expect(svg.contains(label), "\(label)")
        }
        for label in [">0</text>", ">1</text>", ">2</text>", ">3</text>", ">4</text>"] { #expect(svg.contains(label), "\(label)") }
        #expect(svg.contains(">iteration</text>") && svg.contains(">largest relative deviation</text>"))
    }
}
