#!/usr/bin/env python3
"""Reference values for DistributionTests.swift, independent of the Swift code.

Every value is computed in arbitrary precision with mpmath (50 significant digits, each one recomputed at
70 digits and required to agree to 1e-30), at the exact binary value of every double argument, and
cross-checked against SciPy (Boost / Cephes): the script reports on stderr the largest SciPy disagreement
per distribution and kind, and lists every disagreement above 1e-9. With SciPy 1.17 there are three, all
SciPy's: f.isf(1e-12, 5, 30) and f.isf(1e-15, 100, 100) are off by 1.7e-6 and 2.3e-5 (f.sf at SciPy's own
answers shows it), and t.cdf(-1e200, 0.7) underflows to 0 instead of 3.1e-141.
Quantiles are solved by Newton's method on the logarithm of the high-precision tail that equals the
smaller of p and 1 - p (through the symmetry of the normal and t, and 1/F(d2, d1) for the F; for the beta
in log x or log(1 - x), whichever is small at the solution), starting from SciPy.

Run from this folder:  python3 make_reference.py > reference.csv

Columns: distribution,param1,param2,p_or_x,kind,value
  distribution  normal | t | beta | f           (normal: param1 = 0, param2 = 1; t: param2 = 0)
  kind          cdf              value = P(X <= x)          at p_or_x = x
                survival         value = P(X > x)           at p_or_x = x
                quantile         value = x with P(X <= x) = p
                inverse_survival value = x with P(X > x) = q
Values are printed with 17 significant digits (round-trip exact for doubles); arguments with repr().
Besides the CDF at chosen points, each distribution has its CDF (or survival function, for p > 1/2)
evaluated at the double nearest each reference quantile, so the tails are checked where the quantiles are.
"""
import sys

import mpmath as mp
from scipy import stats

DPS, CHECK_DPS = 50, 70
mp.mp.dps = DPS

rows = []
scipy_worst = {}


def emit(dist, p1, p2, x, kind, value, scipy_value=None):
    value = float(value)
    if scipy_value is not None and value != 0 and abs(value) > 1e-300 and scipy_value == scipy_value:
        err = abs(scipy_value - value) / abs(value)
        key = (dist, kind)
        if err > scipy_worst.get(key, (0, None))[0]:
            scipy_worst[key] = (err, (p1, p2, x))
        if err > 1e-9:
            print(f"note: SciPy disagrees by {err:.1e}: {dist}({p1},{p2}) {kind}({x!r}) = {scipy_value!r}, "
                  f"mpmath {value!r}", file=sys.stderr)
    rows.append(f"{dist},{p1!r},{p2!r},{x!r},{kind},{value:.17g}")


def stable(f, *args):
    """f(*args) at DPS digits, checked against CHECK_DPS digits."""
    with mp.workdps(DPS):
        a = f(*args)
    with mp.workdps(CHECK_DPS):
        b = f(*args)
    if a != 0 and abs((a - b) / b) > mp.mpf(10) ** -30:
        sys.exit(f"mpmath unstable for {f.__name__}{args}: {a} vs {b}")
    return +a


# ---- distributions as (lower, upper) tail functions of an mp argument -------------------------------

def normal_tails(x, _p1, _p2):
    x = mp.mpf(x)
    return mp.ncdf(x), mp.ncdf(-x)


def t_tails(t, v, _p2):
    t, v = mp.mpf(t), mp.mpf(v)
    if t == 0:
        return mp.mpf(0.5), mp.mpf(0.5)
    x = v / (v + t * t)
    tail = mp.betainc(v / 2, mp.mpf(0.5), 0, x, regularized=True) / 2
    return (tail, 1 - tail) if t < 0 else (1 - tail, tail)


def beta_tails(x, a, b):
    x, a, b = mp.mpf(x), mp.mpf(a), mp.mpf(b)
    lower = mp.betainc(a, b, 0, x, regularized=True)
    upper = mp.betainc(b, a, 0, 1 - x, regularized=True)  # I_{1-x}(b, a), not a difference
    return lower, upper


