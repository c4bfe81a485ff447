# Golden weights from R survey for generalized calibration with categorical margins AND several numeric
# totals, the case Weighting solves with the split ("hybrid") Newton iteration: records grouped into the
# cells of the categorical margins, each cell holding many records with distinct numeric values and
# unequal base weights.
# Run from this folder: Rscript make_hybrid.R   (needs r-cran-survey; the tests never run R)
# Deterministic (set.seed); every number is written with 17 significant digits.
suppressMessages(library(survey))
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")
num <- function(x) sprintf("%.17g", x)

set.seed(20251123)
n <- 1500
region <- sample(paste0("R", 1:6), n, replace = TRUE, prob = c(.25, .2, .15, .15, .15, .1))
size <- sample(paste0("S", 1:4), n, replace = TRUE, prob = c(.4, .3, .2, .1))
type <- sample(c("A", "B", "C"), n, replace = TRUE, prob = c(.5, .3, .2))
x1 <- round(rnorm(n, 50 + 5 * as.integer(factor(size)), 10), 2)
x2 <- round(rgamma(n, shape = 2, scale = 10) + 0.3 * x1, 2)
x3 <- round(rlnorm(n, 3, 0.5), 3)
d <- round(runif(n, 5, 25), 2)
df <- data.frame(id = seq_len(n), region = region, size = size, type = type, x1 = x1, x2 = x2, x3 = x3, d = d,
                 stringsAsFactors = FALSE)
df$st <- paste(df$size, df$type, sep = "*")
out <- df[, c("id", "region", "size", "type", "x1", "x2", "x3", "d")]
for (v in c("x1", "x2", "x3", "d")) out[[v]] <- num(out[[v]])
write.csv(out, "sample.csv", row.names = FALSE, quote = TRUE)

# Population margins: the sample's weighted totals, tilted level by level, every margin summing to N.
N <- sum(d) * 1.02
reg_levels <- sort(unique(region)); st_levels <- sort(unique(df$st))
tilt <- function(sums, f) { t <- sums * f; t * N / sum(t) }
reg_target <- tilt(tapply(d, region, sum)[reg_levels], c(1.15, 0.9, 1.1, 0.85, 1.05, 0.95))
st_target <- tilt(tapply(d, df$st, sum)[st_levels], 1 + 0.12 * sin(seq_along(st_levels)))
x_target <- c(x1 = sum(d * x1) * 1.03, x2 = sum(d * x2) * 0.97, x3 = sum(d * x3) * 1.05)
margins <- rbind(data.frame(variable = "region", level = reg_levels, target = as.vector(reg_target)),
                 data.frame(variable = "size*type", level = st_levels, target = as.vector(st_target)),
                 data.frame(variable = names(x_target), level = "", target = as.vector(x_target)))
margins$target <- num(margins$target)
write.csv(margins, "margins.csv", row.names = FALSE, quote = FALSE)

# The same constraints as model-matrix totals (treatment contrasts, (Intercept) = N).
dd <- svydesign(id = ~1, weights = ~d, data = df)
f <- ~region + st + x1 + x2 + x3
cols <- colnames(model.matrix(f, df))
pop <- sapply(cols, function(cn) {
  if (cn == "(Intercept)") N
  else if (startsWith(cn, "region")) reg_target[[sub("^region", "", cn)]]
  else if (startsWith(cn, "st")) st_target[[sub("^st", "", cn)]]
  else x_target[[cn]]
})
names(pop) <- cols
cal <- function(...) calibrate(dd, f, pop, epsilon = 1e-13, maxit = 1000, ...)
cases <- list(
  list(name = "linear", method = "linear", bounds = "", d = cal(),
       call = "calibrate(dd, ~region+st+x1+x2+x3, pop)"),
  list(name = "raking", method = "raking", bounds = "", d = cal(calfun = "raking"),
       call = "calibrate(dd, ~region+st+x1+x2+x3, pop, calfun = 'raking')"),
  list(name = "logit", method = "logit", bounds = "0.5,2", d = cal(calfun = "logit", bounds = c(0.5, 2)),
       call = "calibrate(dd, ~region+st+x1+x2+x3, pop, calfun = 'logit', bounds = c(0.5, 2))"),
  list(name = "truncated", method = "truncated", bounds = "0.6,1.6", d = cal(calfun = "linear", bounds = c(0.6, 1.6)),
       call = "calibrate(dd, ~region+st+x1+x2+x3, pop, calfun = 'linear', bounds = c(0.6, 1.6))")
)
index <- data.frame()
mm <- model.matrix(f, df)
for (k in cases) {
  w <- weights(k$d)
  writeLines(c("weight", num(w)), paste0("expected_", k$name, ".csv"))
  g <- w / d
  misfit <- max(abs(colSums(mm * w) - pop) / (1 + abs(pop)))
  b <- as.numeric(strsplit(k$bounds, ",")[[1]])
  at <- if (length(b) == 2) sum(abs(g - b[1]) < 1e-12 | abs(g - b[2]) < 1e-12) else 0
  cat(sprintf("%-10s g in [%.4f, %.4f], %d g on a bound, max misfit %.2e\n", k$name, min(g), max(g), at, misfit))
  stopifnot(misfit < 1e-10)
  index <- rbind(index, data.frame(name = k$name, data = "sample.csv", weight = "d", margins = "margins.csv",
                                   method = k$method, bounds = k$bounds, r_call = k$call))
}
write.csv(index, "cases.csv", row.names = FALSE)
cat(sprintf("%d records, %d categorical cells (region x size*type), %d constraints (1 implied)\n",
            n, length(unique(paste(df$region, df$st))), nrow(margins)))
