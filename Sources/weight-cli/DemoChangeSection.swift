import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

/// The demo's section on differences and change: the gap between the smallest and the largest communes, each
/// region against France, and the change between the 2025 edition and a simulated next edition, each next to
/// the truth the simulation knows. Its files are written with the demo's.
struct DemoChangeSection {
    /// Files written in the demo's folder, in the order of ``files``.
    static let fileNames = ["edition2025.csv", "edition_suivante.csv", "verite_editions.csv", "evolution.html"]

    let output: NextEditionDemo.Output

    /// Runs the simulation of the two editions on the demo's frame and margins.
    init(frame: Margins, margins: Margins, seed: UInt64) throws {
        let simulator = NextEditionSimulator(simulator: try BarometerSimulator(margins: frame, seed: seed))
        output = try NextEditionDemo(simulator: simulator, margins: margins, seed: seed).run()
    }

    /// The files' text, in the order of ``fileNames``.
    var files: [String] { [output.files.first, output.files.next, output.files.truth, output.html] }

    /// The section's text for standard output.
    func text(outputDir: String) -> String {
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func pts(_ x: Double?) -> String { x.map { String(format: "%+6.1f", 100 * $0) } ?? "     " }
        func p(_ x: Double?) -> String { x.map { $0 < 1e-4 ? "<0.0001" : String(format: "%.4f", $0) } ?? "" }
        var s = "\nDifferences and change (a second simulation: the 2025 edition, \(output.respondents.first) communes, and a next edition in which \(output.respondents.next) of them answer again)\n"
        let sizes = output.sizeGaps.first.map { _ in "largest minus smallest communes" } ?? ""
        s += "\n2025, \(sizes) (points; design-based t test):\n"
        s += pad("indicator", 20) + "  truth  estimate  95% CI            p\n"
        for g in output.sizeGaps {
            let e = g.estimate
            s += pad(g.indicator, 20) + " \(pts(g.truth))  \(pts(e.estimate))    [\(pts(e.ciLow)), \(pts(e.ciHigh))]  \(p(e.pValue))\n"
        }
        s += "\n2025, site_web: each region minus France (points; Holm-adjusted p):\n"
        s += pad("region", 28) + "  truth  estimate  95% CI            p adj.\n"
        for r in output.regions {
            let e = r.estimate
            let region = String(e.label.dropLast(" - all".count))
            s += pad(region, 28) + " \(pts(r.truth))  \(pts(e.estimate))    [\(pts(e.ciLow)), \(pts(e.ciHigh))]  \(p(e.adjustedPValue))\(e.note.map { "  \($0)" } ?? "")\n"
        }
        s += "\nChange 2025 -> next edition (points; panel SE accounts for the communes answering both):\n"
        s += pad("indicator", 20) + "  truth  change  95% CI            se panel  se indep.  covered\n"
        for r in output.changes {
            let c = r.change.change
            let covered = r.truth.map { t in (c.ciLow ?? .nan) <= t && t <= (c.ciHigh ?? .nan) } ?? false
            s += pad(String(r.change.variable.dropLast("=oui".count)), 20) + " \(pts(r.truth)) \(pts(c.estimate))  [\(pts(c.ciLow)), \(pts(c.ciHigh))]"
            s += String(format: "   %5.2f     %5.2f     ", 100 * (c.se ?? .nan), 100 * (r.change.independentSE ?? .nan)) + (covered ? "yes" : "no") + "\n"
        }
        s += "report: \(outputDir)/evolution.html\n"
        return s
    }
}
