# Golden values for a user-defined calibration distance (Weighting's CustomDistanceTests).
# Run from this folder: Rscript make_sinh.R   (needs r-cran-survey; tests never run R)
# The distance has F(u) = 1 + sinh(u), F'(u) = cosh(u), made with survey's make.calfun (whose Fm1 is F − 1).
# The design is apistrat (stratified by stype, fpc), calibrated to stype, sch.wide and the api99 total of apipop
# (the margins file ../golden/margins_stype_schwide_api99.csv holds the same targets).
suppressMessages(library(survey))
data(api)
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")
num <- function(x) sprintf("%.17g", x)

sinh_distance <- make.calfun(Fm1 = function(u, bounds) sinh(u), dF = function(u, bounds) cosh(u), name = "sinh")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
pop <- c(`(Intercept)` = nrow(apipop), stypeH = sum(apipop$stype == "H"), stypeM = sum(apipop$stype == "M"),
         sch.wideYes = sum(apipop$sch.wide == "Yes"), api99 = sum(apipop$api99))
cal <- calibrate(dstrat, ~stype + sch.wide + api99, pop, calfun = sinh_distance, epsilon = 1e-13, maxit = 200)
stopifnot(max(abs(svytotal(~api99, cal)[1] - pop["api99"])) < 1e-6)
write.csv(data.frame(weight = num(weights(cal))), "expected_sinh_weights.csv", row.names = FALSE, quote = FALSE)

m <- svymean(~api00 + enroll, cal)
t <- svytotal(~api00, cal)
out <- data.frame(statistic = c("mean", "mean", "total"), variable = c("api00", "enroll", "api00"),
                  estimate = num(c(coef(m), coef(t))), se = num(c(SE(m), SE(t))))
write.csv(out, "expected_sinh_estimates.csv", row.names = FALSE, quote = FALSE)
