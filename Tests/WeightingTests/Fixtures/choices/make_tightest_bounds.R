# Golden values for BoundAdvisor: the tightest bounds L <= w/d <= U for which the calibration equations of
# wave2.csv (base weights d) to each margins file can be met, solved independently with R lpSolve on the
# records (not on cells). Objective (as BoundAdvisor): first the smallest U, then the largest L at that U.
# Run from this folder: Rscript make_tightest_bounds.R > tightest_bounds.csv
suppressMessages(library(lpSolve))
sample <- read.csv("wave2.csv", stringsAsFactors = FALSE, check.names = FALSE, encoding = "UTF-8")
tightest <- function(marginsFile) {
  m <- read.csv(marginsFile, stringsAsFactors = FALSE, encoding = "UTF-8")
  n <- nrow(sample); d <- sample$d
  rows <- list(); rhs <- c()
  for (r in seq_len(nrow(m))) {
    v <- m$variable[r]; lev <- m$level[r]; t <- m$target[r]
    x <- if (is.na(lev) || lev == "") sample[[v]] else as.numeric(sample[[v]] == lev)
    if (all(x == 0)) next  # level without respondent (target 0 here)
    s <- max(1, abs(t))
    rows[[length(rows) + 1]] <- c(d * x / s, 0, 0); rhs <- c(rhs, t / s)
  }
  eq <- do.call(rbind, rows)
  lower <- cbind(diag(n), -1, 0)   # g_i - L >= 0
  upper <- cbind(-diag(n), 0, 1)   # U - g_i >= 0
  capL <- c(rep(0, n), 1, 0)       # L <= 1
  capU <- c(rep(0, n), 0, 1)       # U >= 1
  A <- rbind(eq, lower, upper, capL, capU)
  dir <- c(rep("=", nrow(eq)), rep(">=", 2 * n), "<=", ">=")
  b <- c(rhs, rep(0, 2 * n), 1, 1)
  first <- lp("min", c(rep(0, n), 0, 1), A, dir, b)
  stopifnot(first$status == 0)
  uStar <- first$solution[n + 2]
  second <- lp("max", c(rep(0, n), 1, 0), rbind(A, c(rep(0, n), 0, 1)), c(dir, "<="), c(b, uStar * (1 + 1e-9)))
  stopifnot(second$status == 0)
  c(L = second$solution[n + 1], U = uStar)
}
cat("margins,L,U\n")
for (f in c("margins_region_taille.csv", "margins_taille_population.csv")) {
  r <- tightest(f)
  cat(sprintf("%s,%.12g,%.12g\n", f, r["L"], r["U"]))
}
