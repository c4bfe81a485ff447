import Weighting
import WeightingIO
/// Turns the pipe tables Weighting writes in Markdown into HTML tables (for the HTML reports).
public enum MarkdownHTML {
    /// Converts every pipe table of `markdown` to HTML; other lines become paragraphs or headings.
    public static func table(_ markdown: String) -> String {
        var out = ""
        var inTable = false
        var header = true
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("|") {
                let cells = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.allSatisfy { "-:".contains($0) } && !$0.isEmpty }) { header = false; continue }
                if !inTable { out += "<table>"; inTable = true; header = true }
                let tag = header ? "th" : "td"
                out += "<tr>" + cells.map { "<\(tag)>\(SVGChart.escape($0))</\(tag)>" }.joined() + "</tr>"
            } else {
                if inTable { out += "</table>\n"; inTable = false }
                if line.hasPrefix("#") {
                    let level = min(6, line.prefix { $0 == "#" }.count + 1)
                    out += "<h\(level)>\(SVGChart.escape(line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)))</h\(level)>\n"
                } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    out += "<p>\(SVGChart.escape(line))</p>\n"
                }
            }
        }
        if inTable { out += "</table>\n" }
        return out
    }
}
