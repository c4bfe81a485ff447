# Golden values for two-phase linearization (Weighting's TwoPhaseLinearization) from R survey's twophase
# design (method "full"), uncalibrated and calibrated at phase 2 to the phase-1 totals (calibrate(phase = 2)).
# Phase 1: 300 units, equal probabilities (with replacement, or without replacement from N = 3000 with fpc);
# phase 2: a subset drawn with unequal conditional probabilities p2 (0.3 to 0.9 by class and a covariate).
# Run: Rscript make_twophase.R   (writes twophase_data.csv and twophase_estimates.csv next to this script)
suppressMessages(library(survey))
set.seed(20261202)
n1 <- 300
cls <- factor(sample(c("a", "b", "c"), n1, replace = TRUE, prob = c(0.5, 0.3, 0.2)))
x <- round(rnorm(n1, 10, 3), 3)
p2 <- round(c(a = 0.35, b = 0.6, c = 0.85)[as.character(cls)] * (0.8 + 0.4 * (x > 10)), 4)
p2 <- pmin(p2, 0.95)
in2 <- runif(n1) < p2
y <- round(2 + 0.5 * x + c(a = 0, b = 1, c = 2)[as.character(cls)] + rnorm(n1), 3)
b <- as.integer(runif(n1) < plogis(-3 + 0.3 * x))
d <- data.frame(id = 1:n1, cls = cls, x = x, p2 = p2, in2 = in2, y = ifelse(in2, y, NA), b = ifelse(in2, b, NA),
                w1 = 10, N = 3000)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
write.csv(transform(d, in2 = as.integer(in2)), file.path(here, "twophase_data.csv"), row.names = FALSE, na = "", quote = FALSE)
rows <- list()
add <- function(case, des) {
  for (v in c("y", "b")) {
    f <- as.formula(paste0("~", v))
    t <- svytotal(f, des); m <- svymean(f, des)
    rows[[length(rows) + 1]] <<- data.frame(case = case, statistic = "total", variable = v,
                                            estimate = sprintf("%.15g", coef(t)), se = sprintf("%.15g", SE(t)))
    rows[[length(rows) + 1]] <<- data.frame(case = case, statistic = "mean", variable = v,
                                            estimate = sprintf("%.15g", coef(m)), se = sprintf("%.15g", SE(m)))
  }
}
for (phase1 in c("wr", "wor")) {
  des <- if (phase1 == "wr") {
    twophase(id = list(~1, ~1), probs = list(~I(1 / w1), ~p2), subset = ~in2, data = d, method = "full")
  } else {
    twophase(id = list(~1, ~1), probs = list(~I(1 / w1), ~p2), fpc = list(~N, NULL), subset = ~in2, data = d, method = "full")
  }
  add(paste0(phase1, "_none"), des)
  add(paste0(phase1, "_linear"), calibrate(des, ~cls + x, phase = 2, calfun = "linear"))
  add(paste0(phase1, "_raking"), calibrate(des, ~cls + x, phase = 2, calfun = "raking"))
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "twophase_estimates.csv"), row.names = FALSE, quote = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
print(out)
