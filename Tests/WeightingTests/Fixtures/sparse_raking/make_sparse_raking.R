# Golden weights from R survey for raking a sparse 6 x 6 table with one-respondent cells, where iterative
# proportional fitting needs over a thousand sweeps (issue 11, item 12): two dense diagonal blocks joined only by
# cells holding one respondent each, so IPF moves weight between the blocks very slowly (about 1,800 sweeps
# to meet the margins to 1e-10, the weights then still 2e-8 from the solution).
# R's calibrate(calfun = "raking") (Newton) converges; its weights are the reference.
# Run from this folder: Rscript make_sparse_raking.R   (the tests never run R)
suppressMessages(library(survey))
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")
num <- function(x) sprintf("%.17g", x)

set.seed(611)
counts <- matrix(0L, 6, 6)
counts[1:3, 1:3] <- sample(60:150, 9, replace = TRUE)
counts[4:6, 4:6] <- sample(60:150, 9, replace = TRUE)
counts[3, 4] <- 1L; counts[5, 2] <- 1L; counts[1, 6] <- 1L
rows <- integer(0); cols <- integer(0)
for (i in 1:6) for (j in 1:6) if (counts[i, j] > 0) { rows <- c(rows, rep(i, counts[i, j])); cols <- c(cols, rep(j, counts[i, j])) }
n <- length(rows)
df <- data.frame(id = seq_len(n), a = paste0("a", rows), b = paste0("b", cols), d = round(runif(n, 8, 12), 2),
                 stringsAsFactors = FALSE)
out <- df; out$d <- num(out$d)
write.csv(out, "sample.csv", row.names = FALSE, quote = TRUE)

N <- sum(df$d) * 1.1
# Every level holds a sixth of the population: the blocks' shares differ between the row and column margins of
# the sample, and only the three joining records can move weight between the blocks.
a_share <- rep(1 / 6, 6)
b_share <- rep(1 / 6, 6)
a_target <- N * a_share; b_target <- N * b_share
margins <- rbind(data.frame(variable = "a", level = paste0("a", 1:6), target = a_target),
                 data.frame(variable = "b", level = paste0("b", 1:6), target = b_target))
margins$target <- num(margins$target)
write.csv(margins, "margins.csv", row.names = FALSE, quote = FALSE)

dd <- svydesign(id = ~1, weights = ~d, data = df)
pop <- c("(Intercept)" = N, setNames(a_target[-1], paste0("a", paste0("a", 2:6))),
         setNames(b_target[-1], paste0("b", paste0("b", 2:6))))
cal <- calibrate(dd, ~a + b, pop, calfun = "raking", epsilon = 1e-14, maxit = 500)
w <- weights(cal)
write.csv(data.frame(id = df$id, weight = num(w)), "expected_raking.csv", row.names = FALSE, quote = FALSE)
# IPF for comparison: how many sweeps to meet the margins to 1e-10 (relative to 1 + target)?
f <- df$d; sweeps <- 0
repeat {
  dev <- max(abs(tapply(f, df$a, sum) - a_target) / (1 + a_target), abs(tapply(f, df$b, sum) - b_target) / (1 + b_target))
  if (dev < 1e-10 || sweeps >= 100000) break
  sweeps <- sweeps + 1
  f <- f * (a_target / tapply(f, df$a, sum))[df$a]
  f <- f * (b_target / tapply(f, df$b, sum))[df$b]
}
cat("records", n, "IPF sweeps to 1e-10:", sweeps, " max relative weight error then:", max(abs(f - w) / w), "\n")
print(range(w / df$d))
