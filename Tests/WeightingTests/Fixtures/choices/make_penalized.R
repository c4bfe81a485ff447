# Golden values for penalized (soft) calibration of wave2.csv to margins_region_taille.csv:
# the ratios g = w/d minimise  sum d G(g) + sum_k c_k (t_hat_k - t_k)^2,  t_hat = sum d g x.
#  - "linear": G(g) = (g-1)^2/2, region soft (cost 0.002 per level), taille hard; closed form
#    lambda = (X'DX + Lambda)^-1 (t - X'd), Lambda = diag(1/(2c)) (0 for taille), g = 1 + X lambda.
#    Also the linearization SE of the total of site_web from the residuals of the ridge fit
#    e = y - X B, B = (X'DX + Lambda)^-1 X'D y, via survey::svytotal(~e) on the calibrated weights.
#  - "raking" and "logit" (bounds 0.3, 3): every margin soft (region 0.002, taille 0.01); the same objective
#    minimised by R optim (BFGS with the analytic gradient) over the records' g, parametrised to stay
#    inside the distance's domain; no calibration code involved.
# Run from this folder: Rscript make_penalized.R   (writes penalized_weights.csv and penalized_se.csv)
suppressMessages(library(survey))
s <- read.csv("wave2.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
m <- read.csv("margins_region_taille.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
n <- nrow(s); d <- s$d
X <- sapply(seq_len(nrow(m)), function(r) as.numeric(s[[m$variable[r]]] == m$level[r]))
keep <- colSums(X) > 0                          # levels without respondent (target 0) are left out
X <- X[, keep]; tt <- m$target[keep]; margin <- m$variable[keep]

# Linear, closed form.
costLinear <- ifelse(margin == "region", 0.002, Inf)
Lam <- diag(ifelse(is.finite(costLinear), 1 / (2 * costLinear), 0))
XDX <- t(X) %*% (d * X)
lambda <- solve(XDX + Lam, tt - colSums(d * X))
gLinear <- as.vector(1 + X %*% lambda)
wLinear <- d * gLinear
B <- solve(XDX + Lam, t(X) %*% (d * s$site_web))
s$e <- as.vector(s$site_web - X %*% B)
des <- svydesign(ids = ~1, weights = ~w, data = transform(s, w = wLinear))
seLinear <- SE(svytotal(~e, des))[1]
totalLinear <- sum(wLinear * s$site_web)

# Raking and logit by optim on the primal objective.
cost <- ifelse(margin == "region", 0.002, 0.01)
solvePrimal <- function(G, dG, toG, dToG) {
  f <- function(v) { g <- toG(v); th <- colSums(d * g * X); sum(d * G(g)) + sum(cost * (th - tt)^2) }
  grad <- function(v) {
    g <- toG(v); th <- colSums(d * g * X)
    (d * dG(g) + d * as.vector(X %*% (2 * cost * (th - tt)))) * dToG(v)
  }
  o <- optim(rep(0, n), f, grad, method = "BFGS", control = list(reltol = 1e-16, maxit = 100000))
  o <- optim(o$par, f, grad, method = "BFGS", control = list(reltol = 1e-16, maxit = 100000))
  stopifnot(o$convergence == 0)
  toG(o$par)
}
gRaking <- solvePrimal(function(g) g * log(g) - g + 1, function(g) log(g), exp, exp)
L <- 0.3; U <- 3; A <- (U - L) / ((1 - L) * (U - 1))
gLogit <- solvePrimal(
  function(g) ((g - L) * log((g - L) / (1 - L)) + (U - g) * log((U - g) / (U - 1))) / A,
  function(g) (log((g - L) / (1 - L)) - log((U - g) / (U - 1))) / A,
  function(v) L + (U - L) * plogis(v + qlogis((1 - L) / (U - L))),
  function(v) (U - L) * dlogis(v + qlogis((1 - L) / (U - L))))
f15 <- function(x) sprintf("%.15g", x)
out <- data.frame(record = seq_len(n), linear = f15(wLinear), raking = f15(d * gRaking), logit = f15(d * gLogit))
write.csv(out, "penalized_weights.csv", row.names = FALSE, quote = FALSE)
write.csv(data.frame(case = "linear", total = sprintf("%.12g", totalLinear), se = sprintf("%.12g", seLinear)),
          "penalized_se.csv", row.names = FALSE, quote = FALSE)
