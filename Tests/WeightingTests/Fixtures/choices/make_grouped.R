# Golden values for within-group calibration: each group of wave1_groups.csv (groupe = petite / grande)
# calibrated separately by R survey to its own region and taille margins (margins_grouped.csv), raking and
# linear, and the combined weights written in record order; plus the linearization SE of the total and mean of
# site_web on the combined design, calibrated to the group x region and group x taille margins in one call
# (the calibration Weighting runs) to check that the per-group weights are those of the single crossed one.
# Run from this folder: Rscript make_grouped.R   (writes grouped_weights.csv and grouped_estimates.csv)
suppressMessages(library(survey))
s <- read.csv("wave1_groups.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
m <- read.csv("margins_grouped.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
s$id <- seq_len(nrow(s))
perGroup <- function(calfun) {
  w <- numeric(nrow(s))
  for (g in unique(m$group)) {
    sg <- s[s$groupe == g, ]
    mg <- m[m$group == g, ]
    sg$region <- factor(sg$region, levels = mg$level[mg$variable == "region"])
    sg$taille <- factor(sg$taille, levels = mg$level[mg$variable == "taille"])
    des <- svydesign(ids = ~1, weights = ~d, data = sg)
    pop <- c(sum(mg$target[mg$variable == "taille"]),
             mg$target[mg$variable == "region"][-1], mg$target[mg$variable == "taille"][-1])
    cal <- calibrate(des, ~region + taille, population = pop, calfun = calfun, epsilon = 1e-12, maxit = 500)
    w[sg$id] <- weights(cal)
  }
  w
}
wRaking <- perGroup("raking"); wLinear <- perGroup("linear")
f15 <- function(x) sprintf("%.15g", x)
write.csv(data.frame(record = s$id, raking = f15(wRaking), linear = f15(wLinear)), "grouped_weights.csv",
          row.names = FALSE, quote = FALSE)
# One calibration to the crossed margins (same weights), for the variance.
s$gr <- factor(paste(s$groupe, s$region, sep = "*"))
s$gt <- factor(paste(s$groupe, s$taille, sep = "*"))
key <- function(v) paste(m$group, m$level, sep = "*")[m$variable == v]
tr <- setNames(m$target[m$variable == "region"], key("region"))
tt <- setNames(m$target[m$variable == "taille"], key("taille"))
s$gr <- factor(s$gr, levels = names(tr)); s$gt <- factor(s$gt, levels = names(tt))
des <- svydesign(ids = ~1, weights = ~d, data = s)
pop <- c(sum(tr), tr[-1], tt[-1])
cal <- calibrate(des, ~gr + gt, population = pop, calfun = "raking", epsilon = 1e-12, maxit = 500)
stopifnot(max(abs(weights(cal) - wRaking) / wRaking) < 1e-8)
tot <- svytotal(~site_web, cal); mn <- svymean(~site_web, cal)
write.csv(data.frame(statistic = c("total", "mean"), estimate = f15(c(coef(tot), coef(mn))),
                     se = f15(c(SE(tot), SE(mn)))), "grouped_estimates.csv", row.names = FALSE, quote = FALSE)
