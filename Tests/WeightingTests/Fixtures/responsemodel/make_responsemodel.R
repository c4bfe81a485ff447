# Golden values for the response model's share of a linearized variance (Weighting's ResponseModelLinearization,
# Kim & Kim 2007), with R survey.
# Phase 1: 400 units, equal weights 10 (with replacement; also without replacement from N = 4000 with fpc);
# staying r drawn from a logistic model in a class (4 levels) and a covariate x; y and b depend on both.
# - "classes_wr"/"classes_wor": propensity classes (p = the class's staying rate): R's twophase design
#   (method "full") with phase-2 probabilities p, calibrated at phase 2 on the class indicators
#   (calibrate(phase = 2, ~cls)): the class adjustment seen as a calibration to the phase-1 class counts.
# - "logistic": inverse logistic propensity (glm of r on x + cls, fitted on phase 1): the linearized total
#   built here from the Taylor expansion in the model's coefficients (numerical Jacobian of the estimator,
#   the score's Jacobian from glm's working weights), its variance the phase-1 design's (svytotal).
# Run: Rscript make_responsemodel.R   (writes responsemodel_data.csv and responsemodel_estimates.csv here)
suppressMessages(library(survey))
set.seed(20261203)
n1 <- 400
cls <- factor(sample(c("a", "b", "c", "d"), n1, replace = TRUE))
x <- round(rnorm(n1, 10, 3), 3)
eta <- -0.3 + 0.2 * (x - 10) + c(a = -0.8, b = 0, c = 0.5, d = 1.2)[as.character(cls)]
r <- runif(n1) < plogis(eta)
y <- round(3 + 0.6 * x + c(a = 0, b = 1, c = 2.5, d = 4)[as.character(cls)] + rnorm(n1), 3)
b <- as.integer(runif(n1) < plogis(-2 + 0.2 * x + 0.5 * (cls == "d")))
d <- data.frame(id = 1:n1, cls = cls, x = x, r = as.integer(r), y = y, b = b, w1 = 10, N = 4000)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
write.csv(transform(d, y = ifelse(r == 1, y, NA), b = ifelse(r == 1, b, NA)), file.path(here, "responsemodel_data.csv"),
          row.names = FALSE, na = "", quote = FALSE)
rows <- list()
put <- function(case, statistic, v, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, statistic = statistic, variable = v,
                                          estimate = sprintf("%.15g", est), se = sprintf("%.15g", se))
}
# Propensity classes.
d$pc <- ave(d$r, d$cls)  # class staying rate (equal phase-1 weights)
for (phase1 in c("wr", "wor")) {
  des <- if (phase1 == "wr") {
    twophase(id = list(~1, ~1), probs = list(~I(1 / w1), ~pc), subset = ~as.logical(r), data = d, method = "full")
  } else {
    twophase(id = list(~1, ~1), probs = list(~I(1 / w1), ~pc), fpc = list(~N, NULL), subset = ~as.logical(r), data = d, method = "full")
  }
  cal <- calibrate(des, ~cls, phase = 2, calfun = "linear")
  for (v in c("y", "b")) {
    f <- as.formula(paste0("~", v))
    t <- svytotal(f, cal); m <- svymean(f, cal)
    put(paste0("classes_", phase1), "total", v, coef(t), SE(t))
    put(paste0("classes_", phase1), "mean", v, coef(m), SE(m))
    # The same with the classes' rates taken as known (no calibration), for the size of the change.
    t0 <- svytotal(f, des); m0 <- svymean(f, des)
    put(paste0("classes_known_", phase1), "total", v, coef(t0), SE(t0))
    put(paste0("classes_known_", phase1), "mean", v, coef(m0), SE(m0))
  }
}
# Inverse logistic propensity, linearized in the model's coefficients.
X <- model.matrix(~x + cls, d)
fit <- glm(r ~ x + cls, family = quasibinomial(), data = d, weights = w1)
phi <- coef(fit)
p <- as.vector(plogis(X %*% phi))
info <- crossprod(X * sqrt(d$w1 * p * (1 - p)))            # minus the Jacobian of the weighted score
score <- X * (d$w1 * (d$r - p))                             # each unit's score contribution
d1 <- svydesign(ids = ~1, weights = ~w1, data = d)
d1wor <- svydesign(ids = ~1, weights = ~w1, fpc = ~N, data = d)
for (v in c("y", "b")) {
  yy <- ifelse(d$r == 1, d[[v]], 0)
  total <- function(ph) sum(d$r * d$w1 * yy / plogis(as.vector(X %*% ph)))
  mean_ <- function(ph) { q <- plogis(as.vector(X %*% ph)); sum(d$r * d$w1 * yy / q) / sum(d$r * d$w1 / q) }
  jac <- function(f) sapply(seq_along(phi), function(k) { h <- 1e-6; e <- replace(0 * phi, k, h); (f(phi + e) - f(phi - e)) / (2 * h) })
  That <- total(phi); Mhat <- mean_(phi)
  Nhat <- sum(d$r * d$w1 / p)
  zt <- d$r * d$w1 * yy / p + as.vector(score %*% solve(info, jac(total)))
  zm <- d$r * d$w1 * (yy - Mhat) / p / Nhat + as.vector(score %*% solve(info, jac(mean_)))
  for (des in list(list("logistic_wr", d1), list("logistic_wor", d1wor))) {
    dd <- update(des[[2]], zt = zt / w1, zm = zm / w1)
    put(des[[1]], "total", v, That, SE(svytotal(~zt, dd)))
    put(des[[1]], "mean", v, Mhat, SE(svytotal(~zm, dd)))
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "responsemodel_estimates.csv"), row.names = FALSE, quote = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
print(out)
