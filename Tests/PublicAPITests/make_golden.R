# Golden values for PublicAPITests (the getting-started article's example): R survey's raking calibration of a
# 12-record sample on region and size, then the calibrated mean and total of y with Wald intervals on the
# design degrees of freedom. Run: Rscript make_golden.R > golden.txt (the test holds the printed values).
suppressMessages(library(survey))
d <- data.frame(
  region = c("N", "N", "N", "N", "S", "S", "S", "S", "E", "E", "E", "E"),
  size = c("small", "small", "large", "large", "small", "small", "small", "large", "small", "large", "large", "small"),
  y = c(3.0, 5.0, 8.0, 6.0, 2.0, 4.0, 3.5, 7.0, 1.0, 9.0, 5.5, 2.5),
  d = c(10, 10, 12, 12, 8, 8, 9, 15, 11, 11, 14, 9)
)
des <- svydesign(ids = ~1, weights = ~d, data = d)
# Population: region N 50, S 45, E 35; size small 70, large 60 (130 in all). Levels E < N < S, large < small.
pop <- c(`(Intercept)` = 130, regionN = 50, regionS = 45, sizesmall = 70)
cal <- calibrate(des, ~region + size, pop, calfun = "raking", epsilon = 1e-12, maxit = 200)
cat(sprintf("R %s, survey %s\n", getRversion(), packageVersion("survey")))
cat("weights:", sprintf("%.15g", weights(cal)), "\n")
m <- svymean(~y, cal)
t <- svytotal(~y, cal)
df <- degf(cal)
cat(sprintf("df %d\n", df))
for (x in list(list("mean", m), list("total", t))) {
  ci <- confint(x[[2]], df = df)
  cat(sprintf("%s estimate %.15g se %.15g ci %.15g %.15g\n", x[[1]], coef(x[[2]]), SE(x[[2]]), ci[1], ci[2]))
}
