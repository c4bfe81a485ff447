# Golden values for a design calibrated twice in sequence (Weighting's SequentialCalibrationTests).
# Run from this folder: Rscript make_sequential.R   (needs r-cran-survey; tests never run R)
# Each design is post-stratified on stype (calibrate(~stype), the linear calibration on one full
# cross-classification), then raked on sch.wide and awards: calibrate(calibrate(design, ...), ...).
# Standard errors by linearization (R walks the design's list of calibrations) and by jackknife replicates
# re-calibrated twice (as.svrepdesign on the uncalibrated design, then the same two calibrate() calls).
# The data are ../golden/apistrat.csv and ../golden/apiclus1.csv (R's api data), the margins files here.
suppressMessages(library(survey))
data(api)
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")
num <- function(x) sprintf("%.17g", x)

N <- nrow(apipop)
pop_stype <- c(`(Intercept)` = N, stypeH = sum(apipop$stype == "H"), stypeM = sum(apipop$stype == "M"))
pop_rake <- c(`(Intercept)` = N, sch.wideYes = sum(apipop$sch.wide == "Yes"), awardsYes = sum(apipop$awards == "Yes"))
writeLines(c("variable,level,target", sprintf("stype,%s,%d", c("E", "H", "M"), as.vector(table(apipop$stype)[c("E", "H", "M")]))),
           "margins_stype.csv")
writeLines(c("variable,level,target",
             sprintf("sch_wide,%s,%d", c("No", "Yes"), as.vector(table(apipop$sch.wide)[c("No", "Yes")])),
             sprintf("awards,%s,%d", c("No", "Yes"), as.vector(table(apipop$awards)[c("No", "Yes")]))),
           "margins_schwide_awards.csv")

twice <- function(d) {
  d1 <- calibrate(d, ~stype, pop_stype)
  calibrate(d1, ~sch.wide + awards, pop_rake, calfun = "raking", epsilon = 1e-13, maxit = 200)
}
designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc),
  clus1 = svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc))
replicate_type <- c(strat = "JKn", clus1 = "JK1")

rows <- list()
add <- function(design, variance, stat, est) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, variance = variance, statistic = stat,
                                          variable = names(coef(est)), estimate = num(coef(est)), se = num(SE(est)))
}
for (name in names(designs)) {
  lin <- twice(designs[[name]])
  rep <- twice(as.svrepdesign(designs[[name]], type = replicate_type[[name]]))
  stopifnot(max(abs(weights(lin) - weights(rep, "sampling"))) < 1e-8)
  write.csv(data.frame(weight = num(weights(lin))), sprintf("expected_%s_weights.csv", name), row.names = FALSE, quote = FALSE)
  for (v in c("linearization", "replicates")) {
    d <- if (v == "linearization") lin else rep
    add(name, v, "mean", svymean(~api00 + enroll, d))
    add(name, v, "total", svytotal(~api00, d))
  }
}
write.csv(do.call(rbind, rows), "expected_estimates.csv", row.names = FALSE, quote = FALSE)
