# Golden values for logit calibration of wave2.csv to margins_region_taille.csv (issue 15, "logit with wide
# automatic bounds").
#  - "survey": base weights d = N/n (column d), logit bounds [0.13293, 3.6564] on w/d (the bound advisor's
#    tightest bounds [0.1477, 3.324] widened by 10%); R survey::calibrate(calfun = "logit") converges here.
#  - "dual": base weights d = 1 (600 answers far from the population scale), logit bounds [0.9, 198];
#    R survey's grake fails from lambda = 0 ("Calibration failed"), so the reference is the minimum of the
#    convex dual  Phi(lambda) = sum_i d_i H(x_i'lambda) - t'lambda,  H' = F the logit calibration function
#    (Deville & Saerndal 1992, section 3), H(u) = L u + (U - L)/A log(1 + exp(A u + c0)), c0 = logit((1-L)/(U-L)),
#    minimised by R optim (BFGS, analytic gradient) then polished by 5 Newton steps; no calibration code involved. The script checks that
#    the targets are met and the ratios inside the bounds.
# Run from this folder: Rscript make_logit_wide.R   (writes logit_wide_weights.csv)
suppressMessages(library(survey))
s <- read.csv("wave2.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
m <- read.csv("margins_region_taille.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
n <- nrow(s)
X <- sapply(seq_len(nrow(m)), function(r) as.numeric(s[[m$variable[r]]] == m$level[r]))
keep <- colSums(X) > 0                          # levels without respondent (target 0) are left out
X <- X[, keep]; tt <- m$target[keep]
# One level of the second margin is implied by the first margin's total: drop it (full column rank).
X <- X[, -ncol(X)]; tt <- tt[-length(tt)]

# 1. R survey, d = N/n.
des <- svydesign(ids = ~1, weights = ~d, data = s)
s$region <- factor(s$region, levels = unique(m$level[m$variable == "region"]))
s$taille <- factor(s$taille, levels = unique(m$level[m$variable == "taille"]))
des <- svydesign(ids = ~1, weights = ~d, data = s)
reg <- m[m$variable == "region", ]; tai <- m[m$variable == "taille", ]
pop <- c(sum(reg$target), reg$target[-1], tai$target[-1])
cal <- calibrate(des, ~region + taille, population = pop, calfun = "logit", bounds = c(0.13293, 3.6564),
                 epsilon = 1e-12, maxit = 200)
wSurvey <- weights(cal)

# 2. The dual, d = 1.
L <- 0.9; U <- 198; A <- (U - L) / ((1 - L) * (U - 1)); c0 <- qlogis((1 - L) / (U - L))
d <- rep(1, n)
F <- function(u) L + (U - L) * plogis(A * u + c0)
H <- function(u) L * u + (U - L) / A * ifelse(A * u + c0 > 30, A * u + c0, log1p(exp(A * u + c0)))
phi <- function(l) { u <- as.vector(X %*% l); sum(d * H(u)) - sum(tt * l) }
grad <- function(l) { u <- as.vector(X %*% l); colSums(d * F(u) * X) - tt }
o <- list(par = rep(0, ncol(X)))
for (k in 1:20) o <- optim(o$par, phi, grad, method = "BFGS", control = list(reltol = 1e-20, maxit = 100000))
# Polish BFGS's answer with a few plain Newton steps on the gradient (Hessian X' diag(d F') X).
dF <- function(u) (U - L) * A * dlogis(A * u + c0)
l <- o$par
for (k in 1:5) { u <- as.vector(X %*% l); l <- l - solve(t(X) %*% (d * dF(u) * X), grad(l)) }
gDual <- F(as.vector(X %*% l))
misfit <- max(abs(colSums(d * gDual * X) - tt) / (1 + abs(tt)))
cat("dual: max relative misfit", misfit, " range of g", range(gDual), "\n")
stopifnot(misfit < 1e-9, all(gDual > L), all(gDual < U))
f15 <- function(x) sprintf("%.15g", x)
write.csv(data.frame(record = seq_len(n), survey = f15(wSurvey), dual = f15(d * gDual)),
          "logit_wide_weights.csv", row.names = FALSE, quote = FALSE)