def f_tails(f, d1, d2):
    f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
    x, y = d1 * f / (d1 * f + d2), d2 / (d1 * f + d2)
    lower = mp.betainc(d1 / 2, d2 / 2, 0, x, regularized=True)
    upper = mp.betainc(d2 / 2, d1 / 2, 0, y, regularized=True)
    return lower, upper


def lower_of(tails):
    def f(x, p1, p2):
        return tails(x, p1, p2)[0]
    f.__name__ = tails.__name__ + "_lower"
    return f


def upper_of(tails):
    def f(x, p1, p2):
        return tails(x, p1, p2)[1]
    f.__name__ = tails.__name__ + "_upper"
    return f


def solve(lower, p1, p2, target, start, positive, log_tail=None):
    """The x with lower(x, p1, p2) = target (target <= 1/2, an mp number) at the working precision, by
    Newton's method on log lower(x) - log target in x, or in u = log x for positive supports (the
    derivative is taken numerically at high precision: it only steers the iteration). If log_tail is
    given, it replaces log lower(.) as a function of u (used for the beta, see quantile)."""
    target = mp.mpf(target)

    def h(u):
        if log_tail is not None:
            return log_tail(u) - mp.log(target)
        return mp.log(lower(mp.exp(u) if positive else u, p1, p2)) - mp.log(target)

    u = mp.log(mp.mpf(start)) if positive else mp.mpf(start)
    for _ in range(500):
        hu = h(u)
        if hu == 0:
            break
        du = max(abs(u), mp.mpf(1)) * mp.mpf(10) ** -(mp.mp.dps // 2)
        slope = (h(u + du) - h(u - du)) / (2 * du)
        step = -hu / slope
        limit = max(mp.mpf(5), abs(u))
        if abs(step) > limit:
            step = limit if step > 0 else -limit
        if positive and log_tail is not None and u + step >= 0:  # stay inside (0, 1)
            step = -u / 2
        u += step
        # |u| < 1: an absolute bound on u, i.e. a relative bound on x = e^u.
        if abs(step) <= mp.mpf(10) ** -(mp.mp.dps // 2 + 5) * max(abs(u), mp.mpf(1)):
            break
    else:
        sys.exit(f"no convergence: {lower.__name__}({p1},{p2}) at {target}")
    return mp.exp(u) if positive else u


def solve_stable(lower, p1, p2, target, start, positive, log_tail=None):
    x = solve(lower, p1, p2, target, start, positive, log_tail)
    with mp.workdps(CHECK_DPS):
        x2 = solve(lower, p1, p2, target, x, positive, log_tail)
    if x != 0 and abs((x - x2) / x2) > mp.mpf(10) ** -30:
        sys.exit(f"quantile unstable: {lower.__name__}({p1},{p2}) at {target}")
    return x


def normal_lower(x, _p1, _p2):
    return mp.ncdf(x)


def t_lower(t, v, _p2):
    return t_tails(t, v, 0)[0]


def beta_lower(x, a, b):
    return mp.betainc(mp.mpf(a), mp.mpf(b), 0, x, regularized=True)


def f_lower(f, d1, d2):
    return f_tails(f, d1, d2)[0]


def start_value(guess, fallback):
    g = float(guess)
    return g if 0 < g < float("inf") and g == g else fallback


def beta_tail_start(target, a, b):
    """x with x^a / (a B(a, b)) = target (lower-tail approximation), clipped below 1."""
    a, b = mp.mpf(a), mp.mpf(b)
    x = mp.exp((mp.log(target) + mp.log(a) + mp.log(mp.beta(a, b))) / a)
    return min(x, mp.mpf(0.5))


def quantile(dist, p1, p2, p, upper_tail=False):
    """Reference quantile: the x with P(X <= x) = p, or with P(X > x) = p if upper_tail (p a double)."""
    p = mp.mpf(p)
    if upper_tail:
        upper = p < mp.mpf(0.5)
        target = p if upper else 1 - p
    else:
        upper = p > mp.mpf(0.5)
        target = 1 - p if upper else p  # exact in mp
    if dist == "normal":
        x = solve_stable(normal_lower, 0, 1, target, stats.norm.ppf(float(target)), False)
        return -x if upper else x
    if dist == "t":
        x = solve_stable(t_lower, p1, 0, target, stats.t.ppf(float(target), p1), False)
        return -x if upper else x
    if dist == "beta":
        # Match the tail that is `target` (lower if not upper), and solve for whichever of x and y = 1 - x
        # is below 1/2 at the solution, in log space, so that both small x and x close to 1 keep their
        # relative precision (the result is x = s or 1 - s, computed in mp).
        a, b = mp.mpf(p1), mp.mpf(p2)
        mid_lower = mp.betainc(a, b, 0, mp.mpf(0.5), regularized=True)
        x_small = mid_lower >= (1 - target if upper else target)

        def log_tail(u):
            s_ = mp.exp(u)
            x_, y_ = (s_, 1 - s_) if x_small else (1 - s_, s_)
            if upper:
                return mp.log(mp.betainc(b, a, 0, y_, regularized=True))
            return mp.log(mp.betainc(a, b, 0, x_, regularized=True))

        if x_small:
            start = stats.beta.isf(float(target), p1, p2) if upper else stats.beta.ppf(float(target), p1, p2)
            start = start_value(start, beta_tail_start(1 - target if upper else target, p1, p2))
        else:
            start = stats.beta.ppf(float(target), p2, p1) if upper else stats.beta.isf(float(target), p2, p1)
            start = start_value(start, beta_tail_start(target if upper else 1 - target, p2, p1))
        s = solve_stable(beta_lower, p1, p2, target, min(start, 0.5), True, log_tail)
        return s if x_small else 1 - s
    if dist == "f":
        d1, d2 = (p2, p1) if upper else (p1, p2)
        start = start_value(stats.f.ppf(float(target), d1, d2), 1e-3)
        x = solve_stable(f_lower, d1, d2, target, start, True)
        return 1 / x if upper else x
    raise ValueError(dist)


def quantile_rows(dist, tails, p1, p2, ps, scipy_ppf):
    """Quantile rows; returns (p, double nearest the quantile) for the CDF rows at the quantiles."""
    out = []
    for p in ps:
        x = quantile(dist, p1, p2, p)
        emit(dist, p1, p2, p, "quantile", x, float(scipy_ppf(p)))
        out.append((p, float(x)))
    return out


def inverse_survival_row(dist, p1, p2, q, scipy_isf):
    x = quantile(dist, p1, p2, q, upper_tail=True)
    emit(dist, p1, p2, q, "inverse_survival", x, float(scipy_isf(q)))


def cdf_rows(dist, tails, p1, p2, xs, scipy_cdf, scipy_sf):
    for x in xs:
        emit(dist, p1, p2, x, "cdf", stable(lower_of(tails), x, p1, p2), float(scipy_cdf(x)))


def roundtrip_rows(dist, tails, p1, p2, pairs, scipy_cdf, scipy_sf):
    """CDF (p <= 1/2) or survival function (p > 1/2) at the double nearest each quantile."""
    for p, x in pairs:
        if x == 0 or abs(x) == float("inf") or (dist == "beta" and x >= 1):
            continue
        if p <= 0.5:
            emit(dist, p1, p2, x, "cdf", stable(lower_of(tails), x, p1, p2), float(scipy_cdf(x)))
        else:
            emit(dist, p1, p2, x, "survival", stable(upper_of(tails), x, p1, p2), float(scipy_sf(x)))


# ---- normal -------------------------------------------------------------------------------------------
norm = stats.norm
pairs = quantile_rows("normal", normal_tails, 0, 1, [1e-300, 1e-12, 1e-6, 0.01, 0.025, 0.5, 0.975, 0.999999],
                      norm.ppf)
for q in [1e-300, 1e-100, 1e-20, 1e-9]:
    inverse_survival_row("normal", 0, 1, q, norm.isf)
cdf_rows("normal", normal_tails, 0, 1, [-38.4, -37.5, -30.0, -8.0, -1.96, -1e-5, 0.0, 0.5, 3.0, 8.0],
         norm.cdf, norm.sf)
for x in [1.0, 8.0, 20.0, 37.5]:
    emit("normal", 0, 1, x, "survival", stable(upper_of(normal_tails), x, 0, 1), float(norm.sf(x)))
roundtrip_rows("normal", normal_tails, 0, 1, pairs, norm.cdf, norm.sf)

# ---- Student t ------------------------------------------------------------------------------------------
t_ps = [1e-10, 0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.999]
for df in [0.7, 1, 2, 3, 5, 10, 29.5, 30, 100, 1e5, 1e7, 1e10]:
    dist = stats.t(df)
    pairs = quantile_rows("t", t_tails, df, 0, t_ps, dist.ppf)
    cdf_rows("t", t_tails, df, 0, [-50.0, -2.5, -0.3, 0.0, 1.7, 12.0], dist.cdf, dist.sf)
    roundtrip_rows("t", t_tails, df, 0, pairs, dist.cdf, dist.sf)
for df, q in [(0.7, 1e-12), (5, 1e-12), (1e5, 1e-20)]:
    inverse_survival_row("t", df, 0, q, stats.t(df).isf)

# ---- beta -----------------------------------------------------------------------------------------------
beta_ps = [1e-12, 1e-6, 0.025, 0.5, 0.975, 1 - 1e-9]
for a, b in [(0.5, 0.5), (0.5, 30), (1, 1), (2, 5), (30, 0.5), (100, 1000), (1e-3, 5)]:
    dist = stats.beta(a, b)
    pairs = quantile_rows("beta", beta_tails, a, b, beta_ps, dist.ppf)
    cdf_rows("beta", beta_tails, a, b, [1e-8, 0.01, 0.3, 0.5, 0.9, 0.999], dist.cdf, dist.sf)
    roundtrip_rows("beta", beta_tails, a, b, pairs, dist.cdf, dist.sf)
for a, b, q in [(2, 5, 1e-12), (0.5, 30, 1e-12), (100, 1000, 1e-9)]:
    inverse_survival_row("beta", a, b, q, stats.beta(a, b).isf)
for a, b, x in [(2, 5, 0.99), (0.5, 30, 0.5), (100, 1000, 0.2)]:
    emit("beta", a, b, x, "survival", stable(upper_of(beta_tails), x, a, b), float(stats.beta.sf(x, a, b)))

# ---- F --------------------------------------------------------------------------------------------------
f_ps = [1e-10, 0.001, 0.025, 0.5, 0.975, 0.999]
for d1, d2 in [(1, 1), (2, 10), (5, 30), (30, 5), (100, 100)]:
    dist = stats.f(d1, d2)
    pairs = quantile_rows("f", f_tails, d1, d2, f_ps, dist.ppf)
    cdf_rows("f", f_tails, d1, d2, [0.1, 1.0, 4.0], dist.cdf, dist.sf)
    roundtrip_rows("f", f_tails, d1, d2, pairs, dist.cdf, dist.sf)
for d1, d2, q in [(5, 30, 1e-12), (100, 100, 1e-15)]:
    inverse_survival_row("f", d1, d2, q, stats.f(d1, d2).isf)

# ---- far tails: points whose beta argument underflows, but whose tail probability does not -------------
emit("t", 0.7, 0, -1e200, "cdf", stable(lower_of(t_tails), -1e200, 0.7, 0), float(stats.t.cdf(-1e200, 0.7)))
emit("f", 3, 0.6, 1e300, "survival", stable(upper_of(f_tails), 1e300, 3, 0.6), float(stats.f.sf(1e300, 3, 0.6)))
emit("beta", 0.5, 0.5, 1e-310, "cdf", stable(lower_of(beta_tails), 1e-310, 0.5, 0.5),
     float(stats.beta.cdf(1e-310, 0.5, 0.5)))

print("distribution,param1,param2,p_or_x,kind,value")
print("\n".join(rows))
print(f"{len(rows)} rows", file=sys.stderr)
for (dist, kind), (err, where) in sorted(scipy_worst.items()):
    print(f"SciPy vs mpmath, {dist} {kind}: max relative difference {err:.2e} at {where}", file=sys.stderr)
