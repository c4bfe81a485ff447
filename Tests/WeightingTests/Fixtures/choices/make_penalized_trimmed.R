# Golden values for penalized (soft) calibration combined with trimming (issue 15), on wave2.csv calibrated to
# margins_region_taille.csv with every margin soft (region 0.002, taille 0.01 per level) and the ratios
# g = w/d trimmed to [0.5, 2]: the ratios minimise  sum d G(g) + sum_k c_k (t_hat_k - t_k)^2  over the box
# 0.5 <= g <= 2, with G the linear or the raking distance, minimised by R optim (L-BFGS-B with the analytic
# gradient and the box as bounds); no calibration code involved.
# Run from this folder: Rscript make_penalized_trimmed.R   (writes penalized_trimmed_weights.csv)
s <- read.csv("wave2.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
m <- read.csv("margins_region_taille.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
n <- nrow(s); d <- s$d
X <- sapply(seq_len(nrow(m)), function(r) as.numeric(s[[m$variable[r]]] == m$level[r]))
keep <- colSums(X) > 0
X <- X[, keep]; tt <- m$target[keep]; margin <- m$variable[keep]
cost <- ifelse(margin == "region", 0.002, 0.01)
solveBox <- function(G, dG) {
  f <- function(g) { th <- colSums(d * g * X); sum(d * G(g)) + sum(cost * (th - tt)^2) }
  grad <- function(g) { th <- colSums(d * g * X); d * dG(g) + d * as.vector(X %*% (2 * cost * (th - tt))) }
  o <- list(par = rep(1, n))
  for (k in 1:10) o <- optim(o$par, f, grad, method = "L-BFGS-B", lower = 0.5, upper = 2,
                             control = list(factr = 1, pgtol = 0, maxit = 100000))
  o$par
}
gLinear <- solveBox(function(g) (g - 1)^2 / 2, function(g) g - 1)
gRaking <- solveBox(function(g) g * log(g) - g + 1, function(g) log(g))
cat("held at a bound: linear", sum(gLinear <= 0.5 + 1e-9 | gLinear >= 2 - 1e-9),
    " raking", sum(gRaking <= 0.5 + 1e-9 | gRaking >= 2 - 1e-9), "\n")
f15 <- function(x) sprintf("%.15g", x)
write.csv(data.frame(record = seq_len(n), linear = f15(d * gLinear), raking = f15(d * gRaking)),
          "penalized_trimmed_weights.csv", row.names = FALSE, quote = FALSE)
