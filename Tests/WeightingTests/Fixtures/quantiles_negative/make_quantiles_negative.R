# Golden quantiles from R survey when linear calibration gives negative weights, so that the cumulative
# weight is not monotone in the sorted values (issue 11, item 11).
# Run from this folder: Rscript make_quantiles_negative.R   (the tests never run R)
# Deterministic (set.seed); every number is written with 17 significant digits.
suppressMessages(library(survey))
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")
num <- function(x) sprintf("%.17g", x)

set.seed(3)
n <- 80
grp <- sample(c("A", "B"), n, replace = TRUE)
x <- round(rgamma(n, shape = 2, scale = 10), 1)
y <- round(40 + 0.2 * x + rnorm(n, 0, 12), 1)
d <- rep(25, n)
df <- data.frame(id = seq_len(n), grp = grp, x = x, y = y, d = d, stringsAsFactors = FALSE)
out <- df
for (v in c("x", "y", "d")) out[[v]] <- num(out[[v]])
write.csv(out, "sample.csv", row.names = FALSE, quote = TRUE)

# Population: group counts near the sample's, the total of x far above it, so linear g = 1 + x'lambda
# turns negative for the records with small x.
N <- sum(d)
grp_target <- c(A = sum(d[grp == "A"]) * 0.9, B = N - sum(d[grp == "A"]) * 0.9)
x_target <- sum(d * x) * 2.5
margins <- rbind(data.frame(variable = "grp", level = names(grp_target), target = as.vector(grp_target)),
                 data.frame(variable = "x", level = "", target = x_target))
margins$target <- num(margins$target)
write.csv(margins, "margins.csv", row.names = FALSE, quote = FALSE)

dd <- svydesign(id = ~1, weights = ~d, data = df)
pop <- c("(Intercept)" = N, grpB = grp_target[["B"]], x = x_target)
cal <- calibrate(dd, ~grp + x, pop)
w <- weights(cal)
stopifnot(sum(w < 0) >= 5)
cw <- cumsum(w[order(df$y)])
stopifnot(any(diff(cw) < 0))
write.csv(data.frame(id = df$id, weight = num(w)), "expected_weights.csv", row.names = FALSE, quote = FALSE)

ps <- sort(c(seq(0.02, 0.98, by = 0.02), 0.328))
q <- svyquantile(~y, cal, quantiles = ps, qrule = "math", ci = TRUE, interval.type = "mean")$y
res <- data.frame(p = num(ps), estimate = num(q[, "quantile"]), ci_low = num(q[, 2]), ci_high = num(q[, 3]),
                  se = num(q[, "se"]))
write.csv(res, "expected_quantiles.csv", row.names = FALSE, quote = FALSE)
print(res)
print(summary(w))
