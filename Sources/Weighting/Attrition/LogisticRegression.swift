import Foundation

/// A fitted logistic regression `logit P(y = 1) = x'β` (binomial GLM with logit link).
public struct LogisticFit: Sendable, Equatable, Codable {
    /// Names of the columns of the model matrix (`(Intercept)`, then `variable=level` dummies and numeric names).
    public var terms: [String]
    /// Coefficients β.
    public var coefficients: [Double]
    /// Model-based standard errors, `sqrt(diag((X'WX)⁻¹))` at convergence (as R's `summary.glm` for binomial).
    public var standardErrors: [Double]
    /// IRLS iterations.
    public var iterations: Int
    /// Residual deviance `−2 Σ w [y log p + (1−y) log(1−p)]`.
    public var deviance: Double
    /// Fitted probabilities, one per record.
    public var fitted: [Double]
}

/// Why a logistic regression cannot be fitted.
public enum LogisticError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A covariate (or level) predicts the response perfectly, so the estimates diverge.
    case separation(String)
    /// IRLS did not converge.
    case didNotConverge(iterations: Int, change: Double)
    /// The model matrix is rank deficient (collinear covariates).
    case collinear([String])
    /// The response has a single value.
    case constantResponse(Double)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .separation(let s):
            return "perfect separation in the response model: \(Echo.text(s)); merge that level with a neighbour or drop the covariate"
        case .didNotConverge(let it, let c):
            return "the response model did not converge in \(it) IRLS iterations (relative deviance change \(c))"
        case .collinear(let terms):
            return "collinear covariates in the response model: \(terms.map { Echo.text($0) }.joined(separator: ", ")) are linear combinations of the others"
        case .constantResponse(let v):
            return "every record has response \(Table.format(v)): there is nothing to model"
        }
    }
}

