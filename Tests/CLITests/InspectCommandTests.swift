import Foundation
import Testing
import WeightingTestSupport

/// `weight-cli inspect`: one line per column, numbers with their range, levels with their first values.
@Suite("weight-cli inspect")
struct InspectCommandTests {
    @Test("a column whose every value is missing says so instead of printing nan as its range")
    func everyValueMissing() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try dir.write("s.csv", "vide,x,g\n,1.5,a\nNA,-2,b\n,,a\n")
        let r = try CLI.run(["inspect", "s.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "s.csv: 3 rows, 3 columns\n  vide: numeric, 3 missing (every value)\n  x: numeric, 1 missing, min -2, max 1.5\n  g: 2 levels (a, b), 0 missing\n")
    }
}
