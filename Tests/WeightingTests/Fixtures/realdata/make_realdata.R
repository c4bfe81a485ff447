# Golden values for issue 14 (real barometer data): proportion intervals at and near 0 and 1, and calibration
# with missing values of a calibration variable (missing as its own level; left out of the margin's constraint).
# Run from this folder: Rscript make_realdata.R  (R 4.2, survey 4.1.1). The tests never run R.
suppressMessages(library(survey))
data(api)
options(digits = 17)

# ---- data: apistrat with a rare indicator and stype blanked for every 13th school --------------------------
d <- apistrat[, c("snum", "stype", "cname", "sch.wide", "api00", "api99", "pw", "fpc")]
names(d)[names(d) == "sch.wide"] <- "schwide"
d$high <- as.numeric(d$api00 > 850)
d$low <- 1 - d$high
d$stype_m <- as.character(d$stype)
d$stype_m[seq(13, nrow(d), by = 13)] <- NA
d$api99_m <- d$api99
d$api99_m[seq(5, nrow(d), by = 17)] <- NA
out <- d[, c("snum", "stype", "cname", "schwide", "api00", "api99_m", "pw", "fpc", "high", "low", "stype_m")]
out$stype_m[is.na(out$stype_m)] <- ""
out$api99_m <- ifelse(is.na(out$api99_m), "", format(out$api99_m))
write.csv(out, "apistrat_missing.csv", row.names = FALSE, quote = FALSE)

rows <- list()
add <- function(case, quantity, value)
  rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", unname(as.numeric(value))))

# ---- proportion intervals (uncalibrated stratified design) ---------------------------------------------------
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = d)
# near 0: stype H has 1 school of 50 above 850
h <- subset(des, stype == "H")
for (m in c("logit", "beta")) {
  ci <- svyciprop(~high, h, method = m)
  add(paste0("ciprop_H_", m), "estimate", as.numeric(coef(ci)))
  add(paste0("ciprop_H_", m), "ci_low", confint(ci)[1])
  add(paste0("ciprop_H_", m), "ci_high", confint(ci)[2])
}
# at 0 and 1: Fresno (10 schools, none above 850). R's svyciprop(method = "beta") is NaN there (n.eff = 0/0);
# the NCHS rule (Parker et al. 2017) takes the effective sample size n, adjusted by (t_{n-1}/t_df)^2 as R does,
# i.e. the Clopper-Pearson limits with zero (or n) successes: 1 - (alpha/2)^(1/n*) and (alpha/2)^(1/n*).
f <- subset(des, cname == "Fresno")
stopifnot(is.nan(confint(svyciprop(~high, f, method = "beta"))[2]) || is.na(confint(svyciprop(~high, f, method = "beta"))[2]))
n <- sum(d$cname == "Fresno"); df <- degf(f); alpha <- 0.05
nstar <- n * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
add("ciprop_Fresno_zero", "n", n); add("ciprop_Fresno_zero", "df", df)
add("ciprop_Fresno_zero", "ci_low", 0); add("ciprop_Fresno_zero", "ci_high", qbeta(1 - alpha / 2, 1, nstar))
add("ciprop_Fresno_one", "ci_low", qbeta(alpha / 2, nstar, 1)); add("ciprop_Fresno_one", "ci_high", 1)
stopifnot(abs(qbeta(1 - alpha / 2, 1, nstar) - (1 - (alpha / 2)^(1 / nstar))) < 1e-12)

# ---- calibration with a missing calibration variable -------------------------------------------------------
pop_stype <- c(E = 4421, H = 755, M = 1018)          # apipop counts
pop_schwide <- c(No = 1334, Yes = 4860)
N <- sum(pop_stype)
miss_target <- 450                                    # population count of the NA level (policy "level")
base <- svydesign(id = ~1, weights = ~pw, data = d)   # unstratified: stype_m is the calibration variable

# policy level: NA is a level of its own, "NA", whose target the margins give
d$stype_l <- factor(ifelse(is.na(d$stype_m), "NA", d$stype_m), levels = c("E", "H", "M", "NA"))
base_l <- svydesign(id = ~1, weights = ~pw, data = d)
targets_l <- c(E = 4421 - 300, H = 755 - 50, M = 1018 - 100, `NA` = miss_target)
stopifnot(sum(targets_l) == N)
cal_l <- calibrate(base_l, ~stype_l + schwide,
                   population = c(`(Intercept)` = N, stype_lH = targets_l[["H"]], stype_lM = targets_l[["M"]],
                                  stype_lNA = targets_l[["NA"]], schwideYes = pop_schwide[["Yes"]]),
                   calfun = "raking", epsilon = 1e-12, maxit = 500)
m <- svymean(~api00, cal_l)
add("missing_level_raking", "api00_mean", coef(m)); add("missing_level_raking", "api00_se", SE(m))
m <- svymean(~api99_m, cal_l, na.rm = TRUE)
add("missing_level_raking", "api99_m_mean", coef(m)); add("missing_level_raking", "api99_m_se", SE(m))
write.csv(data.frame(snum = d$snum, weight = sprintf("%.17g", weights(cal_l))), "weights_missing_level_raking.csv", row.names = FALSE, quote = FALSE)
write.csv(data.frame(variable = c(rep("stype_m", 4), "schwide", "schwide"),
                     level = c("E", "H", "M", "NA", "No", "Yes"),
                     target = c(targets_l, pop_schwide)), "margins_missing_level.csv", row.names = FALSE, quote = FALSE)

# policy exclude: stype's shares are met among the schools whose stype is known; their weights and those of
# the others are also set by schwide. Constraints: sum w (1{stype = l} - 1{known} N_l/N) = 0, l = E, H.
known <- as.numeric(!is.na(d$stype_m))
d$zE <- as.numeric(!is.na(d$stype_m) & d$stype_m == "E") - known * pop_stype[["E"]] / N
d$zH <- as.numeric(!is.na(d$stype_m) & d$stype_m == "H") - known * pop_stype[["H"]] / N
base_x <- svydesign(id = ~1, weights = ~pw, data = d)
for (fun in c("linear", "raking")) {
  cal_x <- calibrate(base_x, ~zE + zH + schwide,
                     population = c(`(Intercept)` = N, zE = 0, zH = 0, schwideYes = pop_schwide[["Yes"]]),
                     calfun = fun, epsilon = 1e-12, maxit = 500)
  m <- svymean(~api00, cal_x)
  add(paste0("missing_exclude_", fun), "api00_mean", coef(m)); add(paste0("missing_exclude_", fun), "api00_se", SE(m))
  write.csv(data.frame(snum = d$snum, weight = sprintf("%.17g", weights(cal_x))), paste0("weights_missing_exclude_", fun, ".csv"), row.names = FALSE, quote = FALSE)
}
write.csv(data.frame(variable = c(rep("stype_m", 3), "schwide", "schwide"),
                     level = c("E", "H", "M", "No", "Yes"),
                     target = c(pop_stype, pop_schwide)), "margins_stype_schwide.csv", row.names = FALSE, quote = FALSE)

write.csv(do.call(rbind, rows), "golden_realdata.csv", row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), "R_VERSION.txt")