/// Logistic regression by iteratively reweighted least squares (McCullagh & Nelder 1989, §4.4), each step a
/// weighted least-squares solve `(X'WX) β = X'Wz` with LAPACK (`dsyrk`, `dposv`), `W = w p(1−p)`,
/// `z = η + (y − p)/(p(1−p))`. Converges when the relative change in deviance is below 1e-10 (R's glm uses 1e-8
/// with the same algorithm; the tighter bound makes the coefficients agree to 1e-8 or better).
public enum LogisticRegression {
    /// Fits `y` (0/1) on the columns of `x` (n x p, column-major, intercept included by the caller).
    ///
    /// - Parameters:
    ///   - x: the model matrix, n x p, column-major.
    ///   - terms: the name of each column of `x`, for the report.
    ///   - y: the response, 0 or 1 for each record.
    ///   - weights: prior weights (R's `weights=`), all 1 by default.
    ///   - maxIterations: the largest number of IRLS steps.
    /// - Throws: ``LogisticError`` for separation, collinearity, a constant response or non-convergence.
    public static func fit(x: Matrix, terms: [String], y: [Double], weights: [Double]? = nil, maxIterations: Int = 50) throws -> LogisticFit {
        let n = x.rows, p = x.columns
        let w = weights ?? [Double](repeating: 1, count: n)
        let total = zip(y, w).reduce(0) { $0 + $1.0 * $1.1 }, sw = w.reduce(0, +)
        if total == 0 || total == sw { throw LogisticError.constantResponse(total == 0 ? 0 : 1) }
        // Rank check on X'WX.
        let kept = AuxiliaryDesign.independentColumns(x, weights: w)
        if kept.count < p {
            throw LogisticError.collinear((0..<p).filter { !kept.contains($0) }.map { terms[$0] })
        }
        var beta = [Double](repeating: 0, count: p)
        // Start as glm: mu = (w y + 0.5)/(w + 1), eta = logit(mu).
        var eta = (0..<n).map { i -> Double in
            let mu = (w[i] * y[i] + 0.5) / (w[i] + 1)
            return log(mu / (1 - mu))
        }
        var deviance = Double.infinity
        var iterations = 0
        var converged = false
        var info = Matrix(rows: p, columns: p)
        while iterations < maxIterations {
            iterations += 1
            var working = [Double](repeating: 0, count: n)
            var z = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let mu = 1 / (1 + exp(-eta[i]))
                let v = max(mu * (1 - mu), 1e-300)
                working[i] = w[i] * v
                z[i] = eta[i] + (y[i] - mu) / v
            }
            info = LAPACK.weightedCrossProduct(x, weights: working)
            var rhs = [Double](repeating: 0, count: n)
            for i in 0..<n { rhs[i] = working[i] * z[i] }
            let xtwz = LAPACK.product(x, transpose: true, rhs)
            beta = try LAPACK.solvePositiveDefinite(info, xtwz)
            eta = LAPACK.product(x, transpose: false, beta)
            var dev = 0.0
            for i in 0..<n {
                let mu = 1 / (1 + exp(-eta[i]))
                if y[i] > 0 { dev -= 2 * w[i] * y[i] * log(max(mu, 1e-300)) }
                if y[i] < 1 { dev -= 2 * w[i] * (1 - y[i]) * log(max(1 - mu, 1e-300)) }
            }
            let change = abs(dev - deviance) / (abs(dev) + 0.1)
            deviance = dev
            if change < 1e-10 { converged = true; break }
        }
        let fitted = eta.map { 1 / (1 + exp(-$0)) }
        if let bad = separation(x: x, terms: terms, y: y, fitted: fitted, beta: beta) { throw LogisticError.separation(bad) }
        if !converged { throw LogisticError.didNotConverge(iterations: iterations, change: .nan) }
        // Information at the final β.
        var working = [Double](repeating: 0, count: n)
        for i in 0..<n { working[i] = w[i] * fitted[i] * (1 - fitted[i]) }
        info = LAPACK.weightedCrossProduct(x, weights: working)
        let cov = try LAPACK.inversePositiveDefinite(info)
        return LogisticFit(terms: terms, coefficients: beta, standardErrors: (0..<p).map { cov[$0, $0].squareRoot() },
                           iterations: iterations, deviance: deviance, fitted: fitted)
    }

    /// Separation shows as fitted probabilities at 0 or 1 and huge coefficients; names the dummy terms whose
    /// records all sit at a fitted 0 or 1.
    static func separation(x: Matrix, terms: [String], y: [Double], fitted: [Double], beta: [Double]) -> String? {
        let eps = 1e-8
        let extreme = fitted.indices.filter { fitted[$0] < eps || fitted[$0] > 1 - eps }
        guard !extreme.isEmpty || beta.contains(where: { abs($0) > 30 }) else { return nil }
        var named: [String] = []
        for j in 1..<x.columns {
            var members = 0, extremeMembers = 0, sum = 0.0
            for i in 0..<x.rows where x[i, j] == 1 {
                members += 1
                sum += y[i]
                if fitted[i] < eps || fitted[i] > 1 - eps { extremeMembers += 1 }
            }
            if members > 0 && extremeMembers == members && (sum == 0 || sum == Double(members)) {
                named.append("\(terms[j]) (all \(members) record(s) \(sum == 0 ? "dropped out" : "responded"))")
            }
        }
        if named.isEmpty { return extreme.isEmpty ? nil : "\(extreme.count) record(s) have fitted probabilities of 0 or 1" }
        return named.joined(separator: "; ")
    }
}

/// Builds a logistic model matrix from table columns: an intercept, treatment-contrast dummies for categorical
/// covariates (first level in sorted order as reference, as R's `factor`), numeric covariates as they are.
public struct ModelMatrix: Sendable {
    /// Column names.
    public var terms: [String]
    /// The matrix (n x p).
    public var x: Matrix

    /// Builds the matrix; missing covariate values are an error naming the variable and first record.
    public init(table: Table, covariates: [String]) throws {
        let n = table.rowCount
        var columns: [[Double]] = [[Double](repeating: 1, count: n)]
        var names = ["(Intercept)"]
        for v in covariates {
            let j = try table.index(of: v)
            if let numeric = try? table.numeric(v) {
                if let i = numeric.values.firstIndex(where: { $0.isNaN }) {
                    throw AttritionError.missingCovariate(variable: v, count: numeric.missingCount, firstSeen: table.location(row: i, column: j))
                }
                columns.append(numeric.values)
                names.append(v)
            } else {
                let c = try table.categorical(v)
                if let i = c.codes.firstIndex(of: CategoricalColumn.missing) {
                    throw AttritionError.missingCovariate(variable: v, count: c.missingCount, firstSeen: table.location(row: i, column: j))
                }
                let order = c.levels.indices.sorted { c.levels[$0] < c.levels[$1] }
                for k in order.dropFirst() {
                    columns.append(c.codes.map { $0 == UInt32(k) ? 1 : 0 })
                    names.append("\(v)=\(c.levels[k])")
                }
            }
        }
        terms = names
        x = Matrix(rows: n, columns: columns.count, columnMajor: columns.flatMap { $0 })
    }
}
